package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;

import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;

/**
 * Vector API convolution. Two forward variants:
 * <ul>
 *   <li>{@code _im2col} (inherited): im2col + one GEMM over the batch on the provider's packed SGEMM. Wins
 *       whenever the patch is long enough for the GEMM to run near its peak (LeNet-5's conv2, K = 500).</li>
 *   <li>{@code _direct}: for stride 1, no padding and short patches (LeNet-5's conv1, K = 25) the GEMM has a
 *       25-deep inner dimension, so packing and the 737 k-float output scatter cost about as much as the
 *       arithmetic; the direct kernel instead keeps four output channels × one vector of output columns in
 *       registers and streams the input rows once, writing NCHW directly (no workspace).</li>
 * </ul>
 * The switch is {@link KernelParameters#CONV_DIRECT_MAX_PATCH}; the measurements behind it are in
 * {@code kernels/README.md}. The backward passes are im2col + GEMM for every shape.
 */
final class PanamaConvolutionSupport extends ScalarConvolutionSupport {

  private static final int LANES = FLOATS.length();

  /** Output channels held in registers at once by the direct kernel. */
  private static final int OC_BLOCK = 4;

  /**
   * A/B knob for benchmarks: {@code -Dadmm4j.convForward=im2col} or {@code =direct} forces a forward
   * variant (direct only where it applies); anything else leaves the choice to the measured rule.
   */
  private static final String FORWARD_VARIANT = System.getProperty("admm4j.convForward", "auto");

  PanamaConvolutionSupport(BlasSupport blas) {
    super(blas);
  }

  /** Whether the direct kernel serves {@code s}: stride 1, no padding, a short patch, rows of a vector or more. */
  static boolean useDirect(ConvShape s) {
    boolean applies = s.stride() == 1 && s.padding() == 0 && s.outWidth() >= LANES;
    return switch (FORWARD_VARIANT) {
      case "im2col" -> false;
      case "direct" -> applies;
      default -> applies && Im2col.patchSize(s) <= KernelParameters.CONV_DIRECT_MAX_PATCH;
    };
  }

