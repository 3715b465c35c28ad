package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API element-wise ops. Every method has the same shape: short ranges go to the scalar code, the
 * vector body runs to {@code FLOATS.loopBound(n)}, and the scalar implementation finishes the tail, so the
 * per-element math is defined once. Reductions keep four accumulators (some cores issue two vector adds a
 * cycle, some four) and reduce lanes once, after the loop.
 */
final class PanamaElementwiseSupport extends ScalarElementwiseSupport {

  private static final int LANES = FLOATS.length();

  /** Below this length the vector setup costs more than it saves. */
  private static final int MIN_VECTOR = 2 * LANES;

  @Override
  public void relu(int n, float[] x, int xOff, float[] y, int yOff) {
    if (n < MIN_VECTOR) {
      super.relu(n, x, xOff, y, yOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector v = FloatVector.fromArray(FLOATS, x, xOff + i);
      // compare-and-blend rather than max(v, 0): NaN must become 0 as in the scalar code, and max keeps it
      v.blend(0f, v.compare(VectorOperators.GT, 0f).not()).intoArray(y, yOff + i);
    }
    // scalar tail
    super.relu(n - bound, x, xOff + bound, y, yOff + bound);
  }

  @Override
  public void reluBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
    if (n < MIN_VECTOR) {
      super.reluBackward(n, y, yOff, dy, dyOff, dx, dxOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    FloatVector zero = FloatVector.zero(FLOATS);
    for (int i = 0; i < bound; i += LANES) {
      VectorMask<Float> on = FloatVector.fromArray(FLOATS, y, yOff + i).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(FLOATS, dy, dyOff + i), on).intoArray(dx, dxOff + i);
    }
    // scalar tail
    super.reluBackward(n - bound, y, yOff + bound, dy, dyOff + bound, dx, dxOff + bound);
  }

  @Override
  public void addRowBias(int rows, int cols, float[] bias, float[] y, int yOff) {
    if (cols < MIN_VECTOR) {
      super.addRowBias(rows, cols, bias, y, yOff);
      return;
    }
    int bound = FLOATS.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int o = yOff + r * cols;
      for (int c = 0; c < bound; c += LANES) {
        FloatVector.fromArray(FLOATS, y, o + c).add(FloatVector.fromArray(FLOATS, bias, c)).intoArray(y, o + c);
      }
      // scalar tail
      for (int c = bound; c < cols; c++) {
        y[o + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(int channels, int spatial, float[] bias, float[] y, int yOff) {
    if (spatial < MIN_VECTOR) {
      super.addChannelBias(channels, spatial, bias, y, yOff);
      return;
    }
    int bound = FLOATS.loopBound(spatial);
    for (int c = 0; c < channels; c++) {
      int o = yOff + c * spatial;
      float b = bias[c];
      for (int s = 0; s < bound; s += LANES) {
        FloatVector.fromArray(FLOATS, y, o + s).add(b).intoArray(y, o + s);
      }
      // scalar tail
      for (int s = bound; s < spatial; s++) {
        y[o + s] += b;
      }
    }
  }

  @Override
  public void accumulateChannelSums(int channels, int spatial, float[] dy, int dyOff, float[] db) {
    if (spatial < MIN_VECTOR) {
      super.accumulateChannelSums(channels, spatial, dy, dyOff, db);
      return;
    }
    int bound = FLOATS.loopBound(spatial);
    for (int c = 0; c < channels; c++) {
      int o = dyOff + c * spatial;
      float sum = sumBody(bound, dy, o);
      // scalar tail
      for (int s = bound; s < spatial; s++) {
        sum += dy[o + s];
      }
      db[c] += sum;
    }
  }

  private static float sumBody(int bound, float[] a, int off) {
    FloatVector s0 = FloatVector.zero(FLOATS);
    FloatVector s1 = FloatVector.zero(FLOATS);
    FloatVector s2 = FloatVector.zero(FLOATS);
    FloatVector s3 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound4 = bound - 3 * LANES; i < bound4; i += 4 * LANES) {
      s0 = s0.add(FloatVector.fromArray(FLOATS, a, off + i));
      s1 = s1.add(FloatVector.fromArray(FLOATS, a, off + i + LANES));
      s2 = s2.add(FloatVector.fromArray(FLOATS, a, off + i + 2 * LANES));
      s3 = s3.add(FloatVector.fromArray(FLOATS, a, off + i + 3 * LANES));
    }
    for (; i < bound; i += LANES) {
      s0 = s0.add(FloatVector.fromArray(FLOATS, a, off + i));
    }
    // reduce
    return OrderedLanes.sum(s0.add(s1).add(s2.add(s3)));
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    if (n < MIN_VECTOR) {
      super.axpy(n, alpha, x, xOff, y, yOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    FloatVector a = FloatVector.broadcast(FLOATS, alpha);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, x, xOff + i).fma(a, FloatVector.fromArray(FLOATS, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    // scalar tail
    super.axpy(n - bound, alpha, x, xOff + bound, y, yOff + bound);
  }

  @Override
  public void scale(int n, float alpha, float[] x, int xOff) {
    if (n < MIN_VECTOR) {
      super.scale(n, alpha, x, xOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
    }
    // scalar tail
    super.scale(n - bound, alpha, x, xOff + bound);
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    if (n < MIN_VECTOR) {
      return super.dot(n, x, xOff, y, yOff);
    }
    int bound = FLOATS.loopBound(n);
    return dotBody(bound, x, xOff, y, yOff) + super.dot(n - bound, x, xOff + bound, y, yOff + bound);
  }

  private static float dotBody(int bound, float[] x, int xOff, float[] y, int yOff) {
    FloatVector s0 = FloatVector.zero(FLOATS);
    FloatVector s1 = FloatVector.zero(FLOATS);
    FloatVector s2 = FloatVector.zero(FLOATS);
    FloatVector s3 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound4 = bound - 3 * LANES; i < bound4; i += 4 * LANES) {
      s0 = FloatVector.fromArray(FLOATS, x, xOff + i).fma(FloatVector.fromArray(FLOATS, y, yOff + i), s0);
      s1 = FloatVector.fromArray(FLOATS, x, xOff + i + LANES)
          .fma(FloatVector.fromArray(FLOATS, y, yOff + i + LANES), s1);
      s2 = FloatVector.fromArray(FLOATS, x, xOff + i + 2 * LANES)
          .fma(FloatVector.fromArray(FLOATS, y, yOff + i + 2 * LANES), s2);
      s3 = FloatVector.fromArray(FLOATS, x, xOff + i + 3 * LANES)
          .fma(FloatVector.fromArray(FLOATS, y, yOff + i + 3 * LANES), s3);
    }
    for (; i < bound; i += LANES) {
      s0 = FloatVector.fromArray(FLOATS, x, xOff + i).fma(FloatVector.fromArray(FLOATS, y, yOff + i), s0);
    }
    // reduce
    return OrderedLanes.sum(s0.add(s1).add(s2.add(s3)));
  }

  @Override
  public float sumOfSquares(int n, float[] x, int xOff) {
    if (n < MIN_VECTOR) {
      return super.sumOfSquares(n, x, xOff);
    }
    int bound = FLOATS.loopBound(n);
    return dotBody(bound, x, xOff, x, xOff) + super.sumOfSquares(n - bound, x, xOff + bound);
  }

  @Override
  public float sumOfSquaredDeviations(int n, float[] x, int xOff, float mean) {
    if (n < MIN_VECTOR) {
      return super.sumOfSquaredDeviations(n, x, xOff, mean);
    }
    int bound = FLOATS.loopBound(n);
    return deviationsBody(bound, x, xOff, x, xOff, mean)
        + super.sumOfSquaredDeviations(n - bound, x, xOff + bound, mean);
  }

  @Override
  public float dotDeviations(int n, float[] dy, int dyOff, float[] x, int xOff, float mean) {
    if (n < MIN_VECTOR) {
      return super.dotDeviations(n, dy, dyOff, x, xOff, mean);
    }
    int bound = FLOATS.loopBound(n);
    return deviationsBody(bound, dy, dyOff, x, xOff, mean)
        + super.dotDeviations(n - bound, dy, dyOff + bound, x, xOff + bound, mean);
  }

  /** {@code Σ u[i]·(x[i] − mean)}, u = x − mean when u is x (the centring is then done for u too). */
  private static float deviationsBody(int bound, float[] u, int uOff, float[] x, int xOff, float mean) {
    boolean squares = u == x && uOff == xOff;
    FloatVector m = FloatVector.broadcast(FLOATS, mean);
    FloatVector s0 = FloatVector.zero(FLOATS);
    FloatVector s1 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound2 = bound - LANES; i < bound2; i += 2 * LANES) {
      FloatVector d0 = FloatVector.fromArray(FLOATS, x, xOff + i).sub(m);
      FloatVector d1 = FloatVector.fromArray(FLOATS, x, xOff + i + LANES).sub(m);
      FloatVector u0 = squares ? d0 : FloatVector.fromArray(FLOATS, u, uOff + i);
      FloatVector u1 = squares ? d1 : FloatVector.fromArray(FLOATS, u, uOff + i + LANES);
      s0 = u0.fma(d0, s0);
      s1 = u1.fma(d1, s1);
    }
    for (; i < bound; i += LANES) {
      FloatVector d0 = FloatVector.fromArray(FLOATS, x, xOff + i).sub(m);
      FloatVector u0 = squares ? d0 : FloatVector.fromArray(FLOATS, u, uOff + i);
      s0 = u0.fma(d0, s0);
    }
    // reduce
    return OrderedLanes.sum(s0.add(s1));
  }

  @Override
  public void affine(int n, float scale, float shift, float[] x, int xOff, float[] y, int yOff) {
    if (n < MIN_VECTOR) {
      super.affine(n, scale, shift, x, xOff, y, yOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    FloatVector a = FloatVector.broadcast(FLOATS, scale), b = FloatVector.broadcast(FLOATS, shift);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, x, xOff + i).fma(a, b).intoArray(y, yOff + i);
    }
    // scalar tail
    super.affine(n - bound, scale, shift, x, xOff + bound, y, yOff + bound);
  }

  @Override
  public void affineGradient(int n, float a, float[] dy, int dyOff, float b, float[] x, int xOff, float c,
      float[] dx, int dxOff) {
    if (n < MIN_VECTOR) {
      super.affineGradient(n, a, dy, dyOff, b, x, xOff, c, dx, dxOff);
      return;
    }
    int bound = FLOATS.loopBound(n);
    FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
    FloatVector vc = FloatVector.broadcast(FLOATS, c);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector g = FloatVector.fromArray(FLOATS, dy, dyOff + i).mul(va);
      FloatVector.fromArray(FLOATS, x, xOff + i).fma(vb, g).add(vc).intoArray(dx, dxOff + i);
    }
    // scalar tail
    super.affineGradient(n - bound, a, dy, dyOff + bound, b, x, xOff + bound, c, dx, dxOff + bound);
  }
}
