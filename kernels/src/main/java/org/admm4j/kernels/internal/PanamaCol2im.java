package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.admm4j.kernels.ConvShape;

/**
 * col2im with the Vector API for stride 1 (any padding): the input gradient of a convolution is gathered
 * rather than scattered. A vector of {@code dx} row r (columns xs … xs+L−1) sums, tap by tap (p, q), the
 * output row {@code i = r + pad − p} of the patch row (c, p, q) loaded at an offset shifted by {@code q};
 * a mask keeps the lanes whose output column {@code j = x + pad − q} lies in {@code [0, outWidth)}.
 * The sum stays in a register across all kh·kw taps and is stored once, where the scalar scatter reads
 * and writes dx for every tap (LeNet-5's conv2 at batch 32: 1 M scalar adds on 8-float runs).
 *
 * <p>Every element receives its taps in the scalar order (p outer, q inner) starting from +0, and a
 * masked-off lane adds nothing, so the result has the same bits as {@link Im2col#col2im}. Four input
 * channels share each mask (four independent add chains instead of one latency-bound chain).
 *
 * <p>Rows narrower than a vector (LeNet-5's 12-wide conv2 input at 16 lanes) are stored whole: lanes past
 * the row end are zero and land on rows that are stored later. Where that spill would leave the channel
 * plane (its last rows) the old contents of those lanes are blended back in, and where it would leave the
 * sample the row is done in scalar code, so a call writes only the samples it was given.
 */
final class PanamaCol2im {

  private static final int LANES = FLOATS.length();

  /** Lane indices 0, 1, …, L−1 as floats: compared against a tap's shift to build its mask. */
  private static final float[] IOTA = iota();

  /** Input channels summed side by side. */
  private static final int C_BLOCK = 4;

  private PanamaCol2im() {}

