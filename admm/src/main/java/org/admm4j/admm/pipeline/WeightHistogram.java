package org.admm4j.admm.pipeline;


/**
 * A histogram of weight values over {@code [−m, m]}, m the largest magnitude, in equal bins.
 *
 * @param edges bins + 1 increasing edges
 * @param counts values per bin (the last bin includes its right edge)
 */
public record WeightHistogram(float[] edges, long[] counts) {

  /** Bins of the report's histograms. */
  public static final int BINS = 60;

  /**
   * @param nonZeroOnly count only the non-zero values (the histogram after pruning)
   */
  public static WeightHistogram of(float[] values, int bins, boolean nonZeroOnly) {
    float m = 0;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    if (m == 0) {
      m = 1;
    }
    float[] edges = new float[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = -m + 2 * m * i / bins;
    }
    long[] counts = new long[bins];
    for (float v : values) {
      if (nonZeroOnly && v == 0f) {
        continue;
      }
      int b = (int) Math.floor((v + m) / (2 * m) * bins);
      counts[Math.max(0, Math.min(bins - 1, b))]++;
    }
    return new WeightHistogram(edges, counts);
  }
}
