package org.admm4j.kernels.internal;

import java.util.Arrays;
import org.admm4j.kernels.ConvShape;

/**
 * The layout changes that turn a convolution over a whole batch into one matrix product, shared by both
 * implementation sets (the work is copies and zero fills, which {@code System.arraycopy} and
 * {@code Arrays.fill} already do at memory speed).
 *
 * <p>With {@code K = inChannels·kernelHeight·kernelWidth} (the patch length), {@code P = outHeight·outWidth}
 * and {@code BP = batch·P}, the workspace holds:
 * <ul>
 *   <li>{@code cols} (K × BP) at offset 0: column {@code b·P + i·outWidth + j} is the input patch under
 *       output pixel (i, j) of sample b, zeros where the window hangs over the padding;</li>
 *   <li>{@code rows} (outChannels × BP) at offset {@code K·BP}: the output (or its gradient) with the
 *       batch moved inside the channel, {@code rows[oc][b·P + p] = y[b][oc][p]}.</li>
 * </ul>
 * Then forward is {@code rows = W·cols}, backward-data {@code cols = Wᵀ·rows} followed by col2im, and
 * backward-weights {@code dW = rows·colsᵀ}, each a single GEMM over the batch.
 */
final class Im2col {

  private Im2col() {}

  /** Floats of workspace: {@code cols} then {@code rows}. */
  static int workspaceSize(ConvShape s) {
    long bp = (long) s.batch() * s.outHeight() * s.outWidth();
    return arraySize(s, (patchSize(s) + (long) s.outChannels()) * bp);
  }

