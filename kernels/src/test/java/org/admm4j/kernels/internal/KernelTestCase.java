package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;

/**
 * Base of the kernel tests: both implementation sets side by side, a seeded generator, and the sizes
 * every kernel is run at (0, 1, lane and unroll edges, odd numbers, primes, powers of two ± 2).
 */
public abstract class KernelTestCase {

  /** Sizes around 4-, 8- and 16-lane vectors and their unrolls, odd and prime sizes, and 2^k ± 2. */
  public static final int[] SIZES = {
    0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 127, 128, 129, 255,
    257, 511, 1021, 1024, 1026, 2046, 4098
  };

  protected final Random random = new Random(345);

  /** The plain-Java set: always available. */
  protected static KernelProvider scalar() {
    return KernelProvider.scalar();
  }

  /** The Vector API set; skips the test (with the reason) when this JVM cannot run it. */
  protected static KernelProvider panama() {
    String why = KernelProvider.panamaUnavailableReason();
    assumeTrue(why == null, () -> "Vector API kernels unavailable: " + why);
    return KernelProvider.panama();
  }

  /** Both sets, scalar first. */
  protected static List<KernelProvider> providers() {
    String why = KernelProvider.panamaUnavailableReason();
    return why == null ? List.of(scalar(), KernelProvider.panama()) : List.of(scalar());
  }

  /** Uniform floats in [-1, 1). */
  protected float[] randomFloats(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat() * 2f - 1f;
    }
    return x;
  }

  /** An array of n NaNs: kernels that overwrite their output must leave none. */
  protected static float[] poisoned(int n) {
    float[] x = new float[n];
    java.util.Arrays.fill(x, Float.NaN);
    return x;
  }
}
