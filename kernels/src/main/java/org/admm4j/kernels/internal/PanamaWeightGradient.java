package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.FloatVector;
import org.admm4j.kernels.ConvShape;

/**
 * Direct weight gradient for stride 1, no padding (LeNet-5's conv1: K = 25, where a GEMM over the
 * 0.46 M-float patch matrix spends as long moving data as computing).
 *
 * <p>dy is widened to the input's row pitch ({@code wide[b][oc][i·inWidth + j]}, zero for j ≥ outWidth and
 * up to a whole number of vectors), and x is copied with a few zeros after every sample. Then for tap
 * t = (c, p, q) at offset {@code xo} in a sample, {@code dw[oc][t] = Σ_b Σ_u wide[b][oc][u] · x[b][xo + u]}
 * over whole vectors only: past the output the widened dy is zero, and past the sample the copy is zero,
 * so there is no scalar tail (it took a quarter of the time at 16 lanes: 12 of 668 positions per sample,
 * scalar, for every pair of output channel and tap).
 *
 * <p>Items of 4 output channels × 4 taps keep 16 accumulators over all samples: 8 loads per 16 FMAs.
 * Every item owns its outputs and sums the samples in order, so the bits do not depend on the pool.
 */
final class PanamaWeightGradient {

  private static final int LANES = FLOATS.length();

  /** Output channels per item. */
  private static final int OC_BLOCK = 4;

  /** Taps per item. */
  private static final int TAP_BLOCK = 4;

  private PanamaWeightGradient() {}

  /** Positions of one widened dy plane: the span of a plane at input pitch, rounded up to whole vectors. */
  static int widePitch(ConvShape s) {
    int span = (s.outHeight() - 1) * s.inWidth() + s.outWidth();
    return (span + LANES - 1) / LANES * LANES;
  }

  /** Floats of one sample's copy of x: the sample and the zeros that the last vectors read past it. */
  static int xPitch(ConvShape s) {
    int plane = s.inChannels() * s.inHeight() * s.inWidth();
    int past = widePitch(s) - s.outHeight() * s.inWidth() + s.kernelWidth() - 1;
    return plane + Math.max(0, past);
  }

  /** Floats of workspace: the widened dy, then the copy of x. */
  static long workspaceSize(ConvShape s) {
    return (long) s.batch() * (s.outChannels() * (long) widePitch(s) + xPitch(s));
  }

