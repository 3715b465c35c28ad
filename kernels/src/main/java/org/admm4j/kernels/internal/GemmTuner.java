package org.admm4j.kernels.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures every {@link GemmTuning#CANDIDATES} blocking on the products training and inference run most
 * (LeNet-5's and the convnet's forward and backward shapes and a square one), one thread, and keeps the
 * one with the best geometric mean of GFLOP/s. Each candidate is timed in rounds interleaved with the
 * others, so that a burst of other work on the machine hits all of them alike; a shape's figure is its
 * median round.
 */
public final class GemmTuner {

  /** One product: sizes and operand layout. */
  public record Shape(int m, int n, int k, boolean transA, boolean transB) {
    @Override
    public String toString() {
      return m + "×" + n + "×" + k + " " + (transA ? "T" : "N") + (transB ? "T" : "N");
    }
  }

  /** The measured figures: per candidate, per shape, the median GFLOP/s. */
  public record Result(List<GemmTuning.Choice> candidates, List<Shape> shapes, double[][] gflops, int best,
      Path file) {

    /** The table {@code admm4j tune} prints. */
    public List<String> table() {
      List<String> lines = new ArrayList<>();
      StringBuilder h = new StringBuilder(String.format("%-22s", "tile and blocking"));
      for (Shape s : shapes) {
        h.append(String.format("%18s", s));
      }
      lines.add(h.append(String.format("%10s", "geomean")).toString());
      for (int c = 0; c < candidates.size(); c++) {
        StringBuilder l = new StringBuilder(String.format("%-22s", candidates.get(c)));
        for (double g : gflops[c]) {
          l.append(String.format("%18.1f", g));
        }
        l.append(String.format("%10.1f", geomean(gflops[c]))).append(c == best ? "  <- chosen" : "");
        lines.add(l.toString());
      }
      return lines;
    }
  }

  /** The shapes timed: NT and TN are the backward products. */
  static final List<Shape> SHAPES = List.of(new Shape(64, 800, 500, false, true), new Shape(500, 800, 64, true, false),
      new Shape(50, 2048, 500, false, false), new Shape(32, 784, 288, false, false),
      new Shape(512, 512, 512, false, false));

  private GemmTuner() {}

  /**
   * Times the candidates for about {@code rounds} rounds each and writes the best to this machine's cache
   * file ({@link GemmTuning#cacheFile}); {@code progress} gets a line per round.
   *
   * @throws IllegalStateException when the Vector API kernels are not in use (the plain-Java GEMM has its
   *     own fixed blocking)
   */
  public static Result tune(int rounds, Consumer<String> progress) throws IOException {
    if (!(KernelProvider.getInstance().blas() instanceof PanamaBlasSupport)) {
      throw new IllegalStateException("the " + KernelProvider.getInstance().name() + " kernels are in use: only the"
          + " Vector API GEMM has a blocking to tune (run with --add-modules jdk.incubator.vector)");
    }
    List<GemmTuning.Choice> cs = GemmTuning.CANDIDATES;
    double[][][] samples = new double[cs.size()][SHAPES.size()][rounds];
    SplittableRandom r = new SplittableRandom(1);
    float[][] a = new float[SHAPES.size()][], b = new float[SHAPES.size()][], c = new float[SHAPES.size()][];
    for (int s = 0; s < SHAPES.size(); s++) {
      Shape sh = SHAPES.get(s);
      a[s] = random(sh.m() * sh.k(), r);
      b[s] = random(sh.k() * sh.n(), r);
      c[s] = new float[sh.m() * sh.n()];
    }
    // warm-up: C2 compiles the kernel before anything counts
    for (int w = 0; w < 3; w++) {
      for (GemmTuning.Choice ch : cs) {
        for (int s = 0; s < SHAPES.size(); s++) {
          run(ch, SHAPES.get(s), a[s], b[s], c[s]);
        }
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (int ci = 0; ci < cs.size(); ci++) {
        for (int s = 0; s < SHAPES.size(); s++) {
          Shape sh = SHAPES.get(s);
          int reps = Math.max(1, (int) (20_000_000L / ((long) sh.m() * sh.n() * sh.k())));
          long t0 = System.nanoTime();
          for (int i = 0; i < reps; i++) {
            run(cs.get(ci), sh, a[s], b[s], c[s]);
          }
          double sec = (System.nanoTime() - t0) / 1e9;
          samples[ci][s][round] = 2.0 * sh.m() * sh.n() * sh.k() * reps / sec / 1e9;
        }
      }
      progress.accept("round " + (round + 1) + "/" + rounds);
    }
    double[][] gflops = new double[cs.size()][SHAPES.size()];
    int best = 0;
    for (int ci = 0; ci < cs.size(); ci++) {
      for (int s = 0; s < SHAPES.size(); s++) {
        double[] x = samples[ci][s].clone();
        Arrays.sort(x);
        gflops[ci][s] = x[x.length / 2];
      }
      if (geomean(gflops[ci]) > geomean(gflops[best])) {
        best = ci;
      }
    }
    Path file = GemmTuning.cacheFile();
    Result result = new Result(cs, SHAPES, gflops, best, file);
    GemmTuning.write(file, cs.get(best), String.join("\n", result.table()));
    return result;
  }

  private static void run(GemmTuning.Choice ch, Shape s, float[] a, float[] b, float[] c) {
    int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
    PanamaBlasSupport.gemmBlocked(ch.mr(), ch.kc(), ch.mc(), s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0,
        lda, b, 0, ldb, 0f, c, 0, s.n());
  }

  static double geomean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += Math.log(v);
    }
    return Math.exp(s / x.length);
  }

  private static float[] random(int n, SplittableRandom r) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    return x;
  }
}
