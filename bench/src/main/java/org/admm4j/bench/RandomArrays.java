package org.admm4j.bench;

import java.util.Random;

/** The benchmarks' seeded inputs: uniform floats, and pruned weights at a given density. */
final class RandomArrays {

  private RandomArrays() {}

  /** n floats uniform in [−half, half). */
  static float[] uniform(Random random, int n, float half) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (random.nextFloat() - 0.5f) * (2f * half);
    }
    return x;
  }

  /** n weights, each non-zero with probability {@code density}, then uniform in [−0.5, 0.5). */
  static float[] pruned(Random random, int n, double density) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = random.nextDouble() < density ? random.nextFloat() - 0.5f : 0f;
    }
    return w;
  }
}
