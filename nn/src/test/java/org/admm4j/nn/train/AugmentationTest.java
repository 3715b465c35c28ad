package org.admm4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static final int C = 3, H = 5, W = 6;

  private static float[] image() {
    float[] x = new float[C * H * W];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  @Test
  void flipsMirrorRowsAboutHalfTheTimeAndLeaveShiftsAlone() {
    float[] x = image();
    Augmentation flipOnly = new Augmentation(0, true, new float[] {0f}, 9);
    int flipped = 0;
    for (long step = 0; step < 200; step++) {
      float[] out = new float[x.length];
      flipOnly.copy(x, 0, step, out, 0, C, H, W);
      boolean same = java.util.Arrays.equals(out, x);
      if (!same) {
        flipped++;
        for (int row = 0; row < C * H; row++) {
          for (int col = 0; col < W; col++) {
            assertEquals(x[row * W + col], out[row * W + W - 1 - col]);
          }
        }
      }
    }
    assertTrue(flipped > 70 && flipped < 130, flipped + " of 200 flipped");

    Augmentation shift = new Augmentation(2, false, new float[] {-1f, -2f, -3f}, 9);
    Augmentation both = new Augmentation(2, true, new float[] {-1f, -2f, -3f}, 9);
    for (long step = 0; step < 50; step++) {
      float[] a = new float[x.length], b = new float[x.length];
      shift.copy(x, 0, step, a, 0, C, H, W);
      both.copy(x, 0, step, b, 0, C, H, W);
      float[] mirrored = a.clone();
      for (int row = 0; row < C * H; row++) {
        for (int col = 0; col < W; col++) {
          mirrored[row * W + col] = a[row * W + W - 1 - col];
        }
      }
      assertTrue(java.util.Arrays.equals(a, b) || java.util.Arrays.equals(mirrored, b), "step " + step);
      // border pixels of each channel carry that channel's fill
      for (int c = 0; c < C; c++) {
        for (int i = c * H * W; i < (c + 1) * H * W; i++) {
          assertTrue(a[i] > 0 || a[i] == -(c + 1), "channel " + c + " value " + a[i]);
        }
      }
    }
  }

  @Test
  void shiftOnlyMatchesTheSingleFillForm() {
    float[] x = image();
    float[] a = new float[x.length], b = new float[x.length];
    Augmentation.shift(2, -0.5f, 3).copy(x, 0, 7, a, 0, C, H, W);
    new Augmentation(2, false, new float[] {-0.5f, -0.5f, -0.5f}, 3).copy(x, 0, 7, b, 0, C, H, W);
    assertArrayEquals(a, b);
  }

  @Test
  void refusesWhatDoesNotFit() {
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false, new float[] {0f}, 1));
    assertThrows(IllegalArgumentException.class, () -> Augmentation.shift(5, 0f, 1).check(C, H, W));
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(1, false, new float[] {0f, 1f}, 1)
        .check(C, H, W));
  }
}
