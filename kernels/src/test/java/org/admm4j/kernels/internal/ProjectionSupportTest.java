package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Top-k projection and the fused ADMM step, both implementations, against {@link TopKReference}. */
class ProjectionSupportTest extends KernelTestCase {

  /** Beyond {@link #SIZES}: several chunks, and a size above the facade's parallel threshold. */
  private static final int[] LARGE_SIZES = {
    MagnitudeRadixSelect.CHUNK - 1, MagnitudeRadixSelect.CHUNK + 1, 2 * MagnitudeRadixSelect.CHUNK + 4099
  };

  private static final float SENTINEL = 12345.5f;

  private static ForkJoinPool[] pools;

  @BeforeAll
  static void startPools() {
    pools = new ForkJoinPool[] {new ForkJoinPool(1), new ForkJoinPool(2), new ForkJoinPool(3)};
  }

  @AfterAll
  static void stopPools() {
    for (ForkJoinPool pool : pools) {
      pool.shutdownNow();
    }
  }

  /** A named implementation under test. */
  private record Impl(String name, ProjectionSupport support) {}

  /**
   * Both providers' implementations, and each forced onto one way of resolving the last two digits:
   * always from collected candidates (shift 0), always by more passes over the input (shift 31).
   */
  private static List<Impl> impls() {
    List<Impl> impls = new ArrayList<>();
    for (KernelProvider p : providers()) {
      impls.add(new Impl(p.name(), p.projection()));
    }
    impls.add(new Impl("scalar/collect", new ScalarProjectionSupport(0)));
    impls.add(new Impl("scalar/passes", new ScalarProjectionSupport(31)));
    if (KernelProvider.panamaUnavailableReason() == null) {
      impls.add(new Impl("panama/collect", new PanamaProjectionSupport(0)));
      impls.add(new Impl("panama/passes", new PanamaProjectionSupport(31)));
    }
    return impls;
  }

  /** k = 0, 1, n/100, n/2, n − 1, n (those in range, once each). */
  private static int[] ks(int n) {
    Set<Integer> ks = new LinkedHashSet<>();
    for (int k : new int[] {0, 1, n / 100, n / 2, n - 1, n}) {
      if (k >= 0 && k <= n) {
        ks.add(k);
      }
    }
    return ks.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Runs top-k of {@code w[wOff .. wOff + n)} into a NaN-poisoned output at another offset, with sentinels
   * after it, and checks output bits, threshold, sentinels and that w is unchanged.
   */
  private void checkTopK(ProjectionSupport impl, String name, int n, int k, float[] w, int wOff,
      ForkJoinPool pool) {
    checkTopK(impl, name, n, k, w, wOff, pool, TopKReference.of(n, k, w, wOff));
  }

  private void checkTopK(ProjectionSupport impl, String name, int n, int k, float[] w, int wOff,
      ForkJoinPool pool, TopKReference expected) {
    float[] before = w.clone();
    int outOff = 5;
    float[] out = poisoned(outOff + n + 3);
    Arrays.fill(out, 0, outOff, SENTINEL);
    Arrays.fill(out, outOff + n, out.length, SENTINEL);
    String what = name + " n=" + n + " k=" + k + (pool == null ? "" : " pool=" + pool.getParallelism());
    float threshold = impl.topK(n, k, w, wOff, out, outOff, pool);
    assertEquals(expected.threshold, threshold, what + ": threshold");
    assertBitsEqual(expected.out, 0, out, outOff, n, what);
    for (int i = 0; i < outOff; i++) {
      assertEquals(SENTINEL, out[i], what + ": written before the output");
    }
    for (int i = outOff + n; i < out.length; i++) {
      assertEquals(SENTINEL, out[i], what + ": written past the output");
    }
    assertTrue(Arrays.equals(before, w), what + ": input modified");

    // in place: out == w, same offset
    float[] inPlace = w.clone();
    assertEquals(expected.threshold, impl.topK(n, k, inPlace, wOff, inPlace, wOff, pool), what + " in place");
    assertBitsEqual(expected.out, 0, inPlace, wOff, n, what + " in place");
  }

  private static void assertBitsEqual(float[] expected, int eOff, float[] actual, int aOff, int n, String what) {
    for (int i = 0; i < n; i++) {
      int e = Float.floatToRawIntBits(expected[eOff + i]);
      int a = Float.floatToRawIntBits(actual[aOff + i]);
      if (e != a) {
        throw new AssertionError(what + ": at " + i + " expected " + expected[eOff + i] + " but was "
            + actual[aOff + i]);
      }
    }
  }

  /** w at offset 3 of a larger array, the rest random. */
  private float[] withOffset(float[] values) {
    float[] w = randomFloats(values.length + 7);
    System.arraycopy(values, 0, w, 3, values.length);
    return w;
  }

  private void checkAllK(float[] values, String kind) {
    int n = values.length;
    float[] w = withOffset(values);
    List<Impl> impls = impls();
    for (int k : ks(n)) {
      TopKReference expected = TopKReference.of(n, k, w, 3);
      for (Impl impl : impls) {
        checkTopK(impl.support(), impl.name() + " " + kind, n, k, w, 3, null, expected);
      }
    }
  }

  @Test
  void matchesSortOnRandomInputs() {
    for (int n : SIZES) {
      checkAllK(randomFloats(n), "random");
    }
    for (int n : LARGE_SIZES) {
      checkAllK(gaussians(n, 0.05f), "gaussian");
    }
  }

  private float[] gaussians(int n, float scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian() * scale;
    }
    return x;
  }

