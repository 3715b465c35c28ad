package org.admm4j.kernels.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Radix selection of the k largest magnitudes of a float array, and the workspace it runs in.
 *
 * <p>The magnitudes of finite floats (and ±∞) order like their bit patterns with the sign bit cleared,
 * a 31-bit key. The key of the k-th largest magnitude, the threshold {@code t}, is found one digit at a
 * time, most significant first:
 * <ol>
 *   <li>First digit, {@code key >>> 18} (13 bits: the exponent and 5 mantissa bits; 11 bits for arrays
 *       of at most {@link #SMALL} elements): a histogram of every key, which also checks for NaN. The bin
 *       holding the k-th largest key is the "top bucket"; for trained weights it holds well under 1%.
 *   <li>Second and third digits (9 bits each, the halves of what is left): when the top bucket holds at
 *       most {@code n >>> candidateShift} keys, one more pass copies its keys (in index order) to a
 *       candidate buffer and both digits are histograms of that buffer, in cache. Otherwise (many equal
 *       or nearly equal magnitudes) each digit is one more histogram pass over the input.
 * </ol>
 * Every pass over the input runs per chunk of {@link #CHUNK} elements, each chunk with its own
 * histogram and candidate slice, so the chunks are independent tasks on a ForkJoin pool and nothing
 * depends on the pool. Then {@code G} keys are above {@code t} and {@code E ≥ k − G} equal it; the
 * lowest-indexed {@code k − G} of those are kept. Per-chunk counts (candidate slices, or the last
 * histogram pass) say in which chunk the last kept tie lies, and only that chunk is scanned for the cut
 * index: the output pass keeps {@code key ≥ t} below it and {@code key > t} from it on.
 *
 * <p>Passes over the input, usually: two reads (histogram; collect, which for most vectors only
 * compares), then one read and one write (output). No sort. The workspace is reused by the calling
 * thread: 32 KiB of histogram per chunk (2.3 MB for 37.7 M floats) and the candidate buffer (as large
 * as the largest top bucket seen, at most {@code n >>> candidateShift} ints). The parallel path allocates
 * one small task object per chunk and pass.
 *
 * <p>The scans themselves are the {@link ScalarProjectionSupport} chunk kernels, which
 * {@link PanamaProjectionSupport} overrides with vector bodies.
 */
final class MagnitudeRadixSelect {

  /**
   * Elements per chunk: the unit of parallel work and of the per-chunk partial sums. Fixed (never derived
   * from the thread count) so that every pool, and the sequential path, give the same bits.
   */
  static final int CHUNK = 1 << 19;

  /** Clears the sign bit: what is left orders like the magnitude. */
  static final int MAGNITUDE = 0x7fffffff;

  /** Key of +∞; keys above it are NaN. */
  static final int INFINITY_KEY = 0x7f800000;

  /**
   * Arrays up to this size use an 11-bit first digit (2048 bins), larger ones 13 bits (8192 bins, fewer
   * candidates): for small arrays, clearing and scanning 8192 bins would cost more than it saves.
   */
  static final int SMALL = 1 << 16;

  private static final int MAX_TOP_BINS = 1 << 13;

  private enum Phase { HISTOGRAM_TOP, SUM_AND_HISTOGRAM_TOP, COLLECT, HISTOGRAM_DIGIT, WRITE_TOP_K, WRITE_ADMM }

  private final ScalarProjectionSupport kernels;

  /** Candidates are collected when the top bucket holds at most n >>> this many elements. */
  private final int candidateShift;

  /** True while a call runs in this workspace (a ForkJoin worker may re-enter while it helps). */
  boolean busy;

  // workspace, grown on demand: (chunks × topBins) histograms, one NaN flag and two partial sums per chunk
  private int[] histograms = new int[MAX_TOP_BINS];
  private int[] nanFlags = new int[1];
  private double[] partials = new double[2];
  private final int[] merged = new int[MAX_TOP_BINS];
  private int[] candidates = new int[0]; // keys of the top bucket, in index order
  private int[] candidateStart = new int[2]; // per chunk: where its candidates start (chunks + 1 entries)

  // the call
  private Phase phase;
  private int n;
  private int chunks;
  private float[] x; // the array selected from: w for top-k, the scratch W + U for the ADMM step
  private int xOff;
  private float[] out;
  private int outOff;
  private float[] w;
  private float[] z;
  private float[] u;
  private int topShift; // the first digit is key >>> topShift
  private int topBins;
  private int digitBits; // the other two digits: topShift / 2 bits each
  private int digitBins;
  private int prefix;
  private int prefixShift;
  private int digitShift;
  private int above; // set by findBucket: how many counted elements lie in higher bins

  /** Key of the k-th largest magnitude (INFINITY_KEY when k = 0). */
  private int threshold;

  /** First index from which ties at the threshold are dropped. */
  private int cut;

  MagnitudeRadixSelect(ScalarProjectionSupport kernels, int candidateShift) {
    this.kernels = kernels;
    this.candidateShift = candidateShift;
  }

  /**
   * {@code out = w} on the k largest magnitudes, 0 elsewhere; returns the threshold.
   */
  float topK(int n, int k, float[] w, int wOff, float[] out, int outOff, ForkJoinPool pool) {
    try {
      start(n);
      this.x = w;
      this.xOff = wOff;
      this.out = out;
      this.outOff = outOff;
      select(k, Phase.HISTOGRAM_TOP, pool);
      run(Phase.WRITE_TOP_K, pool);
      return k == 0 ? Float.POSITIVE_INFINITY : Float.intBitsToFloat(threshold);
    } finally {
      release();
    }
  }

  /** The fused Z/U step; see {@link ProjectionSupport#admmUpdate}. */
  void admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch, double[] stats,
      ForkJoinPool pool) {
    try {
      start(n);
      this.x = scratch;
      this.xOff = 0;
      this.w = w;
      this.z = z;
      this.u = u;
      select(k, Phase.SUM_AND_HISTOGRAM_TOP, pool);
      Arrays.fill(partials, 0, 2 * chunks, 0.0);
      run(Phase.WRITE_ADMM, pool);
      // combine the chunks' partial sums in chunk order: the same bits for any pool
      double primal = 0;
      double change = 0;
      for (int c = 0; c < chunks; c++) {
        primal += partials[2 * c];
        change += partials[2 * c + 1];
      }
      stats[0] = k == 0 ? Float.POSITIVE_INFINITY : Float.intBitsToFloat(threshold);
      stats[1] = primal;
      stats[2] = change;
    } finally {
      release();
    }
  }

  private void start(int n) {
    this.n = n;
    this.chunks = Math.max(1, (int) ((n + (long) CHUNK - 1) / CHUNK));
    // a finer first digit leaves fewer candidates, but costs its bins' clearing and scanning
    this.topShift = n <= SMALL ? 20 : 18;
    this.topBins = 1 << (31 - topShift);
    this.digitBits = topShift / 2;
    this.digitBins = 1 << digitBits;
    if (histograms.length < chunks * topBins) {
      histograms = new int[chunks * topBins];
    }
    if (nanFlags.length < chunks) {
      nanFlags = new int[chunks];
      partials = new double[2 * chunks];
      candidateStart = new int[chunks + 1];
    }
  }

  /** Drops the references to the caller's arrays, so that the thread's workspace does not keep them alive. */
  private void release() {
    x = null;
    out = null;
    w = null;
    z = null;
    u = null;
    busy = false;
  }

  /** Sets {@link #threshold} and {@link #cut} for the k largest magnitudes of x (after the first pass). */
  private void select(int k, Phase firstPass, ForkJoinPool pool) {
    // digit 1: the top bits of every key, and the NaN check
    run(firstPass, pool);
    checkNaN();
    if (k == 0) {
      threshold = INFINITY_KEY; // keeps nothing: key > INFINITY_KEY only for NaN, and there is none
      cut = 0;
      return;
    }
    int remaining = k;
    int[] topCounts = merge(topBins);
    int top = findBucket(topCounts, topBins, remaining);
    remaining -= above;
    prefix = top;
    if (topCounts[top] <= (n >>> candidateShift)) {
      selectAmongCandidates(topCounts[top], remaining, pool);
    } else {
      selectByPasses(remaining, pool);
    }
  }

  /**
   * Digits 2 and 3 from a copy of the keys in the top bucket (a few percent of n for weights): one more
   * pass over the input collects them, the rest runs in cache.
   */
  private void selectAmongCandidates(int count, int remaining, ForkJoinPool pool) {
    // each chunk writes its own slice, in index order: offsets from the chunks' own top histograms
    if (candidates.length < count) {
      candidates = new int[Math.max(count, Math.min(n >>> candidateShift, 2 * candidates.length))];
    }
    int top = prefix;
    candidateStart[0] = 0;
    for (int c = 0; c < chunks; c++) {
      candidateStart[c + 1] = candidateStart[c] + histograms[c * topBins + top];
    }
    prefixShift = topShift;
    run(Phase.COLLECT, pool);

    // digit 2: the upper half of the bits below the first digit
    int[] counts = merged;
    Arrays.fill(counts, 0, digitBins, 0);
    for (int i = 0; i < count; i++) {
      counts[(candidates[i] >>> digitBits) & (digitBins - 1)]++;
    }
    int middle = findBucket(counts, digitBins, remaining);
    remaining -= above;

    // digit 3: the lower half, of the keys matching the first two digits
    int high = (top << digitBits) | middle;
    Arrays.fill(counts, 0, digitBins, 0);
    for (int i = 0; i < count; i++) {
      int key = candidates[i];
      if (key >>> digitBits == high) {
        counts[key & (digitBins - 1)]++;
      }
    }
    int low = findBucket(counts, digitBins, remaining);
    remaining -= above;
    threshold = (high << digitBits) | low;
    cut = remaining == counts[low] ? n : cutAmongCandidates(remaining);
  }

  /** Index just past the keep-th key equal to the threshold; the candidates say in which chunk it is. */
  private int cutAmongCandidates(int keep) {
    for (int c = 0; c < chunks; c++) {
      int ties = 0;
      for (int i = candidateStart[c]; i < candidateStart[c + 1]; i++) {
        ties += candidates[i] == threshold ? 1 : 0;
      }
      if (ties >= keep) {
        return cutInChunk(c, keep);
      }
      keep -= ties;
    }
    throw new AssertionError("fewer ties at the threshold than counted");
  }

  /** Digits 2 and 3 by two more histogram passes over the input (the top bucket is too full to copy). */
  private void selectByPasses(int remaining, ForkJoinPool pool) {
    int top = prefix;
    // digit 2: the upper half of the bits below the first digit, for the keys in the top bucket
    prefixShift = topShift;
    digitShift = digitBits;
    run(Phase.HISTOGRAM_DIGIT, pool);
    int middle = findBucket(merge(digitBins), digitBins, remaining);
    remaining -= above;

    // digit 3: the lower half, for the keys matching the first two digits
    prefix = (top << digitBits) | middle;
    prefixShift = digitBits;
    digitShift = 0;
    run(Phase.HISTOGRAM_DIGIT, pool);
    int[] counts = merge(digitBins);
    int low = findBucket(counts, digitBins, remaining);
    remaining -= above;

    threshold = (top << topShift) | (middle << digitBits) | low;
    // ties: `remaining` of the `counts[low]` keys equal to the threshold are kept, lowest indices first
    cut = remaining == counts[low] ? n : cutAfterTies(low, remaining);
  }

  /** The histogram of the last pass over all chunks (the chunk's own when there is one). */
  private int[] merge(int bins) {
    if (chunks == 1) {
      return histograms;
    }
    Arrays.fill(merged, 0, bins, 0);
    for (int c = 0; c < chunks; c++) {
      int base = c * topBins;
      for (int b = 0; b < bins; b++) {
        merged[b] += histograms[base + b];
      }
    }
    return merged;
  }

  /** The bin holding the rank-th largest counted key; sets {@link #above} to the count in higher bins. */
  private int findBucket(int[] counts, int bins, int rank) {
    long sum = 0;
    for (int b = bins - 1; b > 0; b--) {
      if (sum + counts[b] >= rank) {
        above = (int) sum;
        return b;
      }
      sum += counts[b];
    }
    above = (int) sum;
    return 0;
  }

  /** Index just past the keep-th element whose key equals the threshold (its low digit is {@code low}). */
  private int cutAfterTies(int low, int keep) {
    int c = 0;
    // the last pass's per-chunk counts locate the chunk; only that one is scanned
    while (histograms[c * topBins + low] < keep) {
      keep -= histograms[c * topBins + low];
      c++;
    }
    return cutInChunk(c, keep);
  }

  /** Index just past the keep-th key of chunk c equal to the threshold. */
  private int cutInChunk(int c, int keep) {
    int to = chunkEnd(c);
    for (int i = c * CHUNK; i < to; i++) {
      if ((Float.floatToRawIntBits(x[xOff + i]) & MAGNITUDE) == threshold && --keep == 0) {
        return i + 1;
      }
    }
    throw new AssertionError("fewer ties at the threshold in chunk " + c + " than counted");
  }

  private void checkNaN() {
    for (int c = 0; c < chunks; c++) {
      if (nanFlags[c] < 0) {
        int to = chunkEnd(c);
        for (int i = c * CHUNK; i < to; i++) {
          if (Float.isNaN(x[xOff + i])) {
            throw new IllegalArgumentException(w == null
                ? "NaN at index " + i + " of the array to project (w[" + (xOff + i) + "])"
                : "W + U is NaN at index " + i + " (w = " + w[i] + ", u = " + u[i] + ")");
          }
        }
      }
    }
  }

  /** End of chunk c (in long: for arrays near 2^31 elements, (c + 1) · CHUNK overflows an int). */
  private int chunkEnd(int c) {
    return (int) Math.min(n, (c + 1L) * CHUNK);
  }

  private void run(Phase phase, ForkJoinPool pool) {
    this.phase = phase;
    if (pool == null || chunks == 1) {
      for (int c = 0; c < chunks; c++) {
        runChunk(c);
      }
    } else {
      pool.invoke(new ChunkTask(this, 0, chunks));
    }
  }

  /** One chunk of the current pass; chunks touch disjoint parts of every array. */
  private void runChunk(int c) {
    int from = c * CHUNK;
    int to = chunkEnd(c);
    int base = c * topBins;
    switch (phase) {
      case HISTOGRAM_TOP:
        Arrays.fill(histograms, base, base + topBins, 0);
        nanFlags[c] = kernels.histogramTop(x, xOff + from, to - from, topShift, histograms, base);
        break;
      case SUM_AND_HISTOGRAM_TOP:
        Arrays.fill(histograms, base, base + topBins, 0);
        nanFlags[c] = kernels.sumAndHistogramTop(w, u, x, from, to - from, topShift, histograms, base);
        break;
      case COLLECT: {
        int end = kernels.collect(x, xOff + from, to - from, prefix, prefixShift, candidates, candidateStart[c]);
        assert end == candidateStart[c + 1] : "chunk " + c + " collected " + end + ", counted " + candidateStart[c + 1];
        break;
      }
      case HISTOGRAM_DIGIT:
        Arrays.fill(histograms, base, base + digitBins, 0);
        kernels.histogramDigit(x, xOff + from, to - from, prefix, prefixShift, digitShift, histograms, base);
        break;
      case WRITE_TOP_K: {
        // below the cut, ties at the threshold are kept (key > t − 1); from it on, only key > t
        int split = Math.max(from, Math.min(to, cut));
        kernels.keepAbove(x, xOff + from, out, outOff + from, split - from, threshold - 1);
        kernels.keepAbove(x, xOff + split, out, outOff + split, to - split, threshold);
        break;
      }
      case WRITE_ADMM: {
        int split = Math.max(from, Math.min(to, cut));
        kernels.admmWrite(w, x, z, u, from, split - from, threshold - 1, partials, 2 * c);
        kernels.admmWrite(w, x, z, u, split, to - split, threshold, partials, 2 * c);
        break;
      }
      default:
        throw new AssertionError(phase);
    }
  }

  /** Splits a range of chunks in halves down to single chunks. */
  private static final class ChunkTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient MagnitudeRadixSelect select;
    private final int lo;
    private final int hi;

    ChunkTask(MagnitudeRadixSelect select, int lo, int hi) {
      this.select = select;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        select.runChunk(lo);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new ChunkTask(select, lo, mid), new ChunkTask(select, mid, hi));
    }
  }
}
