package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Element-wise ops of both sets against double references over {@link KernelTestCase#SIZES}, at random
 * offsets, with a sentinel head and tail around the written range that must survive.
 */
class ElementwiseSupportTest extends KernelTestCase {

  private static final float SENTINEL = 12345.5f;
  private static final int TAIL = 7;
  /** Ops whose test ran to its end. */
  private static final Set<String> CHECKED = new HashSet<>();
  /** Test methods of this class that ran (a partial run, e.g. one method, checks only what it ran). */
  private static final Set<String> RAN = new HashSet<>();

  private static Set<String> declaredOps() {
    Set<String> declared = new TreeSet<>();
    for (Method m : ElementwiseSupport.class.getDeclaredMethods()) {
      declared.add(m.getName());
    }
    return declared;
  }

  private static Set<String> testMethods() {
    Set<String> tests = new TreeSet<>();
    for (Method m : ElementwiseSupportTest.class.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Test.class)) {
        tests.add(m.getName());
      }
    }
    return tests;
  }

  /** Every method of the interface has a test named after it: adding an op without one fails here. */
  @Test
  void everyOpHasATest() {
    Set<String> missing = new TreeSet<>(declaredOps());
    missing.removeAll(testMethods());
    assertEquals(Set.of(), missing, "element-wise ops without a test");
  }

  @AfterEach
  void recordRun(TestInfo info) {
    info.getTestMethod().ifPresent(m -> RAN.add(m.getName()));
  }

  /** When every test of the class ran, every op's test reached its end (none returned early). */
  @AfterAll
  static void everyOpChecked() {
    if (RAN.containsAll(testMethods())) {
      assertEquals(declaredOps(), new TreeSet<>(CHECKED), "element-wise ops whose test did not finish");
    }
  }

  /** A fresh array: sentinels, then n random values (a quarter of them exactly 0) from off, then sentinels. */
  private float[] withSentinels(int off, int n) {
    float[] a = new float[off + n + TAIL];
    Arrays.fill(a, SENTINEL);
    for (int i = 0; i < n; i++) {
      a[off + i] = random.nextInt(4) == 0 ? 0f : random.nextFloat() * 2f - 1f;
    }
    return a;
  }

  private static void assertSentinels(float[] a, int off, int n, String what) {
    for (int i = 0; i < a.length; i++) {
      if ((i < off || i >= off + n) && a[i] != SENTINEL) {
        fail(what + ": wrote outside [" + off + ", " + (off + n) + ") at " + i);
      }
    }
  }

  private static void assertRange(double[] want, float[] got, int off, double tol, String what) {
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(want[i] - got[off + i]) <= tol)) {
        fail(what + ": element " + i + " expected " + want[i] + " but was " + got[off + i]);
      }
    }
  }

  @Test
  void relu() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4);
        float[] x = withSentinels(xo, n);
        if (n > 0) {
          x[xo + n / 2] = Float.NaN; // the scalar rule maps NaN to 0; the vector one must too
        }
        float[] y = poisoned(yo + n + TAIL);
        Arrays.fill(y, 0, yo, SENTINEL);
        Arrays.fill(y, yo + n, y.length, SENTINEL);
        p.elementwise().relu(n, x, xo, y, yo);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = x[xo + i] > 0 ? x[xo + i] : 0;
        }
        assertRange(want, y, yo, 0, p.name() + " relu n=" + n);
        assertSentinels(y, yo, n, p.name() + " relu n=" + n);
      }
    }
    CHECKED.add("relu");
  }

  @Test
  void reluBackward() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int yo = random.nextInt(4), go = random.nextInt(4), xo = random.nextInt(4);
        float[] y = withSentinels(yo, n);
        float[] dy = withSentinels(go, n);
        float[] dx = poisoned(xo + n + TAIL);
        Arrays.fill(dx, 0, xo, SENTINEL);
        Arrays.fill(dx, xo + n, dx.length, SENTINEL);
        p.elementwise().reluBackward(n, y, yo, dy, go, dx, xo);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = y[yo + i] > 0 ? dy[go + i] : 0;
        }
        assertRange(want, dx, xo, 0, p.name() + " reluBackward n=" + n);
        assertSentinels(dx, xo, n, p.name() + " reluBackward n=" + n);
      }
    }
    CHECKED.add("reluBackward");
  }

  @Test
  void addRowBias() {
    for (KernelProvider p : providers()) {
      for (int cols : SIZES) {
        int rows = 3, yo = random.nextInt(4);
        float[] bias = randomFloats(cols);
        float[] y = withSentinels(yo, rows * cols);
        double[] want = new double[rows * cols];
        for (int i = 0; i < want.length; i++) {
          want[i] = (double) y[yo + i] + bias[i % Math.max(cols, 1)];
        }
        p.elementwise().addRowBias(rows, cols, bias, y, yo);
        assertRange(want, y, yo, 1e-6, p.name() + " addRowBias cols=" + cols);
        assertSentinels(y, yo, rows * cols, p.name() + " addRowBias cols=" + cols);
      }
    }
    CHECKED.add("addRowBias");
  }

  @Test
  void addChannelBias() {
    for (KernelProvider p : providers()) {
      for (int spatial : SIZES) {
        int channels = 3, yo = random.nextInt(4);
        float[] bias = randomFloats(channels);
        float[] y = withSentinels(yo, channels * spatial);
        double[] want = new double[channels * spatial];
        for (int i = 0; i < want.length; i++) {
          want[i] = (double) y[yo + i] + bias[i / spatial];
        }
        p.elementwise().addChannelBias(channels, spatial, bias, y, yo);
        assertRange(want, y, yo, 1e-6, p.name() + " addChannelBias spatial=" + spatial);
        assertSentinels(y, yo, channels * spatial, p.name() + " addChannelBias spatial=" + spatial);
      }
    }
    CHECKED.add("addChannelBias");
  }

  @Test
  void accumulateChannelSums() {
    for (KernelProvider p : providers()) {
      for (int spatial : SIZES) {
        int channels = 3, off = random.nextInt(4);
        float[] dy = withSentinels(off, channels * spatial);
        float[] db = randomFloats(channels);
        double[] want = new double[channels];
        for (int c = 0; c < channels; c++) {
          want[c] = db[c];
          for (int s = 0; s < spatial; s++) {
            want[c] += dy[off + c * spatial + s];
          }
        }
        p.elementwise().accumulateChannelSums(channels, spatial, dy, off, db);
        assertRange(want, db, 0, 1e-6 * (spatial + 1), p.name() + " accumulateChannelSums spatial=" + spatial);
      }
    }
    CHECKED.add("accumulateChannelSums");
  }

  @Test
  void axpy() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4);
        float alpha = random.nextFloat() * 4f - 2f;
        float[] x = withSentinels(xo, n);
        float[] y = withSentinels(yo, n);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = y[yo + i] + (double) alpha * x[xo + i];
        }
        p.elementwise().axpy(n, alpha, x, xo, y, yo);
        assertRange(want, y, yo, 1e-6, p.name() + " axpy n=" + n);
        assertSentinels(y, yo, n, p.name() + " axpy n=" + n);
      }
    }
    CHECKED.add("axpy");
  }

  @Test
  void scale() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4);
        float alpha = random.nextFloat() * 4f - 2f;
        float[] x = withSentinels(xo, n);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = (double) alpha * x[xo + i];
        }
        p.elementwise().scale(n, alpha, x, xo);
        assertRange(want, x, xo, 1e-6, p.name() + " scale n=" + n);
        assertSentinels(x, xo, n, p.name() + " scale n=" + n);
      }
    }
    CHECKED.add("scale");
  }

  @Test
  void dot() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4);
        float[] x = withSentinels(xo, n);
        float[] y = withSentinels(yo, n);
        double want = 0;
        for (int i = 0; i < n; i++) {
          want += (double) x[xo + i] * y[yo + i];
        }
        assertEquals(want, p.elementwise().dot(n, x, xo, y, yo), 1e-5 * (n + 1), p.name() + " dot n=" + n);
      }
    }
    CHECKED.add("dot");
  }

  @Test
  void sumOfSquares() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4);
        float[] x = withSentinels(xo, n);
        double want = 0;
        for (int i = 0; i < n; i++) {
          want += (double) x[xo + i] * x[xo + i];
        }
        assertEquals(want, p.elementwise().sumOfSquares(n, x, xo), 1e-5 * (n + 1),
            p.name() + " sumOfSquares n=" + n);
      }
    }
    CHECKED.add("sumOfSquares");
  }

  @Test
  void sumOfSquaredDeviations() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4);
        float[] x = withSentinels(xo, n);
        float mean = random.nextFloat() - 0.5f;
        double want = 0;
        for (int i = 0; i < n; i++) {
          double d = (double) x[xo + i] - mean;
          want += d * d;
        }
        assertEquals(want, p.elementwise().sumOfSquaredDeviations(n, x, xo, mean), 1e-5 * (n + 1),
            p.name() + " sumOfSquaredDeviations n=" + n);
      }
    }
    CHECKED.add("sumOfSquaredDeviations");
  }

  @Test
  void dotDeviations() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4);
        float[] dy = withSentinels(yo, n);
        float[] x = withSentinels(xo, n);
        float mean = random.nextFloat() - 0.5f;
        double want = 0;
        for (int i = 0; i < n; i++) {
          want += (double) dy[yo + i] * ((double) x[xo + i] - mean);
        }
        assertEquals(want, p.elementwise().dotDeviations(n, dy, yo, x, xo, mean), 1e-5 * (n + 1),
            p.name() + " dotDeviations n=" + n);
      }
    }
    CHECKED.add("dotDeviations");
  }

  /** Output poisoned with NaN inside the range, sentinels around it. */
  private float[] poisonedWithSentinels(int off, int n) {
    float[] a = new float[off + n + TAIL];
    Arrays.fill(a, SENTINEL);
    Arrays.fill(a, off, off + n, Float.NaN);
    return a;
  }

  @Test
  void affine() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4);
        float scale = random.nextFloat() * 4f - 2f, shift = random.nextFloat() - 0.5f;
        float[] x = withSentinels(xo, n);
        float[] y = poisonedWithSentinels(yo, n);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = (double) scale * x[xo + i] + shift;
        }
        p.elementwise().affine(n, scale, shift, x, xo, y, yo);
        assertRange(want, y, yo, 1e-6, p.name() + " affine n=" + n);
        assertSentinels(y, yo, n, p.name() + " affine n=" + n);
        // in place
        p.elementwise().affine(n, scale, shift, x, xo, x, xo);
        assertRange(want, x, xo, 1e-6, p.name() + " affine in place n=" + n);
      }
    }
    CHECKED.add("affine");
  }

  @Test
  void affineGradient() {
    for (KernelProvider p : providers()) {
      for (int n : SIZES) {
        int xo = random.nextInt(4), yo = random.nextInt(4), go = random.nextInt(4);
        float a = random.nextFloat() * 4f - 2f, b = random.nextFloat() - 0.5f, c = random.nextFloat() - 0.5f;
        float[] dy = withSentinels(yo, n);
        float[] x = withSentinels(xo, n);
        float[] dx = poisonedWithSentinels(go, n);
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = (double) a * dy[yo + i] + (double) b * x[xo + i] + c;
        }
        p.elementwise().affineGradient(n, a, dy, yo, b, x, xo, c, dx, go);
        assertRange(want, dx, go, 1e-5, p.name() + " affineGradient n=" + n);
        assertSentinels(dx, go, n, p.name() + " affineGradient n=" + n);
        p.elementwise().affineGradient(n, a, dy, yo, b, x, xo, c, dy, yo);
        assertRange(want, dy, yo, 1e-5, p.name() + " affineGradient in place n=" + n);
      }
    }
    CHECKED.add("affineGradient");
  }
}
