package org.admm4j.datasets;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a helper program (npm, dpkg) with a time limit, its output captured to a file, not a pipe. */
final class ExternalCommand {
  private ExternalCommand() {}

  /** The executable named {@code program} on the PATH, if any. */
  static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    List<String> names = windows ? List.of(program + ".cmd", program + ".exe") : List.of(program);
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code command} in {@code dir} and returns its combined output.
   *
   * @throws IOException if it cannot start, exceeds {@code timeoutSeconds} (it and its children are
   *     killed) or exits non-zero; the message carries the end of its output
   */
  static String run(List<String> command, Path dir, long timeoutSeconds) throws IOException {
    Path output = Files.createTempFile(dir, "command", ".log");
    try {
      Process process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())))
          .start();
      boolean finished;
      try {
        finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finished = false;
      }
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no result after " + timeoutSeconds
            + " s, stopped");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": exit code " + process.exitValue()
            + ": " + tail(text));
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String nullDevice() {
    return System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null";
  }

  private static String tail(String text) {
    String t = text.strip().replace('\n', ' ');
    return t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
  }
}
