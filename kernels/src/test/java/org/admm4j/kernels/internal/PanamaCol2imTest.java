package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.admm4j.kernels.ConvShape;
import org.junit.jupiter.api.Test;

/**
 * The Vector API col2im ({@link PanamaCol2im}) against the scalar scatter ({@link Im2col#col2im}): the same
 * bits, since both add every element's taps in the same order from +0. Widths below, at and above the lane
 * count (rows that spill into the next row, the next channel plane and the next sample), channel counts
 * around the block of 4, padding 0–2, odd batches and sample sub-ranges; samples outside the range must
 * stay poisoned.
 */
class PanamaCol2imTest extends KernelTestCase {

  private static List<ConvShape> shapes() {
    int lanes = PanamaConstants.FLOATS.length();
    List<ConvShape> list = new ArrayList<>();
    list.add(new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 0));
    list.add(new ConvShape(3, 20, 12, 12, 50, 5, 5, 1, 0));
    list.add(new ConvShape(2, 1, 28, 28, 20, 5, 5, 1, 0));
    list.add(new ConvShape(1, 4, 5, 3, 2, 3, 3, 1, 0));
    list.add(new ConvShape(3, 5, 7, 9, 3, 3, 3, 1, 1));
    list.add(new ConvShape(2, 9, 6, lanes - 1, 2, 3, 2, 1, 0));
    list.add(new ConvShape(2, 4, 5, lanes, 3, 3, 3, 1, 0));
    list.add(new ConvShape(3, 3, 4, lanes + 1, 2, 2, 5, 1, 2));
    list.add(new ConvShape(1, 7, 9, 2 * lanes + 3, 2, 5, 5, 1, 2));
    list.add(new ConvShape(5, 8, 11, 13, 3, 5, 5, 1, 2));
    list.add(new ConvShape(2, 2, 3, 3, 2, 3, 3, 1, 2));
    list.add(new ConvShape(1, 6, 2, 2, 1, 1, 1, 1, 0));
    return list;
  }

  @Test
  void sameBitsAsScalarScatter() {
    assumeTrue(PanamaCol2im.applies(new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 0)));
    int checked = 0;
    for (ConvShape s : shapes()) {
      int n = Im2col.patchSize(s) * Im2col.columns(s);
      // cols exactly as long as the patch matrix (loads near its end fall back to scalar), and inside a
      // longer, poisoned workspace as the convolution passes hand it over
      for (int slack : new int[] {0, 37}) {
        float[] cols = poisoned(n + slack);
        System.arraycopy(randomFloats(n), 0, cols, 0, n);
        for (int[] range : new int[][] {{0, s.batch()}, {s.batch() - 1, s.batch()}, {0, (s.batch() + 1) / 2}}) {
          float[] want = poisoned(s.inputSize());
          Im2col.col2im(s, cols, want, range[0], range[1]);
          float[] got = poisoned(s.inputSize());
          PanamaCol2im.col2im(s, cols, got, range[0], range[1]);
          for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                "dx element " + i + " of samples " + range[0] + ".." + range[1] + ", slack " + slack + ", " + s);
          }
          checked++;
        }
      }
    }
    assertEquals(shapes().size() * 6, checked);
  }

  /**
   * The chunked input gradient against the double reference, on a NaN-poisoned workspace, for batches that
   * split into several chunks with a partial last one (and one chunk per sample), sequential and on pools
   * of 2 and 3 workers with the same bits.
   */
  @Test
  void chunkedBackwardDataMatchesReference() throws Exception {
    PanamaConvolutionSupport conv = (PanamaConvolutionSupport) panama().convolution();
    ConvShape[] cases = {
      new ConvShape(11, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(3, 20, 24, 24, 7, 5, 5, 1, 2),
      new ConvShape(1, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(3, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(2, 3, 11, 13, 5, 3, 3, 1, 1),
    };
    java.util.concurrent.ForkJoinPool pool2 = new java.util.concurrent.ForkJoinPool(2);
    java.util.concurrent.ForkJoinPool pool3 = new java.util.concurrent.ForkJoinPool(3);
    try {
      for (ConvShape s : cases) {
        assertTrue(PanamaConvolutionSupport.chunkedWorkspace(s) <= conv.workspaceSize(s), s.toString());
        float[] dy = randomFloats(s.outputSize());
        float[] w = randomFloats(s.weightSize());
        float[] dx = poisoned(s.inputSize());
        conv.backwardDataChunked(s, dy, w, dx, poisoned(conv.workspaceSize(s)), null);
        double[] want = ConvReference.backwardData(s, ConvReference.toDouble(dy), ConvReference.toDouble(w));
        ConvolutionSupportTest.assertClose(want, dx, s.outChannels() * s.kernelHeight() * s.kernelWidth(),
            "chunked backwardData " + s);
        for (java.util.concurrent.ForkJoinPool pool : new java.util.concurrent.ForkJoinPool[] {pool2, pool3}) {
          float[] got = poisoned(s.inputSize());
          conv.backwardDataChunked(s, dy, w, got, poisoned(conv.workspaceSize(s)), pool);
          for (int i = 0; i < dx.length; i++) {
            assertEquals(Float.floatToRawIntBits(dx[i]), Float.floatToRawIntBits(got[i]),
                "dx element " + i + " with " + pool.getParallelism() + " workers, " + s);
          }
        }
      }
      assertTrue(PanamaConvolutionSupport.chunkSamples(cases[0]) < cases[0].batch(), "several chunks");
      assertEquals(1, PanamaConvolutionSupport.chunkSamples(cases[1]), "one sample a chunk");
    } finally {
      pool2.shutdown();
      pool3.shutdown();
    }
  }

  /** The convolution pass picks the vector col2im for stride 1 and keeps the scatter for stride 2. */
  @Test
  void appliesToStrideOneOnly() {
    assertTrue(PanamaCol2im.applies(new ConvShape(1, 20, 12, 12, 50, 5, 5, 1, 0)));
    assertTrue(PanamaCol2im.applies(new ConvShape(1, 3, 9, 9, 2, 3, 3, 1, 2)));
    assertTrue(!PanamaCol2im.applies(new ConvShape(1, 3, 9, 9, 2, 3, 3, 2, 1)));
  }
}