  @Test
  void exactZerosCountAsSmallest() {
    for (int n : new int[] {1, 17, 64, 1021, 4098, MagnitudeRadixSelect.CHUNK + 1}) {
      float[] x = randomFloats(n);
      for (int i = 0; i < n; i++) {
        if (random.nextInt(3) == 0) {
          x[i] = random.nextBoolean() ? 0f : -0f;
        }
      }
      checkAllK(x, "zeros");
      // exactly k kept: with k ≤ the number of non-zeros, exactly k non-zeros survive
      int nonZero = 0;
      for (float v : x) {
        nonZero += v != 0 ? 1 : 0;
      }
      for (Impl impl : impls()) {
        float[] out = poisoned(n);
        impl.support().topK(n, nonZero / 2, x, 0, out, 0, null);
        int kept = 0;
        for (float v : out) {
          kept += v != 0 ? 1 : 0;
        }
        assertEquals(nonZero / 2, kept, impl.name() + " n=" + n + ": non-zeros kept");
      }
    }
  }

  @Test
  void tiesGoToLowerIndices() {
    float[] levels = {0.5f, 0.25f, 1f, 0.125f};
    for (int n : new int[] {2, 9, 33, 255, 1026, 4098, 2 * MagnitudeRadixSelect.CHUNK + 5}) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        float v = levels[random.nextInt(levels.length)];
        x[i] = random.nextBoolean() ? v : -v; // ±x pairs have equal magnitudes
      }
      checkAllK(x, "ties");
      float[] equal = new float[n];
      Arrays.fill(equal, -0.75f);
      checkAllK(equal, "all equal");
    }
  }

  @Test
  void allEqualKeepsTheFirstK() {
    int n = 1000;
    float[] x = new float[n];
    Arrays.fill(x, 3f);
    for (Impl impl : impls()) {
      float[] out = poisoned(n);
      assertEquals(3f, impl.support().topK(n, 10, x, 0, out, 0, null));
      for (int i = 0; i < n; i++) {
        assertEquals(i < 10 ? 3f : 0f, out[i], impl.name() + " at " + i);
      }
    }
  }

  @Test
  void specialValues() {
    float[] specials = {
      0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, -Float.MIN_NORMAL / 3, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 3 * Float.MIN_VALUE
    };
    for (int n : new int[] {1, 7, 13, 64, 129, 1021, 4098}) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = random.nextInt(4) == 0 ? random.nextFloat() : specials[random.nextInt(specials.length)];
      }
      checkAllK(x, "specials");
    }
    // nothing but subnormals and zeros: every key lies in the lowest top-level bucket
    float[] tiny = new float[1000];
    for (int i = 0; i < tiny.length; i++) {
      tiny[i] = Float.intBitsToFloat(random.nextInt(1 << 12)) * (random.nextBoolean() ? 1 : -1);
    }
    checkAllK(tiny, "subnormals");
  }

  @Test
  void nanIsAnErrorNamingItsIndex() {
    for (KernelProvider p : providers()) {
      for (int n : new int[] {1, 17, 4098, MagnitudeRadixSelect.CHUNK + 100}) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          float[] w = withOffset(randomFloats(n));
          w[3 + at] = random.nextBoolean() ? Float.NaN : Float.intBitsToFloat(0xffc00001);
          float[] before = w.clone();
          for (int k : new int[] {0, 1, n}) {
            for (ForkJoinPool pool : new ForkJoinPool[] {null, pools[1]}) {
              IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                  () -> p.projection().topK(n, k, w, 3, w, 3, pool));
              assertTrue(e.getMessage().contains("index " + at + " "), e.getMessage());
              assertTrue(Arrays.equals(before, w), "the input must be left as it was");
            }
          }
        }
      }
    }
  }

  @Test
  void nanInWPlusUIsAnError() {
    for (KernelProvider p : providers()) {
      int n = 100;
      float[] w = randomFloats(n);
      float[] u = randomFloats(n);
      u[42] = Float.NaN;
      float[] z = randomFloats(n);
      float[] zBefore = z.clone();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> p.projection().admmUpdate(n, 10, w, z, u, new float[n], new double[3], null));
      assertTrue(e.getMessage().contains("index 42 "), e.getMessage());
      assertTrue(Arrays.equals(zBefore, z), "Z must be left as it was");
    }
  }

  @Test
  void admmUpdateMatchesReference() {
    int[] sizes = Arrays.copyOf(SIZES, SIZES.length + 1);
    sizes[SIZES.length] = MagnitudeRadixSelect.CHUNK + 77;
    List<Impl> impls = impls();
    for (int n : sizes) {
      for (int k : ks(n)) {
        for (Impl impl : n > 4098 ? impls.subList(0, providers().size()) : impls) {
          checkAdmm(impl, n, k, null);
        }
      }
    }
  }

  private double[] checkAdmm(Impl impl, int n, int k, ForkJoinPool pool) {
    float[] w = gaussians(n, 0.1f);
    float[] u = gaussians(n, 0.01f);
    float[] z = gaussians(n, 0.1f);
    for (int i = 0; i < n; i += 7) {
      z[i] = 0; // Z_prev is sparse too
    }
    TopKReference.Admm expected = new TopKReference.Admm(n, k, w, z, u);
    float[] wBefore = w.clone();
    float[] scratch = poisoned(n);
    double[] stats = new double[3];
    Arrays.fill(stats, Double.NaN);
    String what = impl.name() + " admm n=" + n + " k=" + k;
    impl.support().admmUpdate(n, k, w, z, u, scratch, stats, pool);
    assertBitsEqual(expected.z, 0, z, 0, n, what + " Z");
    assertBitsEqual(expected.u, 0, u, 0, n, what + " U");
    assertTrue(Arrays.equals(wBefore, w), what + ": W modified");
    assertEquals(expected.threshold, (float) stats[0], what + " threshold");
    assertEquals(expected.primal, stats[1], 1e-5 * expected.primal + 1e-30, what + " ‖W − Z‖²");
    assertEquals(expected.change, stats[2], 1e-5 * expected.change + 1e-30, what + " ‖Z − Z_prev‖²");
    return stats;
  }

  @Test
  void parallelEqualsSequential() {
    int max = 1 << 20;
    List<Impl> impls = impls();
    for (int which = 0; which < impls.size(); which++) {
      ProjectionSupport impl = impls.get(which).support();
      String name = impls.get(which).name();
      int n = max - random.nextInt(max / 4); // in [¾ max, max]
      float[] w = gaussians(n, 1f);
      int above = 0;
      int ties = 0;
      for (int i = 0; i < n; i++) {
        if (i % 5 == 0) {
          w[i] = i % 10 == 0 ? 0.5f : -0.5f; // ties spread over every chunk
          ties++;
        } else if (Math.abs(w[i]) > 0.5f) {
          above++;
        }
      }
      // every other implementation: half the ties kept, so the cut falls inside the array
      int k = which % 2 == 0 ? n / 100 : above + ties / 2;
      float[] sequential = poisoned(n);
      float threshold = impl.topK(n, k, w, 0, sequential, 0, null);
      for (ForkJoinPool pool : pools) {
        float[] parallel = poisoned(n);
        assertEquals(threshold, impl.topK(n, k, w, 0, parallel, 0, pool));
        assertBitsEqual(sequential, 0, parallel, 0, n, name + " pool " + pool.getParallelism());
      }

      float[] u = gaussians(n, 0.1f);
      float[] z0 = gaussians(n, 1f);
      float[] zSeq = z0.clone();
      float[] uSeq = u.clone();
      double[] statsSeq = new double[3];
      impl.admmUpdate(n, k, w, zSeq, uSeq, new float[n], statsSeq, null);
      for (ForkJoinPool pool : pools) {
        float[] zPar = z0.clone();
        float[] uPar = u.clone();
        double[] statsPar = new double[3];
        impl.admmUpdate(n, k, w, zPar, uPar, new float[n], statsPar, pool);
        String what = name + " admm pool " + pool.getParallelism();
        assertBitsEqual(zSeq, 0, zPar, 0, n, what + " Z");
        assertBitsEqual(uSeq, 0, uPar, 0, n, what + " U");
        assertTrue(Arrays.equals(statsSeq, statsPar), what + ": stats " + Arrays.toString(statsSeq)
            + " vs " + Arrays.toString(statsPar));
      }
    }
    // and the parallel answer is the right one
    for (KernelProvider p : providers()) {
      int n = max / 2 + 3;
      checkTopK(p.projection(), p.name() + " parallel", n, max / 8, gaussians(n, 1f), 0, pools[2]);
      checkAdmm(new Impl(p.name(), p.projection()), n, max / 8, pools[1]);
    }
    // ties at the threshold in every chunk; 90% of them kept, so the cut falls in the second chunk
    int m = MagnitudeRadixSelect.CHUNK * 3 / 2 + 7;
    float[] w = gaussians(m, 1f);
    int kept = 0;
    int ties = 0;
    for (int i = 0; i < m; i++) {
      if (i % 3 == 0) {
        w[i] = -1f;
        ties++;
      } else if (Math.abs(w[i]) > 1f) {
        kept++;
      }
    }
    int k = kept + ties * 9 / 10;
    TopKReference expected = TopKReference.of(m, k, w, 0);
    for (Impl impl : impls) {
      checkTopK(impl.support(), impl.name() + " parallel ties", m, k, w, 0, pools[1], expected);
    }
  }

  @Test
  void bothImplementationsRan() {
    // a missing --add-modules would turn every Panama comparison above into a quiet skip
    assertEquals(2, providers().size());
  }
}