  @Override
  public void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    if (useDirect(s)) {
      forwardDirect(s, x, w, bias, y, pool);
    } else {
      forwardIm2col(s, x, w, bias, y, workspace, pool);
    }
  }

  /** The direct kernel alone, whatever {@link #useDirect} says (stride 1, padding 0, outWidth ≥ lanes). */
  void forwardDirect(ConvShape s, float[] x, float[] w, float[] bias, float[] y, ForkJoinPool pool) {
    assert s.stride() == 1 && s.padding() == 0 && s.outWidth() >= LANES : s;
    int blocks = (s.outChannels() + OC_BLOCK - 1) / OC_BLOCK;
    BatchRange.run(pool, s.batch() * blocks, 1, (lo, hi) -> {
      for (int item = lo; item < hi; item++) {
        int b = item / blocks;
        int oc0 = (item % blocks) * OC_BLOCK;
        if (oc0 + OC_BLOCK <= s.outChannels()) {
          directBlock4(s, x, w, bias, y, b, oc0);
        } else {
          for (int oc = oc0; oc < s.outChannels(); oc++) {
            directSingle(s, x, w, bias, y, b, oc);
          }
        }
      }
    });
  }

  /**
   * Output channels oc0..oc0+3 of sample b. Each row is covered by vectors starting at 0, L, 2L, … with the
   * last one moved back to {@code outWidth − L}: the overlap is computed twice with the same result, which
   * is cheaper than a masked tail on JDK 17.
   */
  private static void directBlock4(ConvShape s, float[] x, float[] w, float[] bias, float[] y, int b, int oc0) {
    int inC = s.inChannels(), h = s.inHeight(), iw = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth();
    int plane = oh * ow;
    int wStride = inC * kh * kw;
    int xb = b * inC * h * iw;
    float b0 = bias == null ? 0f : bias[oc0];
    float b1 = bias == null ? 0f : bias[oc0 + 1];
    float b2 = bias == null ? 0f : bias[oc0 + 2];
    float b3 = bias == null ? 0f : bias[oc0 + 3];
    int y0 = (b * s.outChannels() + oc0) * plane;
    int w0 = oc0 * wStride;
    for (int i = 0; i < oh; i++) {
      for (int jv = 0; jv < ow; jv += LANES) {
        int j = Math.min(jv, ow - LANES);
        FloatVector a0 = FloatVector.broadcast(FLOATS, b0);
        FloatVector a1 = FloatVector.broadcast(FLOATS, b1);
        FloatVector a2 = FloatVector.broadcast(FLOATS, b2);
        FloatVector a3 = FloatVector.broadcast(FLOATS, b3);
        // one flat loop over the patch (c, p, q): on JDK 17, C2 boxes several vector accumulators that
        // live across nested loops (153 MB/op here), but keeps them in registers across a single loop
        int xr = xb + i * iw + j;
        int p = 0, q = 0;
        for (int t = 0; t < wStride; t++) {
          FloatVector xv = FloatVector.fromArray(FLOATS, x, xr + q);
          a0 = xv.fma(FloatVector.broadcast(FLOATS, w[w0 + t]), a0);
          a1 = xv.fma(FloatVector.broadcast(FLOATS, w[w0 + wStride + t]), a1);
          a2 = xv.fma(FloatVector.broadcast(FLOATS, w[w0 + 2 * wStride + t]), a2);
          a3 = xv.fma(FloatVector.broadcast(FLOATS, w[w0 + 3 * wStride + t]), a3);
          if (++q == kw) {
            q = 0;
            xr += iw;
            if (++p == kh) {
              p = 0;
              xr += (h - kh) * iw;
            }
          }
        }
        int yo = y0 + i * ow + j;
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + plane);
        a2.intoArray(y, yo + 2 * plane);
        a3.intoArray(y, yo + 3 * plane);
      }
    }
  }

  /** One output channel of sample b: the tail of the channel blocks. */
  private static void directSingle(ConvShape s, float[] x, float[] w, float[] bias, float[] y, int b, int oc) {
    int inC = s.inChannels(), h = s.inHeight(), iw = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth();
    int wStride = inC * kh * kw;
    int w0 = oc * wStride;
    int xb = b * inC * h * iw;
    float bv = bias == null ? 0f : bias[oc];
    int yb = (b * s.outChannels() + oc) * oh * ow;
    for (int i = 0; i < oh; i++) {
      for (int jv = 0; jv < ow; jv += LANES) {
        int j = Math.min(jv, ow - LANES);
        FloatVector a0 = FloatVector.broadcast(FLOATS, bv);
        int xr = xb + i * iw + j;
        int p = 0, q = 0;
        for (int t = 0; t < wStride; t++) {
          a0 = FloatVector.fromArray(FLOATS, x, xr + q).fma(FloatVector.broadcast(FLOATS, w[w0 + t]), a0);
          if (++q == kw) {
            q = 0;
            xr += iw;
            if (++p == kh) {
              p = 0;
              xr += (h - kh) * iw;
            }
          }
        }
        a0.intoArray(y, yb + i * ow + j);
      }
    }
  }

  /** Row sums for the bias gradient: four accumulators, one lane reduction at the end. */
  @Override
  float sum(int n, float[] a, int off) {
    if (n < 2 * LANES) {
      return super.sum(n, a, off);
    }
    int bound = FLOATS.loopBound(n);
    float s = sumBody(bound, a, off);
    // scalar tail
    for (int i = bound; i < n; i++) {
      s += a[off + i];
    }
    return s;
  }

  private static float sumBody(int bound, float[] a, int off) {
    FloatVector s0 = FloatVector.zero(FLOATS);
    FloatVector s1 = FloatVector.zero(FLOATS);
    FloatVector s2 = FloatVector.zero(FLOATS);
    FloatVector s3 = FloatVector.zero(FLOATS);
    int i = 0;
    int bound4 = bound - 3 * LANES;
    for (; i < bound4; i += 4 * LANES) {
      s0 = s0.add(FloatVector.fromArray(FLOATS, a, off + i));
      s1 = s1.add(FloatVector.fromArray(FLOATS, a, off + i + LANES));
      s2 = s2.add(FloatVector.fromArray(FLOATS, a, off + i + 2 * LANES));
      s3 = s3.add(FloatVector.fromArray(FLOATS, a, off + i + 3 * LANES));
    }
    for (; i < bound; i += LANES) {
      s0 = s0.add(FloatVector.fromArray(FLOATS, a, off + i));
    }
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }
}
