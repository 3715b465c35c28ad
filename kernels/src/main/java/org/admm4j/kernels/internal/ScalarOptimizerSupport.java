package org.admm4j.kernels.internal;

/** Plain-Java optimizer updates. */
class ScalarOptimizerSupport implements OptimizerSupport {

  @Override
  public void sgd(int n, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    for (int i = 0; i < n; i++) {
      float grad = g[i] + weightDecay * w[i];
      if (z != null) {
        grad += rho * (w[i] - z[i] + u[i]);
      }
      float vel = momentum * v[i] + grad;
      float step = nesterov ? grad + momentum * vel : vel;
      float wi = w[i] - lr * step;
      if (mask != null && mask[i] == 0f) {
        wi = 0f;
        vel = 0f;
      }
      v[i] = vel;
      w[i] = wi;
    }
  }

  @Override
  public void adam(int n, float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
      float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    float c1 = 1f / (1f - (float) Math.pow(beta1, step));
    float c2 = 1f / (1f - (float) Math.pow(beta2, step));
    for (int i = 0; i < n; i++) {
      float grad = g[i] + weightDecay * w[i];
      if (z != null) {
        grad += rho * (w[i] - z[i] + u[i]);
      }
      float mi = beta1 * m[i] + (1f - beta1) * grad;
      float vi = beta2 * v[i] + (1f - beta2) * grad * grad;
      float wi = w[i] - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
      if (mask != null && mask[i] == 0f) {
        wi = 0f;
        mi = 0f;
        vi = 0f;
      }
      m[i] = mi;
      v[i] = vi;
      w[i] = wi;
    }
  }
}