  /** {@code floats} as an array length, or an error naming the shape when one array cannot hold it. */
  static int arraySize(ConvShape s, long floats) {
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("convolution workspace for " + s + " would need " + floats
          + " floats, more than one array holds: use a smaller batch");
    }
    return (int) floats;
  }

  /** {@code K}: floats in one input patch. */
  static int patchSize(ConvShape s) {
    return s.inChannels() * s.kernelHeight() * s.kernelWidth();
  }

  /** {@code BP}: output pixels over the whole batch, the column count of {@code cols} and {@code rows}. */
  static int columns(ConvShape s) {
    return s.batch() * s.outHeight() * s.outWidth();
  }

  /** Offset of {@code rows} in the workspace. */
  static int rowsOffset(ConvShape s) {
    return patchSize(s) * columns(s);
  }

  /** First output column j whose tap q falls inside the input row (col = j·stride − padding + q ≥ 0). */
  private static int firstInside(ConvShape s, int q) {
    int need = s.padding() - q;
    return need <= 0 ? 0 : Math.min(s.outWidth(), (need + s.stride() - 1) / s.stride());
  }

  /** One past the last output column j whose tap q falls inside the input row (col &lt; inWidth). */
  private static int endInside(ConvShape s, int q, int first) {
    int last = s.inWidth() - 1 + s.padding() - q;
    int end = last < 0 ? 0 : Math.min(s.outWidth(), last / s.stride() + 1);
    return Math.max(end, first);
  }

  /** Fills the columns of samples {@code [lo, hi)} of {@code cols} (at offset 0 of {@code cols}). */
  static void im2col(ConvShape s, float[] x, float[] cols, int lo, int hi) {
    int inC = s.inChannels(), h = s.inHeight(), w = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth(), st = s.stride(), pad = s.padding();
    int plane = oh * ow;
    int bp = s.batch() * plane;
    for (int b = lo; b < hi; b++) {
      int xb = b * inC * h * w;
      for (int c = 0; c < inC; c++) {
        for (int p = 0; p < kh; p++) {
          for (int q = 0; q < kw; q++) {
            int row = ((c * kh + p) * kw + q) * bp + b * plane;
            int jlo = firstInside(s, q);
            int jhi = endInside(s, q, jlo);
            for (int i = 0; i < oh; i++) {
              int dst = row + i * ow;
              int r = i * st - pad + p;
              if (r < 0 || r >= h) {
                Arrays.fill(cols, dst, dst + ow, 0f);
                continue;
              }
              int src = xb + (c * h + r) * w - pad + q;
              if (jlo > 0) {
                Arrays.fill(cols, dst, dst + jlo, 0f);
              }
              if (st == 1) {
                System.arraycopy(x, src + jlo, cols, dst + jlo, jhi - jlo);
              } else {
                for (int j = jlo; j < jhi; j++) {
                  cols[dst + j] = x[src + j * st];
                }
              }
              if (jhi < ow) {
                Arrays.fill(cols, dst + jhi, dst + ow, 0f);
              }
            }
          }
        }
      }
    }
  }

  /** {@code dx} of samples {@code [lo, hi)} = the sum of every patch column back onto its input pixels. */
  static void col2im(ConvShape s, float[] cols, float[] dx, int lo, int hi) {
    int inC = s.inChannels(), h = s.inHeight(), w = s.inWidth(), kh = s.kernelHeight(), kw = s.kernelWidth();
    int oh = s.outHeight(), ow = s.outWidth(), st = s.stride(), pad = s.padding();
    int plane = oh * ow;
    int bp = s.batch() * plane;
    for (int b = lo; b < hi; b++) {
      int xb = b * inC * h * w;
      Arrays.fill(dx, xb, xb + inC * h * w, 0f);
      for (int c = 0; c < inC; c++) {
        for (int p = 0; p < kh; p++) {
          for (int q = 0; q < kw; q++) {
            int row = ((c * kh + p) * kw + q) * bp + b * plane;
            if (st == 1 && pad == 0) {
              // every tap inside: one flat loop over the plane (rows of 8 made the loop overhead dominate)
              int d = xb + (c * h + p) * w + q;
              for (int t = 0, j = 0; t < plane; t++) {
                dx[d] += cols[row + t];
                d++;
                if (++j == ow) {
                  j = 0;
                  d += w - ow;
                }
              }
              continue;
            }
            int jlo = firstInside(s, q);
            int jhi = endInside(s, q, jlo);
            for (int i = 0; i < oh; i++) {
              int r = i * st - pad + p;
              if (r < 0 || r >= h) {
                continue;
              }
              int src = row + i * ow;
              int dst = xb + (c * h + r) * w - pad + q;
              for (int j = jlo; j < jhi; j++) {
                dx[dst + j * st] += cols[src + j];
              }
            }
          }
        }
      }
    }
  }

  /** {@code y[b][oc][p] = rows[oc][b·P + p] + bias[oc]} for samples {@code [lo, hi)}; bias may be null. */
  static void rowsToOutput(ConvShape s, float[] ws, int rowsOff, float[] bias, float[] y, int lo, int hi) {
    rowsToOutput(s, ws, rowsOff, columns(s), 0, bias, y, lo, hi);
  }

  /**
   * As above for rows at {@code base} with row pitch {@code ld} whose first column belongs to sample
   * {@code b0}: {@code y[b][oc][p] = rows[oc][(b − b0)·P + p] + bias[oc]}.
   */
  static void rowsToOutput(ConvShape s, float[] ws, int base, int ld, int b0, float[] bias, float[] y, int lo,
      int hi) {
    int outC = s.outChannels();
    int plane = s.outHeight() * s.outWidth();
    for (int b = lo; b < hi; b++) {
      for (int oc = 0; oc < outC; oc++) {
        int src = base + oc * ld + (b - b0) * plane;
        int dst = (b * outC + oc) * plane;
        if (bias == null) {
          System.arraycopy(ws, src, y, dst, plane);
        } else {
          float bv = bias[oc];
          for (int p = 0; p < plane; p++) {
            y[dst + p] = ws[src + p] + bv;
          }
        }
      }
    }
  }

  /** {@code rows[oc][b·P + p] = dy[b][oc][p]} for output channels {@code [lo, hi)}. */
  static void gradientToRows(ConvShape s, float[] dy, float[] ws, int rowsOff, int lo, int hi) {
    gradientToRows(s, dy, ws, rowsOff, columns(s), 0, s.batch(), lo, hi);
  }

  /**
   * As above for samples {@code [b0, bEnd)} into rows at {@code base} with row pitch {@code ld} whose first
   * column belongs to sample {@code b0}.
   */
  static void gradientToRows(ConvShape s, float[] dy, float[] ws, int base, int ld, int b0, int bEnd, int lo,
      int hi) {
    int outC = s.outChannels();
    int plane = s.outHeight() * s.outWidth();
    for (int oc = lo; oc < hi; oc++) {
      for (int b = b0; b < bEnd; b++) {
        System.arraycopy(dy, (b * outC + oc) * plane, ws, base + oc * ld + (b - b0) * plane, plane);
      }
    }
  }
}
