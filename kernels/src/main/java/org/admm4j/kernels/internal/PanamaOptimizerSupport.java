package org.admm4j.kernels.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API optimizer updates. Each lane performs the scalar class's operations in the same order
 * (multiply then add, no FMA), so both implementations give the same bits; the scalar tail reuses the
 * scalar loop. The updates are memory-bound (4–6 streams per weight), so the win is fewer instructions
 * per element, not arithmetic. Results below the smallest normal float are stored as zero, as in the
 * scalar class.
 */
final class PanamaOptimizerSupport extends ScalarOptimizerSupport {

  private static final VectorSpecies<Float> F = PanamaConstants.FLOATS;

  @Override
  public void sgd(int from, int to, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    int n = to - from;
    int bound = from + (n > 2 * F.length() ? F.loopBound(n) : 0);
    if (bound > from) {
      sgdBody(from, bound, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
    }
    // scalar tail
    sgdRange(bound, to, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
  }

  private static void sgdBody(int from, int bound, float[] w, float[] g, float[] v, float lr, float momentum,
      boolean nesterov, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    FloatVector zero = FloatVector.zero(F);
    for (int i = from; i < bound; i += F.length()) {
      FloatVector wv = FloatVector.fromArray(F, w, i);
      FloatVector grad = FloatVector.fromArray(F, g, i).add(wv.mul(weightDecay));
      if (z != null) {
        FloatVector diff = wv.sub(FloatVector.fromArray(F, z, i)).add(FloatVector.fromArray(F, u, i));
        grad = grad.add(diff.mul(rho));
      }
      FloatVector vel = FloatVector.fromArray(F, v, i).mul(momentum).add(grad);
      FloatVector step = nesterov ? grad.add(vel.mul(momentum)) : vel;
      FloatVector wNew = wv.sub(step.mul(lr));
      if (mask != null) {
        VectorMask<Float> keep = FloatVector.fromArray(F, mask, i).compare(VectorOperators.NE, 0f);
        wNew = zero.blend(wNew, keep);
        vel = zero.blend(vel, keep);
      }
      // subnormals to zero (see ScalarOptimizerSupport.flush)
      wNew = wNew.blend(zero, wNew.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      vel = vel.blend(zero, vel.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      vel.intoArray(v, i);
      wNew.intoArray(w, i);
    }
  }

  @Override
  public void adam(int from, int to, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    int n = to - from;
    int bound = from + (n > 2 * F.length() ? F.loopBound(n) : 0);
    float c1 = biasCorrection(beta1, step);
    float c2 = biasCorrection(beta2, step);
    if (bound > from) {
      adamBody(from, bound, w, g, m, v, lr, beta1, beta2, eps, c1, c2, weightDecay, rho, z, u, mask);
    }
    // scalar tail
    adamRange(bound, to, w, g, m, v, lr, beta1, beta2, eps, c1, c2, weightDecay, rho, z, u, mask);
  }

  private static void adamBody(int from, int bound, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, float c1, float c2, float weightDecay, float rho, float[] z, float[] u,
      float[] mask) {
    FloatVector zero = FloatVector.zero(F);
    float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
    for (int i = from; i < bound; i += F.length()) {
      FloatVector wv = FloatVector.fromArray(F, w, i);
      FloatVector grad = FloatVector.fromArray(F, g, i).add(wv.mul(weightDecay));
      if (z != null) {
        FloatVector diff = wv.sub(FloatVector.fromArray(F, z, i)).add(FloatVector.fromArray(F, u, i));
        grad = grad.add(diff.mul(rho));
      }
      FloatVector mi = FloatVector.fromArray(F, m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
      FloatVector vi = FloatVector.fromArray(F, v, i).mul(beta2).add(grad.mul(oneMinusBeta2).mul(grad));
      FloatVector denom = vi.mul(c2).lanewise(VectorOperators.SQRT).add(eps);
      FloatVector wNew = wv.sub(mi.mul(c1).mul(lr).div(denom));
      if (mask != null) {
        VectorMask<Float> keep = FloatVector.fromArray(F, mask, i).compare(VectorOperators.NE, 0f);
        wNew = zero.blend(wNew, keep);
        mi = zero.blend(mi, keep);
        vi = zero.blend(vi, keep);
      }
      // subnormals to zero (see ScalarOptimizerSupport.flush)
      wNew = wNew.blend(zero, wNew.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      mi = mi.blend(zero, mi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      vi = vi.blend(zero, vi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      wNew.intoArray(w, i);
    }
  }
}