  /** {@code dw} (and {@code dbias} unless null) of stride 1, no padding, into workspace {@code ws}. */
  static void backwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] ws,
      ForkJoinPool pool, ScalarConvolutionSupport sums) {
    assert s.stride() == 1 && s.padding() == 0 : s;
    int outC = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), iw = s.inWidth();
    int pitch = widePitch(s), xPitch = xPitch(s);
    int plane = s.inChannels() * s.inHeight() * iw;
    int xOff = s.batch() * outC * pitch;
    // widen dy, copy x
    BatchRange.run(pool, s.batch(), ScalarConvolutionSupport.SAMPLES_PER_TASK, (lo, hi) -> {
      for (int pl = lo * outC; pl < hi * outC; pl++) {
        int base = pl * pitch;
        for (int i = 0; i < oh; i++) {
          int dst = base + i * iw;
          System.arraycopy(dy, (pl * oh + i) * ow, ws, dst, ow);
          Arrays.fill(ws, dst + ow, Math.min(dst + iw, base + pitch), 0f);
        }
        Arrays.fill(ws, Math.min(base + oh * iw, base + pitch), base + pitch, 0f);
      }
      for (int b = lo; b < hi; b++) {
        int dst = xOff + b * xPitch;
        System.arraycopy(x, b * plane, ws, dst, plane);
        Arrays.fill(ws, dst + plane, dst + xPitch, 0f);
      }
    });
    int k = Im2col.patchSize(s);
    int ocBlocks = (outC + OC_BLOCK - 1) / OC_BLOCK;
    int tapBlocks = (k + TAP_BLOCK - 1) / TAP_BLOCK;
    // taps inner: consecutive items share the 4 channels' widened dy in L2
    BatchRange.run(pool, ocBlocks * tapBlocks, 1, (lo, hi) -> {
      float[] lanes = new float[LANES];
      for (int item = lo; item < hi; item++) {
        int oc0 = (item / tapBlocks) * OC_BLOCK;
        int t0 = (item % tapBlocks) * TAP_BLOCK;
        if (oc0 + OC_BLOCK <= outC) {
          int t = t0;
          if (t + TAP_BLOCK <= k) {
            block4x4(s, ws, dw, oc0, t, lanes);
            t += TAP_BLOCK;
          }
          // tap tail
          for (; t < Math.min(k, t0 + TAP_BLOCK); t++) {
            block4x1(s, ws, dw, oc0, t, lanes);
          }
        } else {
          // channel tail
          for (int oc = oc0; oc < outC; oc++) {
            for (int t = t0; t < Math.min(k, t0 + TAP_BLOCK); t++) {
              dw[oc * k + t] = single(s, ws, oc, t, lanes);
            }
          }
        }
      }
    });
    if (dbias != null) {
      BatchRange.run(pool, outC, 1, (lo, hi) -> {
        for (int oc = lo; oc < hi; oc++) {
          float sum = 0f;
          for (int b = 0; b < s.batch(); b++) {
            sum += sums.sum(oh * ow, dy, (b * outC + oc) * oh * ow);
          }
          dbias[oc] = sum;
        }
      });
    }
  }

  /** Offset of tap t = (c, p, q) from a sample's first input pixel. */
  private static int tapOffset(ConvShape s, int t) {
    int kk = s.kernelHeight() * s.kernelWidth();
    int c = t / kk, p = (t % kk) / s.kernelWidth(), q = t % s.kernelWidth();
    return (c * s.inHeight() + p) * s.inWidth() + q;
  }

  /** dw of channels oc0..oc0+3 × taps t0..t0+3. */
  private static void block4x4(ConvShape s, float[] ws, float[] dw, int oc0, int t0, float[] lanes) {
    int outC = s.outChannels(), k = Im2col.patchSize(s);
    int pitch = widePitch(s), xPitch = xPitch(s);
    int xOff = s.batch() * outC * pitch;
    int xo0 = xOff + tapOffset(s, t0), xo1 = xOff + tapOffset(s, t0 + 1);
    int xo2 = xOff + tapOffset(s, t0 + 2), xo3 = xOff + tapOffset(s, t0 + 3);
    FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    // one flat loop over (sample, position): accumulators across nested loops get boxed on JDK 17
    int xb = 0, db = oc0 * pitch, pos = 0;
    for (int v = 0, n = s.batch() * (pitch / LANES); v < n; v++) {
      FloatVector x0 = FloatVector.fromArray(FLOATS, ws, xb + xo0 + pos);
      FloatVector x1 = FloatVector.fromArray(FLOATS, ws, xb + xo1 + pos);
      FloatVector x2 = FloatVector.fromArray(FLOATS, ws, xb + xo2 + pos);
      FloatVector x3 = FloatVector.fromArray(FLOATS, ws, xb + xo3 + pos);
      FloatVector d = FloatVector.fromArray(FLOATS, ws, db + pos);
      a00 = d.fma(x0, a00);
      a01 = d.fma(x1, a01);
      a02 = d.fma(x2, a02);
      a03 = d.fma(x3, a03);
      d = FloatVector.fromArray(FLOATS, ws, db + pitch + pos);
      a10 = d.fma(x0, a10);
      a11 = d.fma(x1, a11);
      a12 = d.fma(x2, a12);
      a13 = d.fma(x3, a13);
      d = FloatVector.fromArray(FLOATS, ws, db + 2 * pitch + pos);
      a20 = d.fma(x0, a20);
      a21 = d.fma(x1, a21);
      a22 = d.fma(x2, a22);
      a23 = d.fma(x3, a23);
      d = FloatVector.fromArray(FLOATS, ws, db + 3 * pitch + pos);
      a30 = d.fma(x0, a30);
      a31 = d.fma(x1, a31);
      a32 = d.fma(x2, a32);
      a33 = d.fma(x3, a33);
      pos += LANES;
      if (pos == pitch) {
        pos = 0;
        xb += xPitch;
        db += outC * pitch;
      }
    }
    // reduce
    int o0 = oc0 * k + t0, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
    dw[o0] = sumLanes(a00, lanes);
    dw[o0 + 1] = sumLanes(a01, lanes);
    dw[o0 + 2] = sumLanes(a02, lanes);
    dw[o0 + 3] = sumLanes(a03, lanes);
    dw[o1] = sumLanes(a10, lanes);
    dw[o1 + 1] = sumLanes(a11, lanes);
    dw[o1 + 2] = sumLanes(a12, lanes);
    dw[o1 + 3] = sumLanes(a13, lanes);
    dw[o2] = sumLanes(a20, lanes);
    dw[o2 + 1] = sumLanes(a21, lanes);
    dw[o2 + 2] = sumLanes(a22, lanes);
    dw[o2 + 3] = sumLanes(a23, lanes);
    dw[o3] = sumLanes(a30, lanes);
    dw[o3 + 1] = sumLanes(a31, lanes);
    dw[o3 + 2] = sumLanes(a32, lanes);
    dw[o3 + 3] = sumLanes(a33, lanes);
  }

  /** dw of channels oc0..oc0+3, tap t: the taps left over by the blocks of 4. */
  private static void block4x1(ConvShape s, float[] ws, float[] dw, int oc0, int t, float[] lanes) {
    int outC = s.outChannels(), k = Im2col.patchSize(s);
    int pitch = widePitch(s), xPitch = xPitch(s);
    int xo = s.batch() * outC * pitch + tapOffset(s, t);
    FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
    int xb = 0, db = oc0 * pitch, pos = 0;
    for (int v = 0, n = s.batch() * (pitch / LANES); v < n; v++) {
      FloatVector x0 = FloatVector.fromArray(FLOATS, ws, xb + xo + pos);
      a0 = FloatVector.fromArray(FLOATS, ws, db + pos).fma(x0, a0);
      a1 = FloatVector.fromArray(FLOATS, ws, db + pitch + pos).fma(x0, a1);
      a2 = FloatVector.fromArray(FLOATS, ws, db + 2 * pitch + pos).fma(x0, a2);
      a3 = FloatVector.fromArray(FLOATS, ws, db + 3 * pitch + pos).fma(x0, a3);
      pos += LANES;
      if (pos == pitch) {
        pos = 0;
        xb += xPitch;
        db += outC * pitch;
      }
    }
    dw[oc0 * k + t] = sumLanes(a0, lanes);
    dw[(oc0 + 1) * k + t] = sumLanes(a1, lanes);
    dw[(oc0 + 2) * k + t] = sumLanes(a2, lanes);
    dw[(oc0 + 3) * k + t] = sumLanes(a3, lanes);
  }

  /** One weight of the gradient: the channels left over by the blocks of 4. */
  private static float single(ConvShape s, float[] ws, int oc, int t, float[] lanes) {
    int outC = s.outChannels();
    int pitch = widePitch(s), xPitch = xPitch(s);
    int xo = s.batch() * outC * pitch + tapOffset(s, t);
    FloatVector a = FloatVector.zero(FLOATS);
    int xb = 0, db = oc * pitch, pos = 0;
    for (int v = 0, n = s.batch() * (pitch / LANES); v < n; v++) {
      a = FloatVector.fromArray(FLOATS, ws, db + pos).fma(FloatVector.fromArray(FLOATS, ws, xb + xo + pos), a);
      pos += LANES;
      if (pos == pitch) {
        pos = 0;
        xb += xPitch;
        db += outC * pitch;
      }
    }
    return sumLanes(a, lanes);
  }

  /**
   * The lanes of v summed first to last. Not {@code reduceLanes(ADD)}: its order is left to the
   * implementation, and on JDK 25 the interpreted and the C2-compiled forms differ in the last bit, so
   * the same call could give other bits once compiled (and the pool-versus-sequential test caught it).
   */
  private static float sumLanes(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float sum = 0f;
    for (int i = 0; i < lanes.length; i++) {
      sum += lanes[i];
    }
    return sum;
  }
}
