package org.admm4j.kernels.internal;

/**
 * Plain-Java optimizer updates; the Panama class runs the same per-element operations in lanes.
 *
 * <p>Weights and optimizer state below the smallest normal float are stored as zero ({@link #flush}).
 * ADMM's penalty drives the pruned weights, their duals and Adam's moments towards zero geometrically,
 * and once they are subnormal every multiply that touches them takes a microcode assist on Intel cores:
 * LeNet-5's W-step fell from 10,600 to 2,200 images/s after four ADMM iterations, with 7 % of fc1's
 * weights subnormal (Xeon, JDK 17). Java cannot set the CPU's flush-to-zero mode, so the kernels do it
 * where the values are stored; below 1.2e-38 nothing of the model's output changes.
 */
class ScalarOptimizerSupport implements OptimizerSupport {

  /** {@code x}, or +0 when {@code |x|} is below {@link Float#MIN_NORMAL} (a subnormal or −0). */
  static float flush(float x) {
    return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
  }

  @Override
  public void sgd(int from, int to, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    sgdRange(from, to, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
  }

  /** The SGD update of elements {@code [from, to)}. */
  static void sgdRange(int from, int to, float[] w, float[] g, float[] v, float lr, float momentum,
      boolean nesterov, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    for (int i = from; i < to; i++) {
      float grad = g[i] + w[i] * weightDecay;
      if (z != null) {
        grad += (w[i] - z[i] + u[i]) * rho;
      }
      float vel = v[i] * momentum + grad;
      float step = nesterov ? grad + vel * momentum : vel;
      float wi = w[i] - step * lr;
      if (mask != null && mask[i] == 0f) {
        wi = 0f;
        vel = 0f;
      }
      v[i] = flush(vel);
      w[i] = flush(wi);
    }
  }

  @Override
  public void adam(int from, int to, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    adamRange(from, to, w, g, m, v, lr, beta1, beta2, eps, biasCorrection(beta1, step), biasCorrection(beta2, step),
        weightDecay, rho, z, u, mask);
  }

  /** {@code 1/(1 − beta^step)}. */
  static float biasCorrection(float beta, int step) {
    return (float) (1.0 / (1.0 - Math.pow(beta, step)));
  }

  /** The Adam update of elements {@code [from, to)} with bias corrections c1 (first moment) and c2. */
  static void adamRange(int from, int to, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, float c1, float c2, float weightDecay, float rho, float[] z, float[] u,
      float[] mask) {
    float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
    for (int i = from; i < to; i++) {
      float grad = g[i] + w[i] * weightDecay;
      if (z != null) {
        grad += (w[i] - z[i] + u[i]) * rho;
      }
      float mi = m[i] * beta1 + grad * oneMinusBeta1;
      float vi = v[i] * beta2 + grad * oneMinusBeta2 * grad;
      float wi = w[i] - mi * c1 * lr / ((float) Math.sqrt(vi * c2) + eps);
      if (mask != null && mask[i] == 0f) {
        wi = 0f;
        mi = 0f;
        vi = 0f;
      }
      m[i] = flush(mi);
      v[i] = flush(vi);
      w[i] = flush(wi);
    }
  }
}
