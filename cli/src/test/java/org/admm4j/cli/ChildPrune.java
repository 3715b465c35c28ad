package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;

/**
 * The command line in a child JVM, for the tests that kill it ({@link KillResumeTest},
 * {@link SparkKillResumeTest}), and what they check after it: the same tensors bit for bit, no fresh files left.
 */
final class ChildPrune {

  private ChildPrune() {}

  /**
   * Starts {@link Main} with {@code args} on this JVM's class path and {@code classPath} after it, with the JVM
   * flags {@code jvm}, its output in {@code log}. {@code plainKernels}: C1 and the plain-Java kernels, which start
   * three times faster for a job this small; what the kill tests check (checkpoints, resume, atomic writes) is the
   * same code, and every child of a test runs with the same flags.
   */
  static Process start(List<String> jvm, String classPath, List<String> args, boolean plainKernels, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.addAll(jvm);
    if (plainKernels) {
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-Dadmm4j.kernels=scalar");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path") + (classPath.isEmpty() ? "" : java.io.File.pathSeparator + classPath));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for the child to end (at most {@code seconds}, then it is killed and the test fails); its exit code. */
  static int finish(Process p, Path log, int seconds) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child ran over " + seconds + " s: " + read(log));
    }
    return p.exitValue();
  }

  static void assertSameTensors(SafeTensorsFile expected, SafeTensorsFile got, Path out) {
    assertEquals(expected.tensors().keySet(), got.tensors().keySet(), out.toString());
    for (Map.Entry<String, Tensor> e : expected.tensors().entrySet()) {
      float[] a = e.getValue().data();
      float[] b = got.tensors().get(e.getKey()).data();
      int[] ia = new int[a.length];
      int[] ib = new int[b.length];
      for (int i = 0; i < a.length; i++) {
        ia[i] = Float.floatToRawIntBits(a[i]);
      }
      for (int i = 0; i < b.length; i++) {
        ib[i] = Float.floatToRawIntBits(b[i]);
      }
      assertArrayEquals(ia, ib, out + ": " + e.getKey());
    }
  }

  /** No fresh file of an unfinished write ({@code .NAME.<16 hex>.tmp}) anywhere under {@code out}. */
  static void assertNoFreshFiles(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        assertFalse(p.getFileName().toString().endsWith(".tmp"), "left behind: " + p);
      }
    }
  }

  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
