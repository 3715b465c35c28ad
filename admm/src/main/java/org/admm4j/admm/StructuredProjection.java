package org.admm4j.admm;

import java.util.Arrays;

/**
 * Euclidean projections onto structured sparsity sets (StructADMM, Zhang et al. 2018): of a conv
 * weight {@code [out, in, kh, kw]} (a linear one is {@code [out, in, 1, 1]}) keep the {@code k} groups of
 * largest L2 norm and zero the others, where a group is a filter (one output channel), a channel (one
 * input channel across all filters) or a column (one input channel × tap across all filters). Keeping
 * the largest-norm groups is the projection because the squared distance removed is the sum of the
 * dropped groups' squared norms. Ties go to the lower index, so the result is deterministic.
 */
public final class StructuredProjection {

  /** What a group is. */
  public enum Structure {
    /** One output channel: {@code w[o, :, :, :]}. */
    FILTER,
    /** One input channel across every filter: {@code w[:, i, :, :]}. */
    CHANNEL,
    /** One input channel × tap across every filter: {@code w[:, i, y, x]}. */
    COLUMN
  }

  private StructuredProjection() {}

  /**
   * Projects {@code w} in place onto "at most {@code k} non-zero groups" and returns which groups were
   * kept.
   *
   * @param shape {@code [out, in, kh, kw]} or {@code [out, in]}
   * @throws IllegalArgumentException when the shape does not match w or k is outside 1..groups
   */
  public static boolean[] project(float[] w, int[] shape, Structure structure, int k) {
    int out = shape[0], in = shape[1];
    int taps = shape.length == 4 ? shape[2] * shape[3] : 1;
    if ((long) out * in * taps != w.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + (long) out * in * taps
          + " weights, the array " + w.length);
    }
    int groups = switch (structure) {
      case FILTER -> out;
      case CHANNEL -> in;
      case COLUMN -> in * taps;
    };
    if (k < 1 || k > groups) {
      throw new IllegalArgumentException("keep " + k + " of " + groups + " " + structure.name().toLowerCase()
          + "s: must be in 1.." + groups);
    }
    double[] norms = new double[groups];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int t = 0; t < taps; t++) {
          double v = w[(o * in + i) * taps + t];
          norms[group(structure, o, i, t, taps)] += v * v;
        }
      }
    }
    boolean[] keep = largest(norms, k);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int t = 0; t < taps; t++) {
          if (!keep[group(structure, o, i, t, taps)]) {
            w[(o * in + i) * taps + t] = 0f;
          }
        }
      }
    }
    return keep;
  }

  private static int group(Structure s, int o, int i, int t, int taps) {
    return switch (s) {
      case FILTER -> o;
      case CHANNEL -> i;
      case COLUMN -> i * taps + t;
    };
  }

  /** The k largest entries (ties: lower index first). */
  private static boolean[] largest(double[] norms, int k) {
    Integer[] order = new Integer[norms.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> norms[a] != norms[b] ? Double.compare(norms[b], norms[a]) : Integer.compare(a, b));
    boolean[] keep = new boolean[norms.length];
    for (int j = 0; j < k; j++) {
      keep[order[j]] = true;
    }
    return keep;
  }
}
