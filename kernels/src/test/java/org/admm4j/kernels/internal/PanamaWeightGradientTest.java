package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.ConvShape;
import org.junit.jupiter.api.Test;

/**
 * The direct weight gradient ({@link PanamaWeightGradient}) against the double reference: output widths
 * below, at and above the lane count, planes that end inside or exactly at a vector, tap counts and
 * channel counts around the blocks of 4, batch 1 and odd batches; NaN-poisoned outputs and workspace;
 * the same bits on pools of 2 and 3 workers.
 */
class PanamaWeightGradientTest extends KernelTestCase {

  @Test
  void matchesReferenceAndPoolBits() {
    PanamaConvolutionSupport conv = (PanamaConvolutionSupport) panama().convolution();
    int lanes = PanamaConstants.FLOATS.length();
    ConvShape[] cases = {
      new ConvShape(3, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(1, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(2, 3, 9, 7, 5, 3, 3, 1, 0),
      new ConvShape(3, 2, 5, lanes + 2, 6, 3, 2, 1, 0),
      new ConvShape(2, 1, 4, lanes, 4, 1, 1, 1, 0),
      new ConvShape(1, 2, 6, lanes - 1, 3, 2, 3, 1, 0),
      new ConvShape(5, 1, 17, 2 * lanes + 3, 9, 5, 5, 1, 0),
      new ConvShape(2, 4, 3, 3, 2, 3, 3, 1, 0),
    };
    ForkJoinPool pool2 = new ForkJoinPool(2);
    ForkJoinPool pool3 = new ForkJoinPool(3);
    try {
      for (ConvShape s : cases) {
        assertTrue(PanamaWeightGradient.workspaceSize(s) <= conv.workspaceSize(s), s.toString());
        float[] x = randomFloats(s.inputSize());
        float[] dy = randomFloats(s.outputSize());
        float[] dw = poisoned(s.weightSize());
        float[] db = poisoned(s.outChannels());
        conv.backwardWeightsDirect(s, x, dy, dw, db, poisoned(conv.workspaceSize(s)), null);
        double[] g = ConvReference.backwardWeights(s, ConvReference.toDouble(x), ConvReference.toDouble(dy));
        int terms = s.batch() * s.outHeight() * s.outWidth();
        ConvolutionSupportTest.assertClose(Arrays.copyOf(g, s.weightSize()), dw, terms, "direct dw " + s);
        ConvolutionSupportTest.assertClose(Arrays.copyOfRange(g, s.weightSize(), g.length), db, terms,
            "direct dbias " + s);
        for (ForkJoinPool pool : new ForkJoinPool[] {pool2, pool3}) {
          float[] dw2 = poisoned(s.weightSize());
          float[] db2 = poisoned(s.outChannels());
          conv.backwardWeightsDirect(s, x, dy, dw2, db2, poisoned(conv.workspaceSize(s)), pool);
          for (int i = 0; i < dw.length; i++) {
            assertEquals(Float.floatToRawIntBits(dw[i]), Float.floatToRawIntBits(dw2[i]),
                "dw element " + i + " with " + pool.getParallelism() + " workers, " + s);
          }
          for (int i = 0; i < db.length; i++) {
            assertEquals(Float.floatToRawIntBits(db[i]), Float.floatToRawIntBits(db2[i]),
                "dbias element " + i + " with " + pool.getParallelism() + " workers, " + s);
          }
        }
        // without a bias gradient
        float[] dw3 = poisoned(s.weightSize());
        conv.backwardWeightsDirect(s, x, dy, dw3, null, poisoned(conv.workspaceSize(s)), null);
        assertTrue(Arrays.equals(dw, dw3), "dw without dbias, " + s);
      }
    } finally {
      pool2.shutdown();
      pool3.shutdown();
    }
  }
}
