package org.admm4j.nn.train;

import java.util.Arrays;

/**
 * Random translation of training images (data augmentation): a sample's shift is a hash of (seed,
 * optimizer step, sample index), so it depends neither on the thread count nor on where a run resumed.
 */
final class ImageShift {

  private ImageShift() {}

  /** 64 well-mixed bits for one sample at one step. */
  static long bits(long seed, long step, int sample) {
    return mix(seed ^ mix(step * 0x9E3779B97F4A7C15L + sample));
  }

  /** Horizontal shift in {@code [−max, max]} drawn from {@code bits}. */
  static int dx(long bits, int max) {
    return (int) Long.remainderUnsigned(bits >>> 32, 2L * max + 1) - max;
  }

  /** Vertical shift in {@code [−max, max]} drawn from {@code bits}. */
  static int dy(long bits, int max) {
    return (int) Long.remainderUnsigned(bits & 0xFFFFFFFFL, 2L * max + 1) - max;
  }

  /** Whether to mirror the sample: a bit of the hash that the shifts do not use. */
  static boolean flip(long bits) {
    return (mix(bits) & 1L) != 0;
  }

  /**
   * {@code out[slot][c][y][x] = images[idx][c][y − dy][x − dx]}, or {@code fill} where that pixel lies
   * outside the image.
   */
  static void copy(float[] images, int idx, float[] out, int slot, int channels, int h, int w, int dx, int dy,
      float[] fills) {
    int src = idx * channels * h * w;
    int dst = slot * channels * h * w;
    int x0 = Math.max(0, dx);
    int x1 = Math.min(w, w + dx);
    for (int c = 0; c < channels; c++) {
      float fill = fills[fills.length == 1 ? 0 : c];
      for (int y = 0; y < h; y++) {
        int row = dst + (c * h + y) * w;
        int sy = y - dy;
        if (sy < 0 || sy >= h || x1 <= x0) {
          Arrays.fill(out, row, row + w, fill);
          continue;
        }
        Arrays.fill(out, row, row + x0, fill);
        System.arraycopy(images, src + (c * h + sy) * w + x0 - dx, out, row + x0, x1 - x0);
        Arrays.fill(out, row + x1, row + w, fill);
      }
    }
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
