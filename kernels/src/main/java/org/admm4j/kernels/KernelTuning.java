package org.admm4j.kernels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.admm4j.kernels.internal.GemmTuner;
import org.admm4j.kernels.internal.GemmTuning;

/**
 * The kernels' per-machine tuning: the SGEMM blocking measured by {@link #tune} (the command line's
 * {@code admm4j tune}) and cached under the user's cache folder, keyed by CPU model, vector width and JDK;
 * later JVMs on the machine read it once, before their first product. {@code -Dadmm4j.tuning=off} ignores
 * the cache, {@code -Dadmm4j.gemm.kc} / {@code .mc} set the blocking by hand. A choice changes the order of
 * the sums, so the bits of results (not their accuracy) depend on it, as they do on the vector width.
 */
public final class KernelTuning {

  private KernelTuning() {}

  /** What a tuning run measured and chose, and the file it wrote. */
  public record Report(List<String> table, String chosen, Path file) {}

  /**
   * Measures the candidate blockings ({@code rounds} interleaved rounds; about 2 s each on a 2-core machine)
   * and writes the best to this machine's cache file. The JVM that tunes keeps the blocking it started with.
   *
   * @throws IllegalStateException when the plain-Java kernels are in use
   * @throws IOException when the cache file cannot be written
   */
  public static Report tune(int rounds, Consumer<String> progress) throws IOException {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
    }
    GemmTuner.Result r = GemmTuner.tune(rounds, progress);
    return new Report(r.table(), r.candidates().get(r.best()).toString(), r.file());
  }

  /**
   * The tile and blocking in effect and where they came from, e.g. {@code gemm mr 6, kc 256, mc 96 (tuned,
   * ~/.cache/...)}.
   */
  public static String describe() {
    return GemmTuning.describe();
  }

  /** This machine's cache file (it may not exist). */
  public static Path cacheFile() {
    return GemmTuning.cacheFile();
  }
}
