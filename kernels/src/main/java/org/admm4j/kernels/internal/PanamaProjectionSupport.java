package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;
import static org.admm4j.kernels.internal.PanamaConstants.INTS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API projection: the same radix selection as {@link ScalarProjectionSupport}, with the scans
 * that vectorise rewritten. The keys come from reinterpreting float vectors as int vectors.
 * <ul>
 *   <li>The collecting pass tests a vector of keys against the top bucket and drops to the scalar loop
 *       only when a lane matches (well under 1% of a layer's keys); the fallback's digit passes test
 *       four vectors at once.
 *   <li>The output passes (top-k, and the fused Z/U step) compare and blend.
 *   <li>The first histogram computes keys, bins and the NaN check (a running max) with vectors and
 *       leaves only the increments scalar: the Vector API has no conflict-free scatter-increment. The
 *       fused step adds W + U in the same loop.
 * </ul>
 */
final class PanamaProjectionSupport extends ScalarProjectionSupport {

  private static final int LANES = FLOATS.length();

  /**
   * Elements whose top bins are computed with vectors into a buffer before the scalar increments. Split
   * in two loops, the histogram pass runs about three times faster than the fused scalar loop (JDK 17,
   * Zen 4); the buffer stays in L1.
   */
  private static final int BIN_BLOCK = 1024;

  /** Per thread: the top bins of one block. */
  private final ThreadLocal<int[]> binBuffers = ThreadLocal.withInitial(() -> new int[BIN_BLOCK]);

  /** Per thread: the lanes of the two norm accumulators. */
  private final ThreadLocal<float[]> laneBuffers = ThreadLocal.withInitial(() -> new float[2 * LANES]);

  /**
   * Vectors whose squares the Z/U step sums in float before adding them to the double totals: few enough
   * (at most 16 terms per lane) that the float rounding stays far below the tests' tolerance.
   */
  private static final int NORM_BLOCK = 16;

  PanamaProjectionSupport() {
    super();
  }

  /** @param candidateShift see {@link MagnitudeRadixSelect}; 31 never collects (tests of the other path) */
  PanamaProjectionSupport(int candidateShift) {
    super(candidateShift);
  }

  @Override
  int histogramTop(float[] x, int off, int len, int shift, int[] h, int hOff) {
    int[] bins = binBuffers.get();
    IntVector maxKey = IntVector.zero(INTS);
    int i = off;
    for (int end = off + len - BIN_BLOCK; i <= end; i += BIN_BLOCK) {
      maxKey = topBinsBody(x, i, shift, bins, maxKey);
      count(bins, h, hOff);
    }
    // scalar tail
    int nan = super.histogramTop(x, i, off + len - i, shift, h, hOff);
    return maxKey.reduceLanes(VectorOperators.MAX) > MagnitudeRadixSelect.INFINITY_KEY ? -1 : nan;
  }

  @Override
  int sumAndHistogramTop(float[] w, float[] u, float[] s, int from, int len, int shift, int[] h, int hOff) {
    int[] bins = binBuffers.get();
    IntVector maxKey = IntVector.zero(INTS);
    int i = from;
    for (int end = from + len - BIN_BLOCK; i <= end; i += BIN_BLOCK) {
      for (int j = 0; j < BIN_BLOCK; j += LANES) {
        FloatVector.fromArray(FLOATS, w, i + j).add(FloatVector.fromArray(FLOATS, u, i + j)).intoArray(s, i + j);
      }
      maxKey = topBinsBody(s, i, shift, bins, maxKey);
      count(bins, h, hOff);
    }
    // scalar tail
    int nan = super.sumAndHistogramTop(w, u, s, i, from + len - i, shift, h, hOff);
    return maxKey.reduceLanes(VectorOperators.MAX) > MagnitudeRadixSelect.INFINITY_KEY ? -1 : nan;
  }

  /** Top bins ({@code key >>> shift}) of BIN_BLOCK elements into bins; returns the lane-wise running max key. */
  private static IntVector topBinsBody(float[] x, int from, int shift, int[] bins, IntVector maxKey) {
    for (int j = 0; j < BIN_BLOCK; j += LANES) {
      IntVector key = FloatVector.fromArray(FLOATS, x, from + j).reinterpretAsInts().and(MagnitudeRadixSelect.MAGNITUDE);
      maxKey = maxKey.max(key);
      key.lanewise(VectorOperators.LSHR, shift).intoArray(bins, j);
    }
    return maxKey;
  }

  private static void count(int[] bins, int[] h, int hOff) {
    for (int j = 0; j < BIN_BLOCK; j++) {
      h[hOff + bins[j]]++;
    }
  }

  @Override
  void histogramDigit(float[] x, int off, int len, int prefix, int prefixShift, int digitShift, int[] h,
      int hOff) {
    int step = 4 * LANES;
    int i = 0;
    if (len >= step) {
      i = histogramDigitBody(x, off, len - len % step, prefix, prefixShift, digitShift, h, hOff);
    }
    // scalar tail
    super.histogramDigit(x, off + i, len - i, prefix, prefixShift, digitShift, h, hOff);
  }

  private int histogramDigitBody(float[] x, int off, int bound, int prefix, int prefixShift, int digitShift,
      int[] h, int hOff) {
    // four vectors per test: the branch is rarely taken, so fewer, wider tests win
    int step = 4 * LANES;
    int i = 0;
    for (; i < bound; i += step) {
      VectorMask<Integer> m0 = bucketOf(x, off + i, prefixShift).eq(prefix);
      VectorMask<Integer> m1 = bucketOf(x, off + i + LANES, prefixShift).eq(prefix);
      VectorMask<Integer> m2 = bucketOf(x, off + i + 2 * LANES, prefixShift).eq(prefix);
      VectorMask<Integer> m3 = bucketOf(x, off + i + 3 * LANES, prefixShift).eq(prefix);
      if (m0.or(m1).or(m2.or(m3)).anyTrue()) {
        super.histogramDigit(x, off + i, step, prefix, prefixShift, digitShift, h, hOff);
      }
    }
    return i;
  }

  @Override
  int collect(float[] x, int off, int len, int prefix, int prefixShift, int[] to, int at) {
    int i = 0;
    for (int bound = FLOATS.loopBound(len); i < bound; i += LANES) {
      // most vectors hold no key of the bucket; those that do go through the scalar copy
      if (bucketOf(x, off + i, prefixShift).eq(prefix).anyTrue()) {
        at = super.collect(x, off + i, LANES, prefix, prefixShift, to, at);
      }
    }
    // scalar tail
    return super.collect(x, off + i, len - i, prefix, prefixShift, to, at);
  }

  private static IntVector bucketOf(float[] x, int i, int shift) {
    return FloatVector.fromArray(FLOATS, x, i).reinterpretAsInts()
        .and(MagnitudeRadixSelect.MAGNITUDE)
        .lanewise(VectorOperators.LSHR, shift);
  }

  @Override
  void keepAbove(float[] x, int xOff, float[] out, int outOff, int len, int bound) {
    int i = 0;
    if (len >= 2 * LANES) {
      i = keepAboveBody(x, xOff, out, outOff, FLOATS.loopBound(len), bound);
    }
    // scalar tail
    super.keepAbove(x, xOff + i, out, outOff + i, len - i, bound);
  }

  private static int keepAboveBody(float[] x, int xOff, float[] out, int outOff, int loopBound, int bound) {
    IntVector zero = IntVector.zero(INTS);
    int i = 0;
    for (; i < loopBound; i += LANES) {
      IntVector bits = FloatVector.fromArray(FLOATS, x, xOff + i).reinterpretAsInts();
      VectorMask<Integer> keep = bits.and(MagnitudeRadixSelect.MAGNITUDE).compare(VectorOperators.GT, bound);
      zero.blend(bits, keep).reinterpretAsFloats().intoArray(out, outOff + i);
    }
    return i;
  }

  @Override
  void admmWrite(float[] w, float[] s, float[] z, float[] u, int from, int len, int bound, double[] p,
      int pOff) {
    int i = from;
    if (len >= 2 * LANES) {
      i = admmWriteBody(w, s, z, u, from, from + FLOATS.loopBound(len), bound, p, pOff, laneBuffers.get());
    }
    // scalar tail
    super.admmWrite(w, s, z, u, i, from + len - i, bound, p, pOff);
  }

  private static int admmWriteBody(float[] w, float[] s, float[] z, float[] u, int from, int loopBound,
      int bound, double[] p, int pOff, float[] lanes) {
    IntVector zero = IntVector.zero(INTS);
    double primal = 0;
    double change = 0;
    int i = from;
    while (i < loopBound) {
      // the squares are summed in float over a short block, then added in double (no F2D per element)
      int blockEnd = Math.min(loopBound, i + NORM_BLOCK * LANES);
      FloatVector primalAcc = FloatVector.zero(FLOATS);
      FloatVector changeAcc = FloatVector.zero(FLOATS);
      for (; i < blockEnd; i += LANES) {
        IntVector bits = FloatVector.fromArray(FLOATS, s, i).reinterpretAsInts();
        VectorMask<Integer> keep = bits.and(MagnitudeRadixSelect.MAGNITUDE).compare(VectorOperators.GT, bound);
        FloatVector zNew = zero.blend(bits, keep).reinterpretAsFloats();
        FloatVector r = FloatVector.fromArray(FLOATS, w, i).sub(zNew);
        FloatVector dz = zNew.sub(FloatVector.fromArray(FLOATS, z, i));
        primalAcc = r.fma(r, primalAcc);
        changeAcc = dz.fma(dz, changeAcc);
        // subnormal duals to zero, as the optimizer does with weights (ScalarOptimizerSupport.flush)
        FloatVector uNew = FloatVector.fromArray(FLOATS, u, i).add(r);
        uNew.blend(FloatVector.zero(FLOATS), uNew.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)).intoArray(u, i);
        zNew.intoArray(z, i);
      }
      // lanes added in index order: reduceLanes(ADD) on floats may associate differently once compiled,
      // and the norms must be the same bits on every call (sequential or on any pool)
      primalAcc.intoArray(lanes, 0);
      changeAcc.intoArray(lanes, LANES);
      for (int j = 0; j < LANES; j++) {
        primal += lanes[j];
        change += lanes[LANES + j];
      }
    }
    p[pOff] += primal;
    p[pOff + 1] += change;
    return i;
  }
}
