package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.ConvShape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConvolutionSupportTest extends KernelTestCase {

  private static ForkJoinPool pool1;
  private static ForkJoinPool pool2;
  private static ForkJoinPool pool3;

  @BeforeAll
  static void pools() {
    pool1 = new ForkJoinPool(1);
    pool2 = new ForkJoinPool(2);
    pool3 = new ForkJoinPool(3);
  }

  @AfterAll
  static void shutdown() {
    pool1.shutdown();
    pool2.shutdown();
    pool3.shutdown();
  }

  /** Odd and prime sizes, kernels 1/3/5, stride 1/2, padding 0/1/2, and LeNet-5's layers at a small batch. */
  static List<ConvShape> shapes() {
    List<ConvShape> list = new ArrayList<>();
    list.add(new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 0));
    list.add(new ConvShape(2, 3, 7, 5, 4, 1, 1, 1, 0));
    list.add(new ConvShape(3, 3, 11, 13, 5, 3, 3, 1, 1));
    list.add(new ConvShape(1, 1, 13, 7, 3, 3, 3, 2, 1));
    list.add(new ConvShape(2, 20, 7, 11, 3, 5, 5, 1, 2));
    list.add(new ConvShape(1, 3, 17, 19, 2, 5, 5, 2, 2));
    list.add(new ConvShape(2, 1, 9, 9, 6, 5, 5, 2, 0));
    list.add(new ConvShape(1, 2, 3, 3, 2, 3, 3, 1, 2));
    list.add(new ConvShape(3, 3, 5, 7, 20, 3, 3, 2, 0));
    // stride 1, no padding, rows of 16+ outputs: the Panama direct kernel (oc blocks of 4 and a tail)
    list.add(new ConvShape(2, 1, 19, 23, 6, 3, 3, 1, 0));
    list.add(new ConvShape(2, 1, 28, 28, 20, 5, 5, 1, 0));
    list.add(new ConvShape(2, 20, 12, 12, 50, 5, 5, 1, 0));
    // more samples than one chunk of the Panama chunked im2col path (8 + 3 for conv2; 2 + 2 + 1)
    list.add(new ConvShape(11, 20, 12, 12, 50, 5, 5, 1, 0));
    list.add(new ConvShape(5, 9, 40, 37, 3, 5, 5, 1, 0));
    // 3×3, stride 1, padding 1 (and a 5×5 with padding 2) over several chunks: the zero-bordered chunk copy
    list.add(new ConvShape(5, 37, 29, 27, 7, 3, 3, 1, 1));
    list.add(new ConvShape(3, 17, 23, 31, 5, 5, 5, 1, 2));
    list.add(new ConvShape(9, 16, 21, 19, 4, 3, 3, 1, 1));
    // one sample, padded: the chunked path at batch 1 (inference)
    list.add(new ConvShape(1, 5, 17, 18, 6, 3, 3, 1, 1));
    return list;
  }

  /** The shapes above that reach the chunked path include a full and a partial last chunk. */
  @Test
  void chunkedPathIsCovered() {
    ConvShape conv2 = new ConvShape(11, 20, 12, 12, 50, 5, 5, 1, 0);
    assertTrue(PanamaConvolutionSupport.chunkedIm2col(conv2), "conv2 at batch 11 takes the chunked path");
    assertTrue(conv2.batch() % PanamaConvolutionSupport.chunkSamples(conv2) != 0, "a partial last chunk");
    ConvShape wide = new ConvShape(5, 9, 40, 37, 3, 5, 5, 1, 0);
    assertTrue(PanamaConvolutionSupport.chunkedIm2col(wide), "9-channel 40×37 input takes the chunked path");
    assertTrue(wide.batch() / PanamaConvolutionSupport.chunkSamples(wide) >= 2, "three chunks or more");
    for (ConvShape padded : new ConvShape[] {new ConvShape(5, 37, 29, 27, 7, 3, 3, 1, 1),
        new ConvShape(3, 17, 23, 31, 5, 5, 5, 1, 2)}) {
      assertTrue(PanamaConvolutionSupport.chunkedIm2col(padded), "padded stride 1 takes the chunked path");
      assertTrue(padded.batch() / PanamaConvolutionSupport.chunkSamples(padded) >= 2, "two chunks or more");
    }
    ConvShape small = new ConvShape(9, 16, 21, 19, 4, 3, 3, 1, 1);
    assertTrue(PanamaConvolutionSupport.chunkedIm2col(small), "padded 21×19 takes the chunked path");
    assertTrue(PanamaConvolutionSupport.reusesChunk(small) && PanamaConvolutionSupport.chunkSamples(small) == 1,
        "padded shapes run one sample a chunk in one reused buffer");
    assertTrue(PanamaConvolutionSupport.dataByForward(small), "and their input gradient as a forward");
    assertFalse(PanamaConvolutionSupport.chunkedIm2col(new ConvShape(2, 20, 12, 12, 50, 5, 5, 1, 0)),
        "a batch of one chunk stays on the whole-batch path");
  }

  @Test
  void forwardMatchesDirectReference() {
    for (KernelProvider provider : providers()) {
      for (ConvShape s : shapes()) {
        for (boolean withBias : new boolean[] {true, false}) {
          float[] x = randomFloats(s.inputSize());
          float[] w = randomFloats(s.weightSize());
          float[] bias = withBias ? randomFloats(s.outChannels()) : null;
          float[] y = poisoned(s.outputSize());
          float[] ws = poisoned(provider.convolution().workspaceSize(s));
          provider.convolution().forward(s, x, w, bias, y, ws, null);
          double[] want = ConvReference.forward(s, ConvReference.toDouble(x), ConvReference.toDouble(w),
              bias == null ? null : ConvReference.toDouble(bias));
          assertClose(want, y, Im2col.patchSize(s), provider.name() + " forward " + s);
        }
      }
    }
  }

  /** The Panama direct kernels on their own, also where the default rule would pick im2col (K = 75). */
  @Test
  void directKernelsMatchReference() {
    PanamaConvolutionSupport conv = (PanamaConvolutionSupport) panama().convolution();
    int lanes = PanamaConstants.FLOATS.length();
    ConvShape[] cases = {
      new ConvShape(2, 3, lanes + 6, lanes + 4, 7, 5, 5, 1, 0),
      new ConvShape(1, 2, 5, lanes + 2, 4, 3, 3, 1, 0),
      new ConvShape(3, 1, 4, lanes, 1, 1, 1, 1, 0),
      new ConvShape(2, 2, 3, lanes + 1, 5, 3, 1, 1, 0),
      new ConvShape(2, 1, 28, 28, 20, 5, 5, 1, 0),
    };
    for (ConvShape s : cases) {
      float[] x = randomFloats(s.inputSize());
      float[] w = randomFloats(s.weightSize());
      float[] bias = randomFloats(s.outChannels());
      float[] y = poisoned(s.outputSize());
      conv.forwardDirect(s, x, w, bias, y, null);
      double[] want = ConvReference.forward(s, ConvReference.toDouble(x), ConvReference.toDouble(w),
          ConvReference.toDouble(bias));
      assertClose(want, y, Im2col.patchSize(s), "direct forward " + s);

      float[] dy = randomFloats(s.outputSize());
      float[] dw = poisoned(s.weightSize());
      float[] db = poisoned(s.outChannels());
      conv.backwardWeightsDirect(s, x, dy, dw, db, poisoned(conv.workspaceSize(s)), null);
      double[] g = ConvReference.backwardWeights(s, ConvReference.toDouble(x), ConvReference.toDouble(dy));
      int terms = s.batch() * s.outHeight() * s.outWidth();
      assertClose(java.util.Arrays.copyOf(g, s.weightSize()), dw, terms, "direct backwardWeights dw " + s);
      assertClose(java.util.Arrays.copyOfRange(g, s.weightSize(), g.length), db, terms,
          "direct backwardWeights dbias " + s);

      float[] dx = poisoned(s.inputSize());
      conv.backwardDataDirect(s, dy, w, dx, poisoned(conv.workspaceSize(s)), null);
      assertClose(ConvReference.backwardData(s, ConvReference.toDouble(dy), ConvReference.toDouble(w)), dx,
          s.outChannels() * s.kernelHeight() * s.kernelWidth(), "direct backwardData " + s);
    }
    assertTrue(PanamaConvolutionSupport.useDirect(new ConvShape(64, 1, 28, 28, 20, 5, 5, 1, 0))
        || lanes > 24, "LeNet-5 conv1 should take the direct kernel");
    assertFalse(PanamaConvolutionSupport.useDirect(new ConvShape(64, 20, 12, 12, 50, 5, 5, 1, 0)));
  }

  @Test
  void backwardDataMatchesDirectReference() {
    for (KernelProvider provider : providers()) {
      for (ConvShape s : shapes()) {
        float[] dy = randomFloats(s.outputSize());
        float[] w = randomFloats(s.weightSize());
        float[] dx = poisoned(s.inputSize());
        float[] ws = poisoned(provider.convolution().workspaceSize(s));
        provider.convolution().backwardData(s, dy, w, dx, ws, null);
        double[] want = ConvReference.backwardData(s, ConvReference.toDouble(dy), ConvReference.toDouble(w));
        assertClose(want, dx, s.outChannels() * s.kernelHeight() * s.kernelWidth(),
            provider.name() + " backwardData " + s);
      }
    }
  }

  @Test
  void backwardWeightsMatchesDirectReference() {
    for (KernelProvider provider : providers()) {
      for (ConvShape s : shapes()) {
        for (boolean withBias : new boolean[] {true, false}) {
          float[] x = randomFloats(s.inputSize());
          float[] dy = randomFloats(s.outputSize());
          float[] dw = poisoned(s.weightSize());
          float[] db = withBias ? poisoned(s.outChannels()) : null;
          float[] ws = poisoned(provider.convolution().workspaceSize(s));
          provider.convolution().backwardWeights(s, x, dy, dw, db, ws, null);
          double[] want = ConvReference.backwardWeights(s, ConvReference.toDouble(x), ConvReference.toDouble(dy));
          int terms = s.batch() * s.outHeight() * s.outWidth();
          assertClose(java.util.Arrays.copyOf(want, s.weightSize()), dw, terms,
              provider.name() + " backwardWeights dw " + s);
          if (withBias) {
            assertClose(java.util.Arrays.copyOfRange(want, s.weightSize(), want.length), db, terms,
                provider.name() + " backwardWeights dbias " + s);
          }
        }
      }
    }
  }

  /**
   * The Vector API im2col (a gather per vector for stride 1 without padding) writes the same bits as the
   * plain copies, for whole batches and sample ranges; planes shorter than, equal to and longer than a
   * vector, with and without a tail; everything outside the range stays poisoned.
   */
  @Test
  void gatheredIm2colMatchesCopies() {
    PanamaConvolutionSupport conv = (PanamaConvolutionSupport) panama().convolution();
    int lanes = PanamaConstants.FLOATS.length();
    ConvShape[] cases = {
      new ConvShape(3, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(2, 3, 7, 9, 4, 3, 3, 1, 0),
      new ConvShape(3, 2, lanes + 2, 3, 2, 3, 3, 1, 0),
      new ConvShape(2, 1, 5, 5, 1, 2, 2, 1, 0),
      new ConvShape(2, 2, 9, 11, 3, 3, 3, 2, 1),
      new ConvShape(4, 2, 17, 13, 3, 5, 5, 1, 0),
    };
    for (ConvShape s : cases) {
      float[] x = randomFloats(s.inputSize());
      int n = Im2col.patchSize(s) * Im2col.columns(s);
      for (int[] range : new int[][] {{0, s.batch()}, {1, s.batch()}, {0, 1}}) {
        float[] want = poisoned(n);
        Im2col.im2col(s, x, want, range[0], range[1]);
        float[] got = poisoned(n);
        conv.im2col(s, x, got, range[0], range[1]);
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
              "im2col element " + i + " of samples " + range[0] + ".." + range[1] + ", " + s);
        }
      }
    }
  }

  /**
   * backwardWeightsAfterForward on the workspace forward left behind: the same bits as backwardWeights on a
   * fresh (NaN-poisoned) workspace, with and without bias, sequential and on pools of 2 and 3 workers.
   */
  @Test
  void backwardWeightsAfterForwardGivesSameBits() {
    for (KernelProvider provider : providers()) {
      ConvolutionSupport conv = provider.convolution();
      for (ConvShape s : shapes()) {
        for (boolean withBias : new boolean[] {true, false}) {
          for (ForkJoinPool pool : new ForkJoinPool[] {null, pool2, pool3}) {
            float[] x = randomFloats(s.inputSize());
            float[] w = randomFloats(s.weightSize());
            float[] dy = randomFloats(s.outputSize());
            float[] dw = poisoned(s.weightSize());
            float[] db = withBias ? poisoned(s.outChannels()) : null;
            conv.backwardWeights(s, x, dy, dw, db, poisoned(conv.workspaceSize(s)), pool);
            float[] ws = poisoned(conv.workspaceSize(s));
            conv.forward(s, x, w, randomFloats(s.outChannels()), poisoned(s.outputSize()), ws, pool);
            float[] dw2 = poisoned(s.weightSize());
            float[] db2 = withBias ? poisoned(s.outChannels()) : null;
            conv.backwardWeightsAfterForward(s, x, dy, dw2, db2, ws, pool);
            String what = provider.name() + " backwardWeightsAfterForward " + s + " pool "
                + (pool == null ? 0 : pool.getParallelism());
            assertArrayEquals(dw, dw2, what + " dw");
            if (withBias) {
              assertArrayEquals(db, db2, what + " dbias");
            }
          }
        }
      }
    }
  }

  /**
   * Gradients of L = Σ g·conv(x, w, b) against central differences of L, computed in double precision on
   * the reference forward: checks each implementation's backward passes are the forward's adjoint.
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    ConvShape[] cases = {
      new ConvShape(2, 2, 5, 6, 3, 3, 3, 1, 1),
      new ConvShape(1, 3, 7, 5, 2, 3, 2, 2, 2),
    };
    double h = 1e-3;
    for (KernelProvider provider : providers()) {
      for (ConvShape s : cases) {
        float[] x = randomFloats(s.inputSize());
        float[] w = randomFloats(s.weightSize());
        float[] b = randomFloats(s.outChannels());
        float[] g = randomFloats(s.outputSize());
        double[] xd = ConvReference.toDouble(x), wd = ConvReference.toDouble(w), bd = ConvReference.toDouble(b);
        double[] gd = ConvReference.toDouble(g);
        float[] ws = poisoned(provider.convolution().workspaceSize(s));
        float[] dx = poisoned(s.inputSize());
        float[] dw = poisoned(s.weightSize());
        float[] db = poisoned(s.outChannels());
        provider.convolution().backwardData(s, g, w, dx, ws, null);
        provider.convolution().backwardWeights(s, x, g, dw, db, ws, null);
        for (double[][] param : new double[][][] {{xd, ConvReference.toDouble(dx)}, {wd, ConvReference.toDouble(dw)},
            {bd, ConvReference.toDouble(db)}}) {
          double[] v = param[0];
          for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            double plus = loss(s, xd, wd, bd, gd);
            v[i] = keep - h;
            double minus = loss(s, xd, wd, bd, gd);
            v[i] = keep;
            double fd = (plus - minus) / (2 * h);
            assertEquals(fd, param[1][i], 1e-4 * (1 + Math.abs(fd)),
                provider.name() + " gradient " + i + " of " + v.length + " for " + s);
          }
        }
      }
    }
  }

  private static double loss(ConvShape s, double[] x, double[] w, double[] b, double[] g) {
    double[] y = ConvReference.forward(s, x, w, b);
    double l = 0;
    for (int i = 0; i < y.length; i++) {
      l += g[i] * y[i];
    }
    return l;
  }

  /** The pool path gives the same bits as the sequential one, for pools of 1, 2 and 3 workers. */
  @Test
  void poolGivesSameBitsAsSequential() throws Exception {
    ConvShape[] cases = {
      new ConvShape(5, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(3, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(4, 3, 9, 11, 5, 3, 3, 2, 1),
    };
    for (KernelProvider provider : providers()) {
      ConvolutionSupport conv = provider.convolution();
      for (ConvShape s : cases) {
        float[] x = randomFloats(s.inputSize());
        float[] w = randomFloats(s.weightSize());
        float[] b = randomFloats(s.outChannels());
        float[] dy = randomFloats(s.outputSize());
        float[][] want = run(conv, s, x, w, b, dy, null);
        for (ForkJoinPool pool : new ForkJoinPool[] {pool1, pool2, pool3}) {
          float[][] got = run(conv, s, x, w, b, dy, pool);
          for (int t = 0; t < want.length; t++) {
            assertArrayEquals(want[t], got[t], provider.name() + " output " + t + " with "
                + pool.getParallelism() + " workers, " + s);
          }
        }
        // called from inside a worker of the same pool (data-parallel training): forks there, same bits
        float[][] inside = pool2.submit(() -> run(conv, s, x, w, b, dy, pool2)).get();
        for (int t = 0; t < want.length; t++) {
          assertArrayEquals(want[t], inside[t], provider.name() + " output " + t + " from a worker, " + s);
        }
      }
    }
  }

  private static float[][] run(ConvolutionSupport conv, ConvShape s, float[] x, float[] w, float[] b, float[] dy,
      ForkJoinPool pool) {
    float[] ws = poisoned(conv.workspaceSize(s));
    float[] y = poisoned(s.outputSize());
    float[] dx = poisoned(s.inputSize());
    float[] dw = poisoned(s.weightSize());
    float[] db = poisoned(s.outChannels());
    conv.forward(s, x, w, b, y, ws, pool);
    conv.backwardData(s, dy, w, dx, ws, pool);
    conv.backwardWeights(s, x, dy, dw, db, ws, pool);
    return new float[][] {y, dx, dw, db};
  }

  /**
   * Inference's forward (one chunk's scratch reused) gives forward's bits, for shapes of one and of several
   * chunks, padded and not, rows narrower and wider than a vector.
   */
  @Test
  void forwardOnlyGivesForwardsBits() {
    ConvShape[] cases = {
      new ConvShape(21, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(3, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(9, 16, 14, 14, 24, 3, 3, 1, 1),
      new ConvShape(2, 3, 9, 11, 5, 3, 3, 2, 1),
      new ConvShape(40, 7, 9, 13, 6, 3, 3, 1, 0),
    };
    for (KernelProvider provider : providers()) {
      ConvolutionSupport conv = provider.convolution();
      for (ConvShape s : cases) {
        float[] x = randomFloats(s.inputSize());
        float[] w = randomFloats(s.weightSize());
        float[] b = randomFloats(s.outChannels());
        float[] want = poisoned(s.outputSize());
        conv.forward(s, x, w, b, want, poisoned(conv.workspaceSize(s)), null);
        for (ForkJoinPool pool : new ForkJoinPool[] {null, pool2}) {
          float[] got = poisoned(s.outputSize());
          conv.forwardOnly(s, x, w, b, got, poisoned(conv.workspaceSize(s)), pool);
          assertArrayEquals(want, got, provider.name() + " forwardOnly " + s);
        }
      }
    }
  }

  @Test
  void workspaceTooLargeForAnArrayIsNamed() {
    ConvShape huge = new ConvShape(100_000, 20, 12, 12, 50, 5, 5, 1, 0);
    try {
      scalar().convolution().workspaceSize(huge);
      fail("expected an error for " + huge);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("workspace"), e.getMessage());
    }
  }

  /** |got − want| ≤ tol where tol grows with the number of float products summed into each element. */
  static void assertClose(double[] want, float[] got, int terms, String what) {
    assertEquals(want.length, got.length, what + ": length");
    double tol = 1e-6 * terms + 1e-5;
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(want[i] - got[i]) <= tol)) {
        fail(what + ": element " + i + " expected " + want[i] + " but was " + got[i] + " (tolerance " + tol + ")");
      }
    }
  }
}
