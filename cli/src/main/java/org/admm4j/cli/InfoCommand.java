package org.admm4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.admm4j.cli.config.Presets;
import org.admm4j.datasets.DatasetResolver;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.KernelTuning;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code admm4j info}: the JDK, the kernels chosen, threads, models, datasets and presets. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show the JDK, the kernels chosen at start-up, threads, models, datasets and presets.")
final class InfoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--threads", description = "Worker threads to report the kernels with (default: all cores).")
  Integer threads;

  @Override
  public Integer call() {
    if (threads != null) {
      if (threads < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--threads must be at least 1, got " + threads);
      }
      KernelThreads.setThreads(threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    Runtime rt = Runtime.getRuntime();
    out.println("admm4j     " + VersionInfo.version());
    out.println("JDK        " + VersionInfo.jdk());
    out.println("OS         " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        + ", " + rt.availableProcessors() + " cores, max heap " + (rt.maxMemory() >> 20) + " MiB");
    out.println("kernels    " + Kernels.describe());
    out.println("tuning     " + KernelTuning.describe());
    out.println("threads    " + KernelThreads.threads());
    out.println("models     " + String.join(", ", Models.names()));
    out.println("datasets   " + String.join(", ", DatasetResolver.names()));
    out.println("presets    " + String.join(", ", Presets.names()) + " (default " + Presets.DEFAULT + ")");
    out.flush();
    return 0;
  }
}