  private static float[] iota() {
    float[] a = new float[LANES];
    for (int i = 0; i < LANES; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Whether {@link #col2im} serves {@code s} (the strided case keeps the scalar scatter). */
  static boolean applies(ConvShape s) {
    return s.stride() == 1;
  }

  /** {@code dx} of samples {@code [lo, hi)} from the whole batch's patch matrix {@code cols} (at offset 0). */
  static void col2im(ConvShape s, float[] cols, float[] dx, int lo, int hi) {
    col2im(s, cols, 0, Im2col.columns(s), 0, dx, lo, hi);
  }

  /**
   * {@code dx} of samples {@code [lo, hi)} from a patch matrix whose row (c, p, q) starts at
   * {@code off + ((c·kh + p)·kw + q)·ld} and holds the columns of samples {@code first, first + 1, …}
   * (outHeight·outWidth each), so that a chunk of the batch may have a matrix of its own.
   */
  static void col2im(ConvShape s, float[] cols, int off, int ld, int first, float[] dx, int lo, int hi) {
    assert s.stride() == 1 : s;
    int inC = s.inChannels(), h = s.inHeight(), w = s.inWidth();
    int sample = inC * h * w;
    int lastX = Math.max(0, w - LANES);
    for (int b = lo; b < hi; b++) {
      int sampleEnd = (b + 1) * sample;
      int c = 0;
      for (; c + C_BLOCK <= inC; c += C_BLOCK) {
        for (int r = 0; r < h; r++) {
          // vectors at 0, L, 2L, …, the last moved back to w − L (its overlap is recomputed, same bits)
          for (int x = 0; ; x += LANES) {
            int xs = Math.min(x, lastX);
            if (fits(s, cols, off, ld, first, dx, b, c, c + C_BLOCK - 1, r, xs, sampleEnd)) {
              block4(s, cols, off, ld, first, dx, b, c, r, xs);
            } else {
              for (int cc = c; cc < c + C_BLOCK; cc++) {
                single(s, cols, off, ld, first, dx, b, cc, r, xs, sampleEnd);
              }
            }
            if (xs == lastX) {
              break;
            }
          }
        }
      }
      // channel tail
      for (; c < inC; c++) {
        for (int r = 0; r < h; r++) {
          for (int x = 0; ; x += LANES) {
            int xs = Math.min(x, lastX);
            single(s, cols, off, ld, first, dx, b, c, r, xs, sampleEnd);
            if (xs == lastX) {
              break;
            }
          }
        }
      }
    }
  }

  /** First tap p of dx row r (its output row r + pad − p is below outHeight). */
  private static int firstTap(ConvShape s, int r) {
    return Math.max(0, r + s.padding() - s.outHeight() + 1);
  }

  /** One past the last tap p of dx row r (its output row r + pad − p is at least 0). */
  private static int endTap(ConvShape s, int r) {
    return Math.min(s.kernelHeight(), r + s.padding() + 1);
  }

  /** Offset in cols of output row {@code r + pad − p}, column 0, of patch row (c, p, q) for sample b. */
  private static int tapRow(ConvShape s, int off, int ld, int first, int b, int c, int p, int q, int r) {
    int plane = s.outHeight() * s.outWidth();
    return off + ((c * s.kernelHeight() + p) * s.kernelWidth() + q) * ld + (b - first) * plane
        + (r + s.padding() - p) * s.outWidth();
  }

  /**
   * Whether channels {@code cFirst..cLast} at row r, columns from xs, can take the vector path: every load
   * lies inside cols and the store does not leave the sample.
   */
  private static boolean fits(ConvShape s, float[] cols, int off, int ld, int first, float[] dx, int b, int cFirst,
      int cLast, int r, int xs, int sampleEnd) {
    int pLo = firstTap(s, r), pHi = endTap(s, r);
    int d = ((b * s.inChannels() + cLast) * s.inHeight() + r) * s.inWidth() + xs;
    if (d + LANES > sampleEnd || d + LANES > dx.length) {
      return false;
    }
    if (pLo >= pHi) {
      return true;
    }
    // loads start at tapRow + xs + pad − q: lowest at the first channel, tap (pLo, kw − 1)
    int min = tapRow(s, off, ld, first, b, cFirst, pLo, 0, r) + xs + s.padding() - (s.kernelWidth() - 1);
    int max = tapRow(s, off, ld, first, b, cLast, pHi - 1, s.kernelWidth() - 1, r) + xs + s.padding();
    return min >= 0 && max <= cols.length - LANES;
  }

  /** Channels c..c+3, dx row r, the vector at column xs (the caller checked {@link #fits}). */
  private static void block4(ConvShape s, float[] cols, int off, int ld, int first, float[] dx, int b, int c, int r,
      int xs) {
    int kw = s.kernelWidth(), ow = s.outWidth(), w = s.inWidth();
    int cStride = s.kernelHeight() * kw * ld;
    int pLo = firstTap(s, r), pHi = endTap(s, r);
    FloatVector iota = FloatVector.fromArray(FLOATS, IOTA, 0);
    FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
    boolean[] window = window(ow);
    // one flat loop over the taps (p, q): on JDK 17 C2 boxes vector accumulators across nested loops
    float shift = xs + s.padding();
    int base = tapRow(s, off, ld, first, b, c, pLo, 0, r) + xs + s.padding();
    for (int t = 0, q = 0, n = (pHi - pLo) * kw; t < n; t++) {
      // lanes whose output column j = xs + lane + pad − q lies in [0, ow)
      VectorMask<Float> m = VectorMask.fromArray(FLOATS, window, 2 * LANES - q + (int) shift);
      int at = base + q * (ld - 1);
      a0 = a0.add(FloatVector.fromArray(FLOATS, cols, at), m);
      a1 = a1.add(FloatVector.fromArray(FLOATS, cols, at + cStride), m);
      a2 = a2.add(FloatVector.fromArray(FLOATS, cols, at + 2 * cStride), m);
      a3 = a3.add(FloatVector.fromArray(FLOATS, cols, at + 3 * cStride), m);
      if (++q == kw) {
        q = 0;
        base += kw * ld - ow;
      }
    }
    int chPlane = s.inHeight() * w;
    int d = ((b * s.inChannels() + c) * s.inHeight() + r) * w + xs;
    int planeEnd = d - r * w - xs + chPlane;
    if (xs + LANES <= w || d + LANES <= planeEnd) {
      // whole row(s) of this channel: lanes past the row end are zero and land on rows stored later
      a0.intoArray(dx, d);
      a1.intoArray(dx, d + chPlane);
      a2.intoArray(dx, d + 2 * chPlane);
      a3.intoArray(dx, d + 3 * chPlane);
    } else {
      // the spill reaches the next channel plane: keep what is there (fits() kept it inside the sample)
      VectorMask<Float> keep = iota.compare(VectorOperators.LT, (float) (w - xs));
      FloatVector.fromArray(FLOATS, dx, d).blend(a0, keep).intoArray(dx, d);
      FloatVector.fromArray(FLOATS, dx, d + chPlane).blend(a1, keep).intoArray(dx, d + chPlane);
      FloatVector.fromArray(FLOATS, dx, d + 2 * chPlane).blend(a2, keep).intoArray(dx, d + 2 * chPlane);
      FloatVector.fromArray(FLOATS, dx, d + 3 * chPlane).blend(a3, keep).intoArray(dx, d + 3 * chPlane);
    }
  }

  private static boolean[] WIN = new boolean[0];
  private static int WIN_OW = -1;
  static boolean[] window(int ow) {
    if (WIN_OW == ow) return WIN;
    boolean[] b = new boolean[3 * LANES + ow + 64];
    for (int i = 0; i < ow; i++) b[2 * LANES + i] = true;
    WIN = b; WIN_OW = ow;
    return b;
  }

  /** Channel c, dx row r, columns from xs: one vector where it fits, else scalar. */
  private static void single(ConvShape s, float[] cols, int off, int ld, int first, float[] dx, int b, int c, int r,
      int xs, int sampleEnd) {
    if (!fits(s, cols, off, ld, first, dx, b, c, c, r, xs, sampleEnd)) {
      scalar(s, cols, off, ld, first, dx, b, c, r, xs);
      return;
    }
    int kw = s.kernelWidth(), ow = s.outWidth(), w = s.inWidth();
    int pLo = firstTap(s, r), pHi = endTap(s, r);
    FloatVector iota = FloatVector.fromArray(FLOATS, IOTA, 0);
    FloatVector a0 = FloatVector.zero(FLOATS);
    float shift = xs + s.padding();
    int base = tapRow(s, off, ld, first, b, c, pLo, 0, r) + xs + s.padding();
    for (int t = 0, q = 0, n = (pHi - pLo) * kw; t < n; t++) {
      float lane0 = q - shift;
      VectorMask<Float> m = iota.compare(VectorOperators.GE, lane0).and(iota.compare(VectorOperators.LT, lane0 + ow));
      a0 = a0.add(FloatVector.fromArray(FLOATS, cols, base + q * (ld - 1)), m);
      if (++q == kw) {
        q = 0;
        base += kw * ld - ow;
      }
    }
    int d = ((b * s.inChannels() + c) * s.inHeight() + r) * w + xs;
    int planeEnd = d - r * w - xs + s.inHeight() * w;
    if (xs + LANES <= w || d + LANES <= planeEnd) {
      a0.intoArray(dx, d);
    } else {
      VectorMask<Float> keep = iota.compare(VectorOperators.LT, (float) (w - xs));
      FloatVector.fromArray(FLOATS, dx, d).blend(a0, keep).intoArray(dx, d);
    }
  }

  /** The same sums in scalar code, same order (p outer, q inner): rows at the end of a sample or of cols. */
  private static void scalar(ConvShape s, float[] cols, int off, int ld, int first, float[] dx, int b, int c, int r,
      int xs) {
    int kw = s.kernelWidth(), ow = s.outWidth(), w = s.inWidth(), pad = s.padding();
    int pLo = firstTap(s, r), pHi = endTap(s, r);
    int d = ((b * s.inChannels() + c) * s.inHeight() + r) * w;
    for (int x = xs, end = Math.min(w, xs + LANES); x < end; x++) {
      float acc = 0f;
      for (int p = pLo; p < pHi; p++) {
        for (int q = 0; q < kw; q++) {
          int j = x + pad - q;
          if (j >= 0 && j < ow) {
            acc += cols[tapRow(s, off, ld, first, b, c, p, q, r) + j];
          }
        }
      }
      dx[d + x] = acc;
    }
  }
}
