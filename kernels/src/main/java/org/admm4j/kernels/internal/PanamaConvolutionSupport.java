package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;
import static org.admm4j.kernels.internal.PanamaConstants.INTS;

import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;
import org.admm4j.kernels.PoolShape;

/**
 * Vector API convolution and max-pooling. Two variants of each convolution pass:
 * <ul>
 *   <li>{@code Im2col} (inherited): im2col + one GEMM over the batch on the provider's packed SGEMM. Wins
 *       where the patch is long enough for the GEMM to run near its peak (LeNet-5's conv2, K = 500).</li>
 *   <li>{@code Direct}: for stride 1, no padding and short patches (LeNet-5's conv1, K = 25) a GEMM with a
 *       25-deep (or 20-wide) dimension spends as much time packing and moving the 0.9 M-float {@code cols}
 *       and 0.7 M-float {@code rows} as computing; the direct kernels touch only inputs and outputs and keep
 *       4 output channels × one vector of outputs in registers.</li>
 * </ul>
 * The switch is {@link KernelParameters#CONV_DIRECT_MAX_PATCH}; the measurements behind it are in
 * {@code kernels/README.md}. Backward-data with stride 1 always takes the im2col route, chunked so that
 * the vector col2im ({@link PanamaCol2im}) reads each chunk's patch matrix from L2
 * ({@link #backwardDataChunked}).
 */
final class PanamaConvolutionSupport extends ScalarConvolutionSupport {

  private static final int LANES = FLOATS.length();

  /** Output channels held in registers at once by the direct kernel. */
  private static final int OC_BLOCK = 4;

  /**
   * A/B knob for benchmarks: {@code -Dadmm4j.convVariant=im2col} or {@code =direct} forces the variant of
   * all three passes (direct only where it applies); anything else leaves the choice to the measured rule.
   */
  private static final String VARIANT = System.getProperty("admm4j.convVariant", "auto");

  PanamaConvolutionSupport(BlasSupport blas) {
    super(blas);
  }

  /** Whether the direct kernel serves {@code s}: stride 1, no padding, a short patch, rows of a vector or more. */
  static boolean useDirect(ConvShape s) {
    boolean applies = s.stride() == 1 && s.padding() == 0 && s.outWidth() >= LANES;
    return switch (VARIANT) {
      case "im2col" -> false;
      case "direct" -> applies;
      default -> applies && Im2col.patchSize(s) <= KernelParameters.CONV_DIRECT_MAX_PATCH;
    };
  }

  @Override
  public int workspaceSize(ConvShape s) {
    int im2col;
    if (chunkedIm2col(s)) {
      // every pass runs by chunks: no whole-batch patch matrix
      im2col = Im2col.arraySize(s, chunkedForwardWorkspace(s));
      im2col = Math.max(im2col, Im2col.arraySize(s, chunkedWorkspace(s)));
      if (dataByForward(s)) {
        im2col = Math.max(im2col, Im2col.arraySize(s, dataByForwardWorkspace(s)));
      }
    } else {
      im2col = Im2col.workspaceSize(s);
      if (PanamaCol2im.applies(s)) {
        im2col = Math.max(im2col, Im2col.arraySize(s, chunkedWorkspace(s)));
      }
    }
    if (s.stride() != 1 || s.padding() != 0 || s.outWidth() < LANES) {
      return im2col;
    }
    long wide = PanamaWeightGradient.workspaceSize(s);
    ConvShape t = transposedShape(s);
    long padded = (long) t.inputSize() + t.weightSize();
    return Im2col.arraySize(s, Math.max(im2col, Math.max(wide, padded)));
  }

