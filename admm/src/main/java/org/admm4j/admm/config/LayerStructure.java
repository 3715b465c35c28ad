package org.admm4j.admm.config;

import java.util.Locale;

/**
 * What a layer's pruning removes (StructADMM, Zhang et al., arXiv 1807.11091): single weights (the
 * unstructured default), or whole groups of a weight {@code [out, in, kh, kw]} ({@code [out, in]} for a
 * linear layer). Under a group structure a layer's keep fraction is the fraction of its groups kept.
 */
public enum LayerStructure {
  /** Single weights: keep the α largest magnitudes. */
  WEIGHT,
  /** Filters (output channels) {@code w[o, :, :, :]}; removable physically after pruning. */
  FILTER,
  /** Input channels across every filter {@code w[:, i, :, :]}. */
  CHANNEL,
  /** Input channel × tap across every filter {@code w[:, i, y, x]} (a column of the im2col GEMM). */
  COLUMN;

  /** The setting's spelling: {@code filter}, {@code weight}, … */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The structure a setting names, or null when it is none of weight, filter, channel, column. */
  public static LayerStructure parse(String value) {
    for (LayerStructure s : values()) {
      if (s.setting().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }

  /** Whether this structure prunes groups rather than single weights. */
  public boolean grouped() {
    return this != WEIGHT;
  }

  /**
   * The number of groups of a weight of {@code shape} ({@code [out, in, kh, kw]} or {@code [out, in]}).
   *
   * @throws IllegalArgumentException when the shape is neither
   */
  public int groups(int[] shape) {
    checkShape(shape);
    int taps = shape.length == 4 ? shape[2] * shape[3] : 1;
    return switch (this) {
      case WEIGHT -> shape[0] * shape[1] * taps;
      case FILTER -> shape[0];
      case CHANNEL -> shape[1];
      case COLUMN -> shape[1] * taps;
    };
  }

  /** The number of weights in one group of a weight of {@code shape}. */
  public int groupSize(int[] shape) {
    checkShape(shape);
    int taps = shape.length == 4 ? shape[2] * shape[3] : 1;
    return switch (this) {
      case WEIGHT -> 1;
      case FILTER -> shape[1] * taps;
      case CHANNEL -> shape[0] * taps;
      case COLUMN -> shape[0];
    };
  }

  /** The plural for messages: filters, channels, columns, weights. */
  public String plural() {
    return setting() + "s";
  }

  private static void checkShape(int[] shape) {
    if (shape.length != 2 && shape.length != 4) {
      throw new IllegalArgumentException("a weight of shape " + java.util.Arrays.toString(shape)
          + " has no filters or channels: expected [out, in, kh, kw] or [out, in]");
    }
  }
}
