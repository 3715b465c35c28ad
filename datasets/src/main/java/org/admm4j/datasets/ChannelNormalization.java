package org.admm4j.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-channel mean and standard deviation of sample values already scaled to [0, 1], applied as
 * {@code (x − mean[c]) / std[c]}. The arrays are copied in and out, so an instance never changes.
 *
 * @param mean one finite value per channel
 * @param std one finite positive value per channel
 */
public record ChannelNormalization(float[] mean, float[] std) {
  /** MNIST: {@link Normalization#MNIST} as one channel (the same bits). */
  public static final ChannelNormalization MNIST = of(Normalization.MNIST);
  /** Fashion-MNIST: {@link Normalization#FASHION_MNIST} as one channel (the same bits). */
  public static final ChannelNormalization FASHION_MNIST = of(Normalization.FASHION_MNIST);

  public ChannelNormalization {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("normalization: expected as many means as stds, at least "
          + "one, found " + mean.length + " means and " + std.length + " stds");
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || !(std[c] > 0)) {
        throw new IllegalArgumentException("normalization of channel " + c + ": expected a finite "
            + "mean and a finite positive std, found mean=" + mean[c] + " std=" + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The single-channel form of a grey {@link Normalization}. */
  public static ChannelNormalization of(Normalization n) {
    return new ChannelNormalization(new float[] {n.mean()}, new float[] {n.std()});
  }

  /** The usual constants for "mnist" and "fashion-mnist" (one channel), else {@link #of(Dataset)}. */
  public static ChannelNormalization forDataset(Dataset train) {
    if (train.sampleShape()[0] == 1) {
      switch (train.name()) {
        case "mnist": return MNIST;
        case "fashion-mnist": return FASHION_MNIST;
        default: break;
      }
    }
    return of(train);
  }

  /**
   * Per-channel mean and population standard deviation over every sample of {@code train},
   * accumulated in double. A channel with zero spread gets std 1 (so normalising only centres it);
   * an empty dataset gives mean 0, std 1.
   */
  public static ChannelNormalization of(Dataset train) {
    int[] shape = train.sampleShape();
    int channels = shape[0];
    int plane = shape[1] * shape[2];
    double[] mean = new double[channels];
    double[] variance = new double[channels];
    double n = (double) train.size() * plane;
    if (n == 0) {
      // Nothing to measure: leave values as they are.
    } else if (train instanceof InMemoryDataset m && m.isUint8()) {
      // 256 possible values: a histogram per channel is exact and one pass.
      byte[] pixels = m.bytes();
      long[][] histogram = new long[channels][256];
      for (int i = 0, at = 0; i < train.size(); i++) {
        for (int c = 0; c < channels; c++) {
          long[] h = histogram[c];
          for (int end = at + plane; at < end; at++) {
            h[pixels[at] & 0xff]++;
          }
        }
      }
      for (int c = 0; c < channels; c++) {
        double sum = 0;
        double sumSq = 0;
        for (int p = 0; p < 256; p++) {
          double v = p / 255.0;
          sum += histogram[c][p] * v;
          sumSq += histogram[c][p] * v * v;
        }
        // The same formula as Normalization.of, so grey data gives the same statistics.
        mean[c] = sum / n;
        variance[c] = Math.max(0, sumSq / n - mean[c] * mean[c]);
      }
    } else {
      // Arbitrary floats: two passes (mean, then squared deviations) avoid cancellation.
      float[] sample = new float[train.sampleSize()];
      for (int i = 0; i < train.size(); i++) {
        train.copySample(i, sample, 0);
        for (int c = 0, at = 0; c < channels; c++) {
          for (int end = at + plane; at < end; at++) {
            mean[c] += sample[at];
          }
        }
      }
      for (int c = 0; c < channels; c++) {
        mean[c] /= n;
      }
      for (int i = 0; i < train.size(); i++) {
        train.copySample(i, sample, 0);
        for (int c = 0, at = 0; c < channels; c++) {
          for (int end = at + plane; at < end; at++) {
            double d = sample[at] - mean[c];
            variance[c] += d * d;
          }
        }
      }
      for (int c = 0; c < channels; c++) {
        variance[c] /= n;
      }
    }
    float[] m = new float[channels];
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      double std = Math.sqrt(variance[c]);
      m[c] = (float) mean[c];
      s[c] = std > 0 && (float) std > 0 ? (float) std : 1f;
    }
    return new ChannelNormalization(m, s);
  }

  /** Number of channels. */
  public int channels() {
    return mean.length;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /**
   * Every sample of {@code d}, normalised: size·C·H·W floats in sample, then CHW order, in one
   * allocation. For unsigned-byte data each channel uses a 256-entry table
   * {@code (p / 255f − mean) / std}, the formulation of {@link ImageDataset#normalizedPixels}, so
   * grey data gives exactly its floats.
   *
   * @throws IllegalArgumentException when the channel counts differ or the result would not fit one
   *     array
   */
  public float[] normalize(Dataset d) {
    int[] shape = d.sampleShape();
    if (shape[0] != mean.length) {
      throw new IllegalArgumentException(d.name() + ": normalization has " + mean.length
          + " channels, samples have " + shape[0] + " (shape " + Arrays.toString(shape) + ")");
    }
    int sampleSize = d.sampleSize();
    long total = (long) d.size() * sampleSize;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(d.name() + ": " + d.size() + " samples x " + sampleSize
          + " = " + total + " floats do not fit one Java array");
    }
    int plane = shape[1] * shape[2];
    float[] out = new float[(int) total];
    if (d instanceof InMemoryDataset m && m.isUint8()) {
      float[][] tables = new float[mean.length][256];
      for (int c = 0; c < mean.length; c++) {
        for (int p = 0; p < 256; p++) {
          tables[c][p] = (p / 255f - mean[c]) / std[c];
        }
      }
      byte[] pixels = m.bytes();
      for (int at = 0; at < out.length; ) {
        for (int c = 0; c < mean.length; c++) {
          float[] table = tables[c];
          for (int end = at + plane; at < end; at++) {
            out[at] = table[pixels[at] & 0xff];
          }
        }
      }
      return out;
    }
    for (int i = 0, at = 0; i < d.size(); i++) {
      d.copySample(i, out, at);
      for (int c = 0; c < mean.length; c++) {
        float mc = mean[c];
        float sc = std[c];
        for (int end = at + plane; at < end; at++) {
          out[at] = (out[at] - mc) / sc;
        }
      }
    }
    return out;
  }

  /** {@code {"mean": [0.1307], "std": [0.3081]}}; {@link #parse} reads back the same floats. */
  public String toJson() {
    return "{\"mean\": " + list(mean) + ", \"std\": " + list(std) + "}";
  }

  /**
   * Reads {@link #toJson()}'s form: one object with exactly the keys "mean" and "std", each an array
   * of numbers of the same length.
   *
   * @throws IllegalArgumentException naming the position, what was expected and what was found
   */
  public static ChannelNormalization parse(String json) {
    return new NormalizationJson(json).read();
  }

  private static String list(float[] values) {
    StringBuilder s = new StringBuilder("[");
    for (int c = 0; c < values.length; c++) {
      s.append(c == 0 ? "" : ", ").append(values[c]);
    }
    return s.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelNormalization n && Arrays.equals(mean, n.mean)
        && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ChannelNormalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
        + "]";
  }
}