  @Override
  public void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    if (useDirect(s)) {
      forwardDirect(s, x, w, bias, y, pool);
    } else if (chunkedIm2col(s)) {
      forwardChunked(s, x, w, bias, y, workspace, pool);
    } else {
      forwardIm2col(s, x, w, bias, y, workspace, pool);
    }
  }

  @Override
  public void forwardOnly(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    if (!useDirect(s) && chunkedIm2col(s)) {
      forwardChunked(s, x, w, 0, bias, y, workspace, pool, false);
    } else {
      forward(s, x, w, bias, y, workspace, pool);
    }
  }

  /** The direct kernel alone, whatever {@link #useDirect} says (stride 1, padding 0, outWidth ≥ lanes). */
  void forwardDirect(ConvShape s, float[] x, float[] w, float[] bias, float[] y, ForkJoinPool pool) {
    forwardDirect(s, x, 0, w, 0, bias, y, pool);
  }

  /** The direct kernel on x and w starting at offsets (so that both may live in the workspace). */
  private static void forwardDirect(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y,
      ForkJoinPool pool) {
    assert s.stride() == 1 && s.padding() == 0 && s.outWidth() >= LANES : s;
    int blocks = (s.outChannels() + OC_BLOCK - 1) / OC_BLOCK;
    BatchRange.run(pool, s.batch() * blocks, 1, (lo, hi) -> {
      for (int item = lo; item < hi; item++) {
        int b = item / blocks;
        int oc0 = (item % blocks) * OC_BLOCK;
        if (oc0 + OC_BLOCK <= s.outChannels()) {
          directBlock4(s, x, xOff, w, wOff, bias, y, b, oc0);
        } else {
          for (int oc = oc0; oc < s.outChannels(); oc++) {
            directSingle(s, x, xOff, w, wOff, bias, y, b, oc);
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
  private static void directBlock4(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y,
      int b, int oc0) {
    int inC = s.inChannels(), h = s.inHeight(), iw = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth();
    int plane = oh * ow;
    int wStride = inC * kh * kw;
    int xb = xOff + b * inC * h * iw;
    float b0 = bias == null ? 0f : bias[oc0];
    float b1 = bias == null ? 0f : bias[oc0 + 1];
    float b2 = bias == null ? 0f : bias[oc0 + 2];
    float b3 = bias == null ? 0f : bias[oc0 + 3];
    int y0 = (b * s.outChannels() + oc0) * plane;
    int w0 = wOff + oc0 * wStride;
    int i = 0;
    for (; i + 1 < oh; i += 2) {
      for (int jv = 0; jv < ow; jv += LANES) {
        int j = Math.min(jv, ow - LANES);
        // two output rows share each weight broadcast: 2 loads + 4 broadcasts per 8 FMAs, not 1 + 4 per 4
        FloatVector a0 = FloatVector.broadcast(FLOATS, b0), c0 = a0;
        FloatVector a1 = FloatVector.broadcast(FLOATS, b1), c1 = a1;
        FloatVector a2 = FloatVector.broadcast(FLOATS, b2), c2 = a2;
        FloatVector a3 = FloatVector.broadcast(FLOATS, b3), c3 = a3;
        // one flat loop over the patch (c, p, q): on JDK 17, C2 boxes several vector accumulators that
        // live across nested loops (153 MB/op here), but keeps them in registers across a single loop
        int xr = xb + i * iw + j;
        int p = 0, q = 0;
        for (int t = 0; t < wStride; t++) {
          FloatVector xv = FloatVector.fromArray(FLOATS, x, xr + q);
          FloatVector xn = FloatVector.fromArray(FLOATS, x, xr + iw + q);
          FloatVector wv = FloatVector.broadcast(FLOATS, w[w0 + t]);
          a0 = xv.fma(wv, a0);
          c0 = xn.fma(wv, c0);
          wv = FloatVector.broadcast(FLOATS, w[w0 + wStride + t]);
          a1 = xv.fma(wv, a1);
          c1 = xn.fma(wv, c1);
          wv = FloatVector.broadcast(FLOATS, w[w0 + 2 * wStride + t]);
          a2 = xv.fma(wv, a2);
          c2 = xn.fma(wv, c2);
          wv = FloatVector.broadcast(FLOATS, w[w0 + 3 * wStride + t]);
          a3 = xv.fma(wv, a3);
          c3 = xn.fma(wv, c3);
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
        c0.intoArray(y, yo + ow);
        c1.intoArray(y, yo + ow + plane);
        c2.intoArray(y, yo + ow + 2 * plane);
        c3.intoArray(y, yo + ow + 3 * plane);
      }
    }
    // an odd last row alone
    for (; i < oh; i++) {
      for (int jv = 0; jv < ow; jv += LANES) {
        int j = Math.min(jv, ow - LANES);
        FloatVector a0 = FloatVector.broadcast(FLOATS, b0);
        FloatVector a1 = FloatVector.broadcast(FLOATS, b1);
        FloatVector a2 = FloatVector.broadcast(FLOATS, b2);
        FloatVector a3 = FloatVector.broadcast(FLOATS, b3);
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

  /**
   * One output channel of sample b: the tail of the channel blocks, and the whole of a one-channel output
   * (conv1's input gradient). Four output rows share each weight broadcast, so four FMA chains run
   * side by side instead of one latency-bound chain.
   */
  private static void directSingle(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y,
      int b, int oc) {
    int inC = s.inChannels(), h = s.inHeight(), iw = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth();
    int wStride = inC * kh * kw;
    int w0 = wOff + oc * wStride;
    int xb = xOff + b * inC * h * iw;
    float bv = bias == null ? 0f : bias[oc];
    int yb = (b * s.outChannels() + oc) * oh * ow;
    int i = 0;
    for (; i + 4 <= oh; i += 4) {
      for (int jv = 0; jv < ow; jv += LANES) {
        int j = Math.min(jv, ow - LANES);
        FloatVector a0 = FloatVector.broadcast(FLOATS, bv);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int xr = xb + i * iw + j;
        int p = 0, q = 0;
        for (int t = 0; t < wStride; t++) {
          FloatVector wv = FloatVector.broadcast(FLOATS, w[w0 + t]);
          a0 = FloatVector.fromArray(FLOATS, x, xr + q).fma(wv, a0);
          a1 = FloatVector.fromArray(FLOATS, x, xr + iw + q).fma(wv, a1);
          a2 = FloatVector.fromArray(FLOATS, x, xr + 2 * iw + q).fma(wv, a2);
          a3 = FloatVector.fromArray(FLOATS, x, xr + 3 * iw + q).fma(wv, a3);
          if (++q == kw) {
            q = 0;
            xr += iw;
            if (++p == kh) {
              p = 0;
              xr += (h - kh) * iw;
            }
          }
        }
        int yo = yb + i * ow + j;
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + ow);
        a2.intoArray(y, yo + 2 * ow);
        a3.intoArray(y, yo + 3 * ow);
      }
    }
    // remaining rows one at a time
    for (; i < oh; i++) {
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

  /**
   * im2col + GEMM unless {@code -Dadmm4j.convVariant=direct}: with the packed SGEMM, conv1's input gradient
   * takes 0.94–1.08 ms through col2im against 1.18–1.25 ms direct (one output channel leaves the direct
   * kernel one load per FMA), so the direct variant is kept for A/B runs only.
   */
  @Override
  public void backwardData(ConvShape s, float[] dy, float[] w, float[] dx, float[] workspace, ForkJoinPool pool) {
    if (VARIANT.equals("direct") && useDirect(s)) {
      backwardDataDirect(s, dy, w, dx, workspace, pool);
    } else if (dataByForward(s)) {
      backwardDataByForward(s, dy, w, dx, workspace, pool);
    } else if (PanamaCol2im.applies(s)) {
      backwardDataChunked(s, dy, w, dx, workspace, pool);
    } else {
      super.backwardData(s, dy, w, dx, workspace, pool);
    }
  }

  /**
   * Floats of patch matrix per chunk of {@link #backwardDataChunked}, about a 1 MiB L2, so that col2im
   * reads what the GEMM just wrote from L2, not L3. LeNet-5's conv2 at batch 32, one thread: 64 K floats
   * (2 samples) 0.80 ms, 128 K 0.69–0.70, 256 K (8 samples) 0.65–0.68, 384 K 0.64–0.65, 512 K 0.66–0.68.
   */
  static final int CHUNK_FLOATS = 1 << 18;

  /**
   * Floats added to a chunk's row pitch: patch rows 2^n floats apart fall into the same few L1 sets, and
   * col2im reads 100 of them at once (LeNet-5's conv2: 4 samples · 64 = 256 floats a row).
   */
  static final int CHUNK_PAD = 16;

  /** Samples per chunk of {@link #backwardDataChunked}. */
  static int chunkSamples(ConvShape s) {
    if (reusesChunk(s)) {
      return 1;
    }
    long perSample = (long) Im2col.patchSize(s) * s.outHeight() * s.outWidth();
    return (int) Math.max(1, Math.min(s.batch(), CHUNK_FLOATS / Math.max(1, perSample)));
  }

  /**
   * Workspace of {@link #backwardDataChunked}: {@code rows} (outC × BP) at 0, then one patch matrix
   * (K × ld, ld = chunk columns + {@link #CHUNK_PAD}) per chunk.
   */
  static long chunkedWorkspace(ConvShape s) {
    int per = chunkSamples(s), plane = s.outHeight() * s.outWidth();
    long chunks = (s.batch() + per - 1) / per;
    return (long) s.outChannels() * Im2col.columns(s) + chunks * Im2col.patchSize(s) * (per * plane + CHUNK_PAD);
  }

  /**
   * Input gradient, stride 1: {@code rows = dy} with the batch inside the channel, then per chunk of a few
   * samples {@code cols = Wᵀ · rows[chunk]} and the vector col2im ({@link PanamaCol2im}) while the chunk's
   * patch matrix is still in L2. Over the whole batch at once the 4 MB patch matrix (LeNet-5's conv2 at
   * batch 32) goes to L3 between the two. Each chunk has its own matrix and is one task on the pool, with
   * the GEMM sequential inside it (or on the pool when there is a single chunk; the GEMM gives the same
   * bits either way), so the bits do not depend on the pool.
   */
  void backwardDataChunked(ConvShape s, float[] dy, float[] w, float[] dx, float[] ws, ForkJoinPool pool) {
    int k = Im2col.patchSize(s), bp = Im2col.columns(s), outC = s.outChannels();
    int plane = s.outHeight() * s.outWidth();
    int per = chunkSamples(s);
    int ld = per * plane + CHUNK_PAD;
    int chunks = (s.batch() + per - 1) / per;
    int colsOff = outC * bp;
    // a batch of one chunk runs inline: then the GEMM itself may use the pool (same bits either way)
    ForkJoinPool gemmPool = chunks == 1 ? pool : null;
    BatchRange.run(pool, outC, 1, (lo, hi) -> Im2col.gradientToRows(s, dy, ws, 0, lo, hi));
    BatchRange.run(pool, chunks, 1, (lo, hi) -> {
      for (int ch = lo; ch < hi; ch++) {
        int b0 = ch * per, n = Math.min(per, s.batch() - b0);
        int off = colsOff + ch * k * ld;
        blas.gemm(true, false, k, n * plane, outC, 1f, w, 0, k, ws, b0 * plane, bp, 0f, ws, off, ld, gemmPool);
        PanamaCol2im.col2im(s, ws, off, ld, b0, dx, b0, b0 + n);
      }
    });
  }

  /**
   * Whether forward and backward-weights run im2col + GEMM chunk by chunk ({@link #forwardChunked}): stride
   * 1, planes of a vector or more, and more than one chunk in the batch or a padded shape.
   */
  static boolean chunkedIm2col(ConvShape s) {
    int plane = s.outHeight() * s.outWidth();
    // padded shapes take it even for one sample (inference): no rows copy, vector row copies
    return s.stride() == 1 && plane >= LANES && (reusesChunk(s) || chunkSamples(s) < s.batch());
  }

  /**
   * Workspace of {@link #forwardChunked}: per chunk, its output rows (outC × ld) and its patch matrix
   * (K × ld), ld = chunk columns + {@link #CHUNK_PAD}; the chunks one after the other.
   */
  /**
   * Padded stride-1 shapes run one sample a chunk in one patch buffer that every chunk reuses: the product
   * writes y (and reads dy) in place, the ~1 MiB patch matrix never leaves L2, and backward-weights builds
   * it again (a copy from L2) rather than keeping the whole batch's (the convnet's conv2 at batch 32: 29 MB
   * written to memory in forward and read back in backward, per data-parallel shard).
   */
  static boolean reusesChunk(ConvShape s) {
    return s.padding() > 0 && s.stride() == 1;
  }

  static long chunkedForwardWorkspace(ConvShape s) {
    int per = chunkSamples(s), plane = s.outHeight() * s.outWidth();
    long chunks = reusesChunk(s) ? 1 : (s.batch() + per - 1) / per;
    long padded = s.padding() == 0 ? 0 : (long) per * paddedSampleSize(s);
    return chunks * (s.outChannels() + (long) Im2col.patchSize(s)) * (per * plane + CHUNK_PAD) + padded;
  }

  /**
   * A padded shape as the unpadded convolution of {@code n} samples of its zero-bordered input: the
   * chunked passes copy a chunk of x with its borders (a small copy: inC·(h+2p)·(w+2p) floats a sample)
   * and run the gathered im2col on it, instead of short row copies and fills per tap.
   */
  static int paddedSampleSize(ConvShape s) {
    int p = s.padding();
    return s.inChannels() * (s.inHeight() + 2 * p) * (s.inWidth() + 2 * p);
  }

  static ConvShape paddedShape(ConvShape s, int n) {
    int p = s.padding();
    return new ConvShape(n, s.inChannels(), s.inHeight() + 2 * p, s.inWidth() + 2 * p, s.outChannels(),
        s.kernelHeight(), s.kernelWidth(), 1, 0);
  }

  /**
   * The patch matrix of samples {@code [b0, b0 + n)} at {@code cols} (row pitch {@code ld}): gathered from
   * x directly without padding, else from a zero-bordered copy of the chunk at the workspace's end.
   */
  private void chunkPatches(ConvShape s, ConvShape ps, float[] x, float[] ws, int cols, int ld, int b0, int n) {
    if (s.padding() == 0) {
      im2colWindows(s, x, 0, ws, cols, ld, b0, b0, b0 + n);
      return;
    }
    int per = chunkSamples(s);
    assert n == 1 && ps != null : "padded shapes run one sample a chunk";
    int padOff = (int) (chunkedForwardWorkspace(s) - (long) per * paddedSampleSize(s));
    int p = s.padding(), h = s.inHeight(), w = s.inWidth(), ph = ps.inHeight(), pw = ps.inWidth();
    int planes = n * s.inChannels();
    int src = b0 * s.inChannels() * h * w;
    for (int plane = 0; plane < planes; plane++) {
      int base = padOff + plane * ph * pw;
      java.util.Arrays.fill(ws, base, base + p * pw + p, 0f);
      for (int r = 0; r < h; r++) {
        int row = base + (p + r) * pw + p;
        System.arraycopy(x, src + (plane * h + r) * w, ws, row, w);
        // right border of this row and left border of the next, one fill
        java.util.Arrays.fill(ws, row + w, row + w + 2 * p, 0f);
      }
      java.util.Arrays.fill(ws, base + (p + h) * pw + p, base + ph * pw, 0f);
    }
    int inC = s.inChannels(), kh = s.kernelHeight(), kw = s.kernelWidth(), oh = s.outHeight(), ow = s.outWidth();
    if (ow < LANES) {
      // rows narrower than a vector: one gather per vector of the plane (chunkedIm2col: plane ≥ LANES)
      im2colWindows(ps, ws, padOff, ws, cols, ld, 0, 0, n);
      return;
    }
    int plane = oh * ow;
    for (int b = 0; b < n; b++) {
      for (int c = 0; c < inC; c++) {
        int in = padOff + (b * inC + c) * ph * pw;
        for (int tap = 0; tap < kh * kw; tap++) {
          int row = cols + (c * kh * kw + tap) * ld + b * plane;
          int from = in + (tap / kw) * pw + tap % kw;
          for (int i = 0; i < oh; i++) {
            copyRow(ws, from + i * pw, ws, row + i * ow, ow);
          }
        }
      }
    }
  }

  /**
   * {@code n ≥ LANES} floats from {@code src} to {@code dst}: vectors at 0, L, 2L, … with the last moved
   * back to {@code n − L} (its overlap is written twice with the same values); System.arraycopy costs more
   * than the copy itself at these lengths (16–64 floats). Narrower rows: {@link #copyWindow} (not a narrower
   * species: a 256-bit species on a 512-bit platform is not intrinsified by C2 on JDK 17 and boxes every vector).
   */
  private static void copyRow(float[] src, int from, float[] dst, int to, int n) {
    for (int j = 0; ; j += LANES) {
      int js = Math.min(j, n - LANES);
      FloatVector.fromArray(FLOATS, src, from + js).intoArray(dst, to + js);
      if (js == n - LANES) {
        return;
      }
    }
  }

  /**
   * Offset of chunk {@code ch}'s output rows (row pitch {@code ld}) in the {@link #forwardChunked}
   * workspace; its patch matrix follows.
   */
  private static int chunkBase(ConvShape s, int ch, int ld, boolean keep) {
    return !keep || reusesChunk(s) ? 0 : ch * (s.outChannels() + Im2col.patchSize(s)) * ld;
  }

  /**
   * Forward by chunks of a few samples ({@link #chunkSamples}): im2col of the chunk, {@code rows = W · cols}
   * and rows back to NCHW plus bias, while the chunk's 1 MiB patch matrix is still in L2. Over the whole
   * batch at once (LeNet-5's conv2 at batch 32: 4 MB) it is written to L3 and read back from there.
   * Each chunk keeps its patch matrix for {@link #backwardWeightsChunked}. Chunks run in order, each GEMM on
   * the pool; the bits do not depend on the pool.
   */
  void forwardChunked(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] ws, ForkJoinPool pool) {
    forwardChunked(s, x, w, 0, bias, y, ws, pool, true);
  }

  /** {@link #forwardChunked} with the weights at {@code wOff} of {@code w} (which may be the workspace). */
  private void forwardChunked(ConvShape s, float[] x, float[] w, int wOff, float[] bias, float[] y, float[] ws,
      ForkJoinPool pool, boolean keep) {
    int k = Im2col.patchSize(s), outC = s.outChannels(), plane = s.outHeight() * s.outWidth();
    int per = chunkSamples(s), ld = per * plane + CHUNK_PAD;
    // the zero-bordered sample's shape, made once per call (one sample a chunk)
    ConvShape ps = s.padding() == 0 ? null : paddedShape(s, 1);
    for (int b0 = 0, ch = 0; b0 < s.batch(); b0 += per, ch++) {
      int n = Math.min(per, s.batch() - b0);
      int rows = chunkBase(s, ch, ld, keep), cols = rows + outC * ld;
      chunkPatches(s, ps, x, ws, cols, ld, b0, n);
      if (per == 1) {
        // one sample: its output rows are y's planes
        int yOff = b0 * outC * plane;
        blas.gemm(false, false, outC, plane, k, 1f, w, wOff, k, ws, cols, ld, 0f, y, yOff, plane, pool);
        if (bias != null) {
          addChannelBias(outC, plane, bias, y, yOff);
        }
      } else {
        blas.gemm(false, false, outC, n * plane, k, 1f, w, wOff, k, ws, cols, ld, 0f, ws, rows, ld, pool);
        Im2col.rowsToOutput(s, ws, rows, ld, b0, bias, y, b0, b0 + n);
      }
    }
  }

  private static void addChannelBias(int channels, int plane, float[] bias, float[] y, int off) {
    for (int c = 0; c < channels; c++) {
      FloatVector bv = FloatVector.broadcast(FLOATS, bias[c]);
      int base = off + c * plane, bound = FLOATS.loopBound(plane);
      int j = 0;
      for (; j < bound; j += LANES) {
        FloatVector.fromArray(FLOATS, y, base + j).add(bv).intoArray(y, base + j);
      }
      // scalar tail
      for (; j < plane; j++) {
        y[base + j] += bias[c];
      }
    }
  }

  /**
   * Weight gradient by the chunks of {@link #forwardChunked}: per chunk, dy's rows (and their sums for the
   * bias) and {@code dW += rows · colsᵀ}, the first chunk overwriting dW. {@code colsReady}: the
   * workspace still holds forward's patch matrices.
   */
  void backwardWeightsChunked(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] ws,
      ForkJoinPool pool, boolean colsReady) {
    int k = Im2col.patchSize(s), outC = s.outChannels(), plane = s.outHeight() * s.outWidth();
    int per = chunkSamples(s), ld = per * plane + CHUNK_PAD;
    // the zero-bordered sample's shape, made once per call (one sample a chunk)
    ConvShape ps = s.padding() == 0 ? null : paddedShape(s, 1);
    for (int b0 = 0, ch = 0; b0 < s.batch(); b0 += per, ch++) {
      int n = Math.min(per, s.batch() - b0);
      int rows = chunkBase(s, ch, ld, true), cols = rows + outC * ld;
      if (!colsReady || reusesChunk(s)) {
        chunkPatches(s, ps, x, ws, cols, ld, b0, n);
      }
      // one sample a chunk: dy's planes are its rows, read in place
      float[] a = ws;
      int aOff = rows, lda = ld;
      if (per == 1) {
        a = dy;
        aOff = b0 * outC * plane;
        lda = plane;
      } else {
        Im2col.gradientToRows(s, dy, ws, rows, ld, b0, b0 + n, 0, outC);
      }
      if (dbias != null) {
        for (int oc = 0; oc < outC; oc++) {
          float part = sum(n * plane, a, aOff + oc * lda);
          dbias[oc] = ch == 0 ? part : dbias[oc] + part;
        }
      }
      blas.gemm(false, true, outC, k, n * plane, 1f, a, aOff, lda, ws, cols, ld, ch == 0 ? 0f : 1f, dw, 0, k, pool);
    }
  }

  /**
   * The padded stride-1 shape whose forward is {@code s}'s input gradient: input dy (outC channels), output
   * dx (inC channels), padding {@code kernel − 1 − padding}, with the 180°-turned, channel-swapped weights.
   */
  static ConvShape gradientShape(ConvShape s) {
    return new ConvShape(s.batch(), s.outChannels(), s.outHeight(), s.outWidth(), s.inChannels(),
        s.kernelHeight(), s.kernelWidth(), 1, s.kernelHeight() - 1 - s.padding());
  }

  /**
   * Whether the input gradient runs as the forward of {@link #gradientShape} (its patch matrix by row
   * copies, one product per sample written into dx) rather than a product into a patch matrix and col2im:
   * square kernels, stride 1, {@code 0 < padding ≤ kernel − 1}, where that forward is chunked. Measured on
   * the 3×3 padding-1 layers of the zoo convnet at batch 32 (Zen 4, one thread): see kernels/README.md.
   */
  static boolean dataByForward(ConvShape s) {
    if (VARIANT.equals("im2col") || s.stride() != 1 || s.padding() == 0 || s.kernelHeight() != s.kernelWidth()
        || s.padding() > s.kernelHeight() - 1) {
      return false;
    }
    return chunkedIm2col(s) && chunkedIm2col(gradientShape(s));
  }

  /** Workspace of {@link #backwardDataByForward}: the forward's of {@link #gradientShape}, then the turned weights. */
  static long dataByForwardWorkspace(ConvShape s) {
    ConvShape t = gradientShape(s);
    return chunkedForwardWorkspace(t) + t.weightSize();
  }

  /**
   * Stride 1 is a correlation, so {@code dx = conv(dy, w')} with padding {@code kernel − 1 − padding} and
   * {@code w'[c][oc][p][q] = w[oc][c][kh−1−p][kw−1−q]}; w' goes after the forward's workspace.
   */
  void backwardDataByForward(ConvShape s, float[] dy, float[] w, float[] dx, float[] ws, ForkJoinPool pool) {
    ConvShape t = gradientShape(s);
    int wOff = (int) chunkedForwardWorkspace(t);
    int inC = s.inChannels(), outC = s.outChannels(), kk = s.kernelHeight() * s.kernelWidth();
    for (int oc = 0; oc < outC; oc++) {
      for (int c = 0; c < inC; c++) {
        int src = (oc * inC + c) * kk, dst = wOff + (c * outC + oc) * kk;
        for (int e = 0; e < kk; e++) {
          ws[dst + e] = w[src + kk - 1 - e];
        }
      }
    }
    forwardChunked(t, dy, ws, wOff, null, dx, ws, pool, true);
  }

  /** The shape whose direct forward is this shape's input gradient: dy padded by kernel − 1, 180°-turned w. */
  private static ConvShape transposedShape(ConvShape s) {
    return new ConvShape(s.batch(), s.outChannels(), s.outHeight() + 2 * (s.kernelHeight() - 1),
        s.outWidth() + 2 * (s.kernelWidth() - 1), s.inChannels(), s.kernelHeight(), s.kernelWidth(), 1, 0);
  }

  /**
   * Direct input gradient (stride 1, padding 0, inWidth ≥ lanes): a stride-1 convolution is a correlation,
   * so {@code dx = correlate(pad(dy, kernel − 1), w')} with {@code w'[c][oc][p][q] = w[oc][c][kh−1−p][kw−1−q]}.
   * Both the padded dy and w' go to the workspace, then the direct forward kernel runs on them.
   */
  void backwardDataDirect(ConvShape s, float[] dy, float[] w, float[] dx, float[] ws, ForkJoinPool pool) {
    ConvShape t = transposedShape(s);
    int outC = s.outChannels(), oh = s.outHeight(), ow = s.outWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int ph = t.inHeight(), pw = t.inWidth();
    int wOff = t.inputSize();
    // pad dy: zero borders of kernel − 1 around every plane
    BatchRange.run(pool, s.batch(), SAMPLES_PER_TASK, (lo, hi) -> {
      for (int plane = lo * outC; plane < hi * outC; plane++) {
        int base = plane * ph * pw;
        java.util.Arrays.fill(ws, base, base + (kh - 1) * pw, 0f);
        for (int i = 0; i < oh; i++) {
          int row = base + (kh - 1 + i) * pw;
          java.util.Arrays.fill(ws, row, row + kw - 1, 0f);
          System.arraycopy(dy, (plane * oh + i) * ow, ws, row + kw - 1, ow);
          java.util.Arrays.fill(ws, row + kw - 1 + ow, row + pw, 0f);
        }
        java.util.Arrays.fill(ws, base + (kh - 1 + oh) * pw, base + ph * pw, 0f);
      }
    });
    // w' = w with in/out channels swapped and the kernel turned by 180°
    int inC = s.inChannels(), kk = kh * kw;
    for (int oc = 0; oc < outC; oc++) {
      for (int c = 0; c < inC; c++) {
        int src = (oc * inC + c) * kk, dst = wOff + (c * outC + oc) * kk;
        for (int e = 0; e < kk; e++) {
          ws[dst + e] = w[src + kk - 1 - e];
        }
      }
    }
    forwardDirect(t, ws, 0, ws, wOff, null, dx, pool);
  }

  @Override
  public void backwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] workspace,
      ForkJoinPool pool) {
    if (useDirect(s)) {
      backwardWeightsDirect(s, x, dy, dw, dbias, workspace, pool);
    } else if (chunkedIm2col(s)) {
      backwardWeightsChunked(s, x, dy, dw, dbias, workspace, pool, false);
    } else {
      backwardWeightsIm2col(s, x, dy, dw, dbias, workspace, pool, false);
    }
  }

  /** The direct kernel where it applies (forward was direct too, so there is no patch matrix to reuse). */
  @Override
  public void backwardWeightsAfterForward(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] workspace, ForkJoinPool pool) {
    if (useDirect(s)) {
      backwardWeightsDirect(s, x, dy, dw, dbias, workspace, pool);
    } else if (chunkedIm2col(s)) {
      backwardWeightsChunked(s, x, dy, dw, dbias, workspace, pool, true);
    } else {
      backwardWeightsIm2col(s, x, dy, dw, dbias, workspace, pool, true);
    }
  }

  /** Direct weight gradient (stride 1, padding 0): {@link PanamaWeightGradient}. */
  void backwardWeightsDirect(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias, float[] ws,
      ForkJoinPool pool) {
    PanamaWeightGradient.backwardWeights(s, x, dy, dw, dbias, ws, pool, this);
  }

  /**
   * 2×2, stride-2 max-pool, a vector of outputs at a time: two vectors of each of the window's input rows,
   * split into their even and odd lanes (the corners) by two-vector rearranges, and a tournament of compares
   * and blends (top pair, bottom pair, then the two winners) that picks the same element as the scalar
   * row-major scan with strict {@code >}. The scalar loop spends most of its time on mispredicted branches on
   * real data; index gathers of the corners cost twice these rearranges on an Intel Xeon. Output rows
   * shorter than a vector (LeNet-5's 12 and 4) spill into the next rows' outputs, which the next vectors
   * overwrite; the outputs whose vector would pass the last plane's end (or read past x's) go by the scalar
   * loop, so nothing outside the planes is written. {@code argmax} may be null (inference).
   */
  @Override
  void maxPool2x2(PoolShape s, float[] x, float[] y, int[] argmax, int planeLo, int planeHi) {
    int oh = s.outHeight(), ow = s.outWidth(), w = s.inWidth(), inPlane = s.inHeight() * w;
    int end = planeHi * oh * ow;
    IntVector twice = IntVector.fromArray(INTS, EVEN, 0);
    for (int plane = planeLo; plane < planeHi; plane++) {
      for (int i = 0; i < oh; i++) {
        int top = plane * inPlane + 2 * i * w;
        int o = (plane * oh + i) * ow;
        int j = 0;
        for (; j < ow && o + j + LANES <= end && top + w + 2 * (j + LANES) <= x.length; j += LANES) {
          int a = top + 2 * j;
          FloatVector t0 = FloatVector.fromArray(FLOATS, x, a);
          FloatVector t1 = FloatVector.fromArray(FLOATS, x, a + LANES);
          FloatVector b0 = FloatVector.fromArray(FLOATS, x, a + w);
          FloatVector b1 = FloatVector.fromArray(FLOATS, x, a + w + LANES);
          FloatVector tl = t0.rearrange(EVEN_LANES).blend(t1.rearrange(EVEN_LANES), HIGH_HALF);
          FloatVector tr = t0.rearrange(ODD_LANES).blend(t1.rearrange(ODD_LANES), HIGH_HALF);
          FloatVector bl = b0.rearrange(EVEN_LANES).blend(b1.rearrange(EVEN_LANES), HIGH_HALF);
          FloatVector br = b0.rearrange(ODD_LANES).blend(b1.rearrange(ODD_LANES), HIGH_HALF);
          if (argmax == null) {
            tournament(tl, tr, bl, br, y, o + j);
          } else {
            tournament(tl, tr, bl, br, twice.add(a), w, y, argmax, o + j);
          }
        }
        if (j < ow) {
          maxPool2x2Row(x, w, top, y, argmax, o, j, ow);
        }
      }
    }
  }

  /** Even lane offsets {0, 2, 4, …}: every window's left corner, relative to the first. */
  private static final int[] EVEN = evenOffsets();

  /**
   * Lane i takes lane 2i mod L: a vector's even lanes in the low half, and (applied to the next vector) that
   * one's even lanes in the high half, joined by a blend on {@link #HIGH_HALF}. One-vector rearranges: C2 on
   * JDK 17 compiles them to one permute, while the two-vector form runs in Java (2.5× slower than gathers).
   */
  private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromArray(FLOATS, lanesModulo(0), 0);

  /** Lane i takes lane 2i + 1 mod L. */
  private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromArray(FLOATS, lanesModulo(1), 0);

  /** Lanes L/2 … L − 1. */
  private static final VectorMask<Float> HIGH_HALF = FLOATS.indexInRange(-LANES / 2, LANES / 2);

  private static int[] evenOffsets() {
    int[] even = new int[LANES];
    for (int i = 0; i < LANES; i++) {
      even[i] = 2 * i;
    }
    return even;
  }

  private static int[] lanesModulo(int first) {
    int[] lanes = new int[LANES];
    for (int i = 0; i < LANES; i++) {
      lanes[i] = (2 * i + first) % LANES;
    }
    return lanes;
  }

  /** The window maxima alone, with the tie rule of the indexed tournament below. */
  private static void tournament(FloatVector tl, FloatVector tr, FloatVector bl, FloatVector br, float[] y, int o) {
    FloatVector topMax = tl.blend(tr, tr.compare(VectorOperators.GT, tl));
    FloatVector bottomMax = bl.blend(br, br.compare(VectorOperators.GT, bl));
    topMax.blend(bottomMax, bottomMax.compare(VectorOperators.GT, topMax)).intoArray(y, o);
  }

  /** Writes the window maxima and their indices; ties go to the earlier corner in row-major order. */
  private static void tournament(FloatVector tl, FloatVector tr, FloatVector bl, FloatVector br, IntVector corner,
      int w, float[] y, int[] argmax, int o) {
    VectorMask<Float> right = tr.compare(VectorOperators.GT, tl);
    VectorMask<Float> bottomRight = br.compare(VectorOperators.GT, bl);
    FloatVector topMax = tl.blend(tr, right);
    FloatVector bottomMax = bl.blend(br, bottomRight);
    VectorMask<Float> bottom = bottomMax.compare(VectorOperators.GT, topMax);
    topMax.blend(bottomMax, bottom).intoArray(y, o);
    IntVector topIdx = corner.blend(corner.add(1), right.cast(INTS));
    IntVector bottomIdx = corner.add(w).blend(corner.add(w + 1), bottomRight.cast(INTS));
    topIdx.blend(bottomIdx, bottom.cast(INTS)).intoArray(argmax, o);
  }

  /**
   * Stride 1, no padding: the {@code outHeight × outWidth} block a tap (c, p, q) copies from a sample is the
   * input plane's window at (p, q): {@code outHeight} rows of {@code outWidth} floats, copied by
   * {@link #copyWindow} with whole-vector loads and stores (no gathers: a 16-lane gather with its index check
   * cost more than the GEMM it feeds on an Intel Xeon, 4.5 of LeNet-5's 8.5 ms conv2 at batch 64).
   * Pure copies: the same bits as {@link Im2col#im2col}.
   */
  @Override
  void im2col(ConvShape s, float[] x, float[] cols, int lo, int hi) {
    int plane = s.outHeight() * s.outWidth();
    if (s.stride() != 1 || s.padding() != 0 || plane < LANES) {
      super.im2col(s, x, cols, lo, hi);
      return;
    }
    im2colWindows(s, x, 0, cols, 0, s.batch() * plane, 0, lo, hi);
  }

  /**
   * The im2col (stride 1, no padding, plane ≥ lanes) of samples {@code [lo, hi)} into a patch matrix at
   * {@code base} with row pitch {@code ld} whose first column belongs to sample {@code b0}.
   */
  void im2colWindows(ConvShape s, float[] x, int xOff, float[] cols, int base, int ld, int b0, int lo, int hi) {
    int plane = s.outHeight() * s.outWidth();
    int inC = s.inChannels(), h = s.inHeight(), w = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    for (int b = lo; b < hi; b++) {
      int xb = xOff + b * inC * h * w;
      for (int c = 0; c < inC; c++) {
        for (int p = 0; p < kh; p++) {
          for (int q = 0; q < kw; q++) {
            int row = base + ((c * kh + p) * kw + q) * ld + (b - b0) * plane;
            copyWindow(x, xb + (c * h + p) * w + q, w, cols, row, s.outHeight(), s.outWidth());
          }
        }
      }
    }
  }

  /**
   * {@code rows × width} floats from {@code src} (row pitch {@code pitch}) to {@code dst}, packed. Rows of a
   * vector or more go by {@link #copyRow}. Narrower rows go one whole vector each, in increasing order (no
   * gathers: a 16-lane gather with its index check cost more than the GEMM it feeds on an Intel Xeon): a
   * row's store spills past its width into the next rows' places, which their own stores then overwrite;
   * the rows whose vector would reach past the block (or past {@code src}'s end) are copied one float at a
   * time, so nothing outside {@code [to, to + rows·width)} is written (samples of one patch row may be
   * filled by different threads). Loading two rows into one vector with a blend measured no faster; half-width
   * vectors for rows that fit in them (256-bit on AVX-512) measured 2–3× slower on JDK 17 (their stores were
   * not intrinsified beside the 512-bit code).
   */
  private static void copyWindow(float[] src, int from, int pitch, float[] dst, int to, int rows, int width) {
    if (width >= LANES) {
      for (int i = 0; i < rows; i++) {
        copyRow(src, from + i * pitch, dst, to + i * width, width);
      }
      return;
    }
    int block = rows * width;
    int i = 0;
    for (; i < rows && i * width + LANES <= block && from + i * pitch + LANES <= src.length; i++) {
      FloatVector.fromArray(FLOATS, src, from + i * pitch).intoArray(dst, to + i * width);
    }
    for (; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        dst[to + i * width + j] = src[from + i * pitch + j];
      }
    }
  }

  /** Stride 1: {@link PanamaCol2im} (same bits as the scalar scatter); strided shapes keep the scatter. */
  @Override
  void col2im(ConvShape s, float[] cols, float[] dx, int lo, int hi) {
    if (PanamaCol2im.applies(s)) {
      PanamaCol2im.col2im(s, cols, dx, lo, hi);
    } else {
      super.col2im(s, cols, dx, lo, hi);
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
    return OrderedLanes.sum(s0.add(s1).add(s2.add(s3)));
  }
}
