package org.admm4j.admm.quant;

/**
 * A per-layer codebook by 1-D k-means (Lloyd's algorithm) over a layer's non-zeros, with zero a fixed level
 * (the pruned weights): each value goes to its nearest level, each non-zero level moves to the mean of its
 * values, until no value changes level. The start is deterministic (the optimal uniform grid of
 * {@link UniformScaleSearch}) and neither step raises the squared error, so the codebook is never worse than
 * that grid, hence than any uniform grid. A level left without values moves onto the worst-fitted value.
 */
final class CodebookFit {

  /** Lloyd iterations at most when fitting from scratch (1-D k-means on a few thousand values settles in tens). */
  static final int MAX_ITERATIONS = 100;

  private CodebookFit() {}

  /** {@code iterations} Lloyd steps from {@code start} (fewer when the assignment stops changing). */
  static LevelGrid refine(LevelGrid start, float[] values, int iterations) {
    LevelGrid grid = start;
    int[] previous = null;
    for (int it = 0; it < iterations; it++) {
      float[] levels = grid.levels();
      double[] sum = new double[levels.length];
      int[] count = new int[levels.length];
      int[] assigned = new int[values.length];
      boolean changed = previous == null;
      for (int j = 0; j < values.length; j++) {
        float v = values[j];
        if (v == 0f) {
          continue;
        }
        int k = grid.nearestIndex(v);
        assigned[j] = k;
        sum[k] += v;
        count[k]++;
        changed |= previous != null && previous[j] != k;
      }
      boolean empty = levels.length < LevelGrid.levelCount(grid.bits());
      for (int k = 0; k < levels.length; k++) {
        empty |= levels[k] != 0f && count[k] == 0;
      }
      if (!changed && !empty) {
        break;
      }
      int target = LevelGrid.levelCount(grid.bits()) - 1;
      float[] nonzero = new float[target];
      int n = 0;
      for (int k = 0; k < levels.length; k++) {
        if (levels[k] != 0f && count[k] > 0) {
          nonzero[n++] = (float) (sum[k] / count[k]);
        }
      }
      // empty or merged levels move onto the values fitted worst: their error becomes 0 and no other value's
      // grows, so the step still cannot raise the total
      boolean[] taken = new boolean[values.length];
      while (n < target) {
        int worst = -1;
        double worstErr = 0;
        for (int j = 0; j < values.length; j++) {
          double e = values[j] == 0f || taken[j] ? 0 : Math.abs((double) values[j] - levels[assigned[j]]);
          if (e > worstErr && !contains(nonzero, n, values[j])) {
            worstErr = e;
            worst = j;
          }
        }
        if (worst < 0) {
          break;
        }
        taken[worst] = true;
        nonzero[n++] = values[worst];
      }
      grid = LevelGrid.codebook(java.util.Arrays.copyOf(nonzero, n), grid.bits());
      // a merge of two levels changes the indices: compare assignments only while the level count holds
      previous = grid.levels().length == levels.length ? assigned : null;
    }
    return grid;
  }

  private static boolean contains(float[] a, int n, float v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }
}
