package org.admm4j.kernels.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;
import org.admm4j.kernels.PoolShape;

/**
 * Plain-Java convolution and pooling: im2col + one GEMM over the whole batch (see {@link Im2col}) through
 * the provider's {@link BlasSupport}, so the scalar set is the reference and still reasonably fast.
 * The layout passes run on the pool one sample (or one output channel) per leaf; every leaf writes
 * disjoint outputs in a fixed order, so results are the same bits for any pool size.
 */
class ScalarConvolutionSupport implements ConvolutionSupport {

  /** Samples per leaf task of the layout passes (im2col, col2im, output scatter). */
  static final int SAMPLES_PER_TASK = 1;

  final BlasSupport blas;

  ScalarConvolutionSupport(BlasSupport blas) {
    this.blas = blas;
  }

  @Override
  public int workspaceSize(ConvShape shape) {
    return Im2col.workspaceSize(shape);
  }

  @Override
  public void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    forwardIm2col(s, x, w, bias, y, workspace, pool);
  }

  /** im2col, {@code rows (outC × BP) = W (outC × K) · cols (K × BP)}, then rows back to NCHW plus bias. */
  final void forwardIm2col(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] ws,
      ForkJoinPool pool) {
    int k = Im2col.patchSize(s), bp = Im2col.columns(s), rowsOff = Im2col.rowsOffset(s);
    BatchRange.run(pool, s.batch(), SAMPLES_PER_TASK, (lo, hi) -> im2col(s, x, ws, lo, hi));
    blas.gemm(false, false, s.outChannels(), bp, k, 1f, w, 0, k, ws, 0, bp, 0f, ws, rowsOff, bp, pool);
    BatchRange.run(pool, s.batch(), SAMPLES_PER_TASK,
        (lo, hi) -> Im2col.rowsToOutput(s, ws, rowsOff, bias, y, lo, hi));
  }

  @Override
  public void backwardData(ConvShape s, float[] dy, float[] w, float[] dx, float[] ws, ForkJoinPool pool) {
    // rows = dy with the batch inside the channel; cols (K × BP) = Wᵀ · rows; col2im sums patches back
    int k = Im2col.patchSize(s), bp = Im2col.columns(s), rowsOff = Im2col.rowsOffset(s);
    BatchRange.run(pool, s.outChannels(), 1, (lo, hi) -> Im2col.gradientToRows(s, dy, ws, rowsOff, lo, hi));
    blas.gemm(true, false, k, bp, s.outChannels(), 1f, w, 0, k, ws, rowsOff, bp, 0f, ws, 0, bp, pool);
    BatchRange.run(pool, s.batch(), SAMPLES_PER_TASK, (lo, hi) -> col2im(s, ws, dx, lo, hi));
  }

  @Override
  public void backwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] ws,
      ForkJoinPool pool) {
    backwardWeightsIm2col(s, x, dy, dw, dbias, ws, pool, false);
  }

  @Override
  public void backwardWeightsAfterForward(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] ws, ForkJoinPool pool) {
    backwardWeightsIm2col(s, x, dy, dw, dbias, ws, pool, true);
  }

  /** @param colsReady whether {@code cols} already holds im2col(x), as forwardIm2col leaves it */
  final void backwardWeightsIm2col(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] ws,
      ForkJoinPool pool, boolean colsReady) {
    // cols from x, rows from dy (and the bias gradient as row sums); dW (outC × K) = rows · colsᵀ
    int k = Im2col.patchSize(s), bp = Im2col.columns(s), rowsOff = Im2col.rowsOffset(s);
    if (!colsReady) {
      BatchRange.run(pool, s.batch(), SAMPLES_PER_TASK, (lo, hi) -> im2col(s, x, ws, lo, hi));
    }
    BatchRange.run(pool, s.outChannels(), 1, (lo, hi) -> {
      Im2col.gradientToRows(s, dy, ws, rowsOff, lo, hi);
      if (dbias != null) {
        for (int oc = lo; oc < hi; oc++) {
          dbias[oc] = sum(bp, ws, rowsOff + oc * bp);
        }
      }
    });
    blas.gemm(false, true, s.outChannels(), k, bp, 1f, ws, rowsOff, bp, ws, 0, bp, 0f, dw, 0, k, pool);
  }

  /** {@link Im2col#im2col}: the columns of samples {@code [lo, hi)}; the Vector API set gathers instead. */
  void im2col(ConvShape s, float[] x, float[] cols, int lo, int hi) {
    Im2col.im2col(s, x, cols, lo, hi);
  }

  /** {@link Im2col#col2im}: dx of samples {@code [lo, hi)}; the Vector API set gathers rows instead. */
  void col2im(ConvShape s, float[] cols, float[] dx, int lo, int hi) {
    Im2col.col2im(s, cols, dx, lo, hi);
  }

  /** {@code Σ a[off + i]} for i &lt; n, in float. */
  float sum(int n, float[] a, int off) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[off + i];
    }
    return s;
  }

  /**
   * Max-pool; within a window the first maximum in row-major order wins a tie (strict {@code >}), so
   * {@code argmax} is deterministic. The common 2×2, stride-2 window has its own unrolled loop.
   */
  @Override
  public void maxPoolForward(PoolShape s, float[] x, float[] y, int[] argmax) {
    maxPoolForwardPlanes(s, x, y, argmax, 0, s.batch() * s.channels());
  }

  @Override
  public void maxPoolValues(PoolShape s, float[] x, float[] y) {
    maxPoolForwardPlanes(s, x, y, null, 0, s.batch() * s.channels());
  }

  @Override
  public void maxPoolForward(PoolShape s, float[] x, float[] y, int[] argmax, ForkJoinPool pool) {
    int planes = s.batch() * s.channels(), grain = poolPlanesPerTask(s);
    if (pool == null || pool.getParallelism() < 2 || planes <= grain) {
      // inline without a lambda: small calls stay allocation-free
      maxPoolForwardPlanes(s, x, y, argmax, 0, planes);
      return;
    }
    BatchRange.run(pool, planes, grain,
        (lo, hi) -> maxPoolForwardPlanes(s, x, y, argmax, lo, hi));
  }

  @Override
  public void maxPoolBackward(PoolShape s, float[] dy, int[] argmax, float[] dx, ForkJoinPool pool) {
    int planes = s.batch() * s.channels(), grain = poolPlanesPerTask(s);
    if (pool == null || pool.getParallelism() < 2 || planes <= grain) {
      maxPoolBackwardPlanes(s, dy, argmax, dx, 0, planes);
      return;
    }
    BatchRange.run(pool, planes, grain,
        (lo, hi) -> maxPoolBackwardPlanes(s, dy, argmax, dx, lo, hi));
  }

  /** Planes per pooling task: about {@link KernelParameters#POOL_TASK_OUTPUTS} outputs each. */
  static int poolPlanesPerTask(PoolShape s) {
    return Math.max(1, KernelParameters.POOL_TASK_OUTPUTS / Math.max(1, s.outHeight() * s.outWidth()));
  }

  /**
   * Max-pool; within a window the first maximum in row-major order wins a tie (strict {@code >}), so
   * {@code argmax} is deterministic. The common 2×2, stride-2 window has its own unrolled loop.
   */
  @Override
  public void maxPoolForwardPlanes(PoolShape s, float[] x, float[] y, int[] argmax, int planeLo, int planeHi) {
    if (s.size() == 2 && s.stride() == 2) {
      maxPool2x2(s, x, y, argmax, planeLo, planeHi);
      return;
    }
    int oh = s.outHeight(), ow = s.outWidth(), w = s.inWidth(), size = s.size(), st = s.stride();
    for (int plane = planeLo; plane < planeHi; plane++) {
      int in = plane * s.inHeight() * w;
      int out = plane * oh * ow;
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int corner = in + i * st * w + j * st;
          int best = corner;
          float max = x[best];
          for (int p = 0; p < size; p++) {
            for (int q = 0; q < size; q++) {
              int idx = corner + p * w + q;
              if (x[idx] > max) {
                max = x[idx];
                best = idx;
              }
            }
          }
          y[out + i * ow + j] = max;
          if (argmax != null) {
            argmax[out + i * ow + j] = best;
          }
        }
      }
    }
  }

  /** The 2×2, stride-2 window over planes {@code [planeLo, planeHi)}. */
  void maxPool2x2(PoolShape s, float[] x, float[] y, int[] argmax, int planeLo, int planeHi) {
    int oh = s.outHeight(), ow = s.outWidth(), w = s.inWidth();
    for (int plane = planeLo; plane < planeHi; plane++) {
      int in = plane * s.inHeight() * w;
      int out = plane * oh * ow;
      for (int i = 0; i < oh; i++) {
        maxPool2x2Row(x, w, in + 2 * i * w, y, argmax, out + i * ow, 0, ow);
      }
    }
  }

  /** Outputs j0..j1 of one output row whose windows start at input row {@code top}. */
  static void maxPool2x2Row(float[] x, int w, int top, float[] y, int[] argmax, int o, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      // window order: top-left, top-right, bottom-left, bottom-right; later ones win only if larger
      int a = top + 2 * j;
      int best = a;
      float max = x[a];
      if (x[a + 1] > max) {
        max = x[a + 1];
        best = a + 1;
      }
      if (x[a + w] > max) {
        max = x[a + w];
        best = a + w;
      }
      if (x[a + w + 1] > max) {
        max = x[a + w + 1];
        best = a + w + 1;
      }
      y[o + j] = max;
      if (argmax != null) {
        argmax[o + j] = best;
      }
    }
  }

  @Override
  public void maxPoolBackward(PoolShape s, float[] dy, int[] argmax, float[] dx) {
    maxPoolBackwardPlanes(s, dy, argmax, dx, 0, s.batch() * s.channels());
  }

  /** Without padding every window lies inside its plane, so a plane range of dx takes only its own dy. */
  @Override
  public void maxPoolBackwardPlanes(PoolShape s, float[] dy, int[] argmax, float[] dx, int planeLo, int planeHi) {
    int inPlane = s.inHeight() * s.inWidth(), outPlane = s.outHeight() * s.outWidth();
    Arrays.fill(dx, planeLo * inPlane, planeHi * inPlane, 0f);
    for (int i = planeLo * outPlane, n = planeHi * outPlane; i < n; i++) {
      dx[argmax[i]] += dy[i];
    }
  }
}
