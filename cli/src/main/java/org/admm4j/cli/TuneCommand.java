package org.admm4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.kernels.KernelTuning;
import org.admm4j.kernels.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code admm4j tune}: measures the kernels' blocking on this machine and caches the best for later runs. */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = "Measure the SGEMM blocking on this machine (about 20 s on 2 cores; run it on a quiet machine)"
        + " and cache the best for every later run here (-Dadmm4j.tuning=off ignores the cache).")
final class TuneCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--rounds", paramLabel = "N", description = "Interleaved timing rounds per candidate (default 7).")
  int rounds = 7;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("tuning the SGEMM blocking on " + Kernels.describe() + ", 1 thread; before: " + KernelTuning.describe());
    out.flush();
    KernelTuning.Report r;
    try {
      r = KernelTuning.tune(rounds, line -> {
        out.println(line);
        out.flush();
      });
    } catch (IllegalStateException e) {
      throw new RunException(e.getMessage());
    }
    out.println("GFLOP/s, median of " + rounds + " rounds:");
    for (String line : r.table()) {
      out.println("  " + line);
    }
    out.println("chose " + r.chosen() + "; wrote " + r.file() + " (later runs on this machine use it)");
    out.flush();
    return 0;
  }
}
