package org.admm4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageShiftTest {

  @Test
  void copyMatchesAPixelByPixelReference() {
    Random r = new Random(4);
    int channels = 2, h = 7, w = 5;
    float[] images = new float[3 * channels * h * w];
    for (int i = 0; i < images.length; i++) {
      images[i] = r.nextFloat();
    }
    for (int dy = -6; dy <= 6; dy++) {
      for (int dx = -5; dx <= 5; dx++) {
        float[] out = new float[2 * channels * h * w];
        Arrays.fill(out, Float.NaN);
        ImageShift.copy(images, 2, out, 1, channels, h, w, dx, dy, new float[] {-0.5f});
        for (int c = 0; c < channels; c++) {
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              int sy = y - dy, sx = x - dx;
              float want = sy >= 0 && sy < h && sx >= 0 && sx < w ? images[((2 * channels + c) * h + sy) * w + sx] : -0.5f;
              assertEquals(want, out[((channels + c) * h + y) * w + x], "dx " + dx + " dy " + dy);
            }
          }
        }
        for (int i = 0; i < channels * h * w; i++) {
          assertTrue(Float.isNaN(out[i]), "slot 0 must stay untouched");
        }
      }
    }
  }

  @Test
  void shiftsCoverTheRangeEvenlyAndDependOnSeedStepAndSample() {
    int max = 2;
    int[][] hits = new int[5][5];
    for (int sample = 0; sample < 25_000; sample++) {
      long bits = ImageShift.bits(42, 7, sample);
      int dx = ImageShift.dx(bits, max), dy = ImageShift.dy(bits, max);
      assertTrue(Math.abs(dx) <= max && Math.abs(dy) <= max);
      hits[dy + max][dx + max]++;
    }
    for (int[] row : hits) {
      for (int n : row) {
        assertTrue(n > 800 && n < 1200, "25,000 draws over 25 shifts: " + n);
      }
    }
    assertEquals(ImageShift.bits(1, 2, 3), ImageShift.bits(1, 2, 3));
    assertTrue(ImageShift.bits(1, 2, 3) != ImageShift.bits(2, 2, 3));
    assertTrue(ImageShift.bits(1, 2, 3) != ImageShift.bits(1, 3, 3));
    assertTrue(ImageShift.bits(1, 2, 3) != ImageShift.bits(1, 2, 4));
  }
}
