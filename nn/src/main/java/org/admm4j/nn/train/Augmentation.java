package org.admm4j.nn.train;

import java.util.Arrays;

/**
 * Random changes to training images: a translation by up to {@code maxShift} pixels in each direction
 * (the uncovered border filled with each channel's {@code fill}, the normalised value of a blank pixel)
 * and, with {@code flip}, a horizontal mirror half of the time. A sample's draw is a hash of (seed,
 * optimizer step, sample index), so it depends neither on the thread count nor on where a run resumed;
 * with flips off the shifts are the same as without them.
 *
 * @param fill one value per input channel, or one for all
 */
public record Augmentation(int maxShift, boolean flip, float[] fill, long seed) {

  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(0, false, new float[] {0f}, 0);

  public Augmentation {
    if (maxShift < 0) {
      throw new IllegalArgumentException("augmentation shift must be ≥ 0 pixels, got " + maxShift);
    }
    if (fill == null || fill.length == 0) {
      throw new IllegalArgumentException("augmentation needs a fill value per channel (or one for all)");
    }
    fill = fill.clone();
  }

  /** Shifts only, one fill value for every channel. */
  public static Augmentation shift(int maxShift, float fill, long seed) {
    return new Augmentation(maxShift, false, new float[] {fill}, seed);
  }

  @Override
  public float[] fill() {
    return fill.clone();
  }

  /** Whether samples change at all. */
  public boolean active() {
    return maxShift > 0 || flip;
  }

  /** Refuses a shift that does not fit an input of {@code channels × h × w}. */
  void check(int channels, int h, int w) {
    if (maxShift > 0 && (maxShift >= h || maxShift >= w)) {
      throw new IllegalArgumentException("augmentation shift " + maxShift + " is not smaller than the "
          + h + "×" + w + " input");
    }
    if (fill.length != 1 && fill.length != channels) {
      throw new IllegalArgumentException("augmentation has " + fill.length + " fill values for an input of "
          + channels + " channels");
    }
  }

  /** Sample {@code idx} of {@code images}, changed as drawn for {@code step}, into slot {@code slot} of out. */
  void copy(float[] images, int idx, long step, float[] out, int slot, int channels, int h, int w) {
    long bits = ImageShift.bits(seed, step, idx);
    int dx = maxShift > 0 ? ImageShift.dx(bits, maxShift) : 0;
    int dy = maxShift > 0 ? ImageShift.dy(bits, maxShift) : 0;
    ImageShift.copy(images, idx, out, slot, channels, h, w, dx, dy, fill);
    if (flip && ImageShift.flip(bits)) {
      int base = slot * channels * h * w;
      for (int row = 0; row < channels * h; row++) {
        int a = base + row * w, b = a + w - 1;
        while (a < b) {
          float t = out[a];
          out[a++] = out[b];
          out[b--] = t;
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Augmentation a && maxShift == a.maxShift && flip == a.flip && Arrays.equals(fill, a.fill)
        && seed == a.seed;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seed) * 31 + maxShift * 7 + (flip ? 1 : 0) + Arrays.hashCode(fill);
  }
}
