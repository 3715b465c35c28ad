package org.admm4j.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The contract every fuzz target checks: a parser given any bytes either returns or throws its own
 * documented exception with a message, and allocates at most {@code perByte} times the input size plus
 * {@link #SLACK_BYTES} on the calling thread while doing so. Anything else (an {@code Error} such as
 * {@code OutOfMemoryError} or {@code StackOverflowError}, an undocumented {@code RuntimeException}, too
 * much allocation) escapes to Jazzer as a finding.
 */
public final class ParserContract {
  /** Allocation allowed whatever the input size: buffers of fixed size, exception messages, JSON trees. */
  public static final long SLACK_BYTES = 1L << 20;

  /**
   * The bound's multiplier while Jazzer fuzzes ({@code JAZZER_FUZZ} set): its fuzzing-mode hooks (string
   * compares, value profiles) allocate on the parser's thread as it runs — a 1,637-byte settings file that
   * allocates 104 KB alone measured 1.23 MB under them. 4× keeps an input that really allocates out of
   * proportion a finding while the hooks' share is not one; the build's regression mode (no hooks) keeps
   * the stated bound.
   */
  static final long INSTRUMENTATION_ALLOWANCE = isFuzzing() ? 4 : 1;

  private static boolean isFuzzing() {
    String v = System.getenv("JAZZER_FUZZ");
    return v != null && !v.isEmpty() && !v.equals("0");
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final Path DIR = tempDir();

  private ParserContract() {}

  /** A parser call under test. */
  @FunctionalInterface
  public interface Call {
    void run() throws Exception;
  }

  /**
   * Runs {@code call} and checks the contract.
   *
   * @param inputBytes the size the allocation bound scales with
   * @param perByte bytes the parser may allocate per input byte
   * @param documented the exception the parser documents for bad input
   */
  public static void check(long inputBytes, long perByte, Class<? extends Exception> documented, Call call)
      throws Exception {
    long limit = (perByte * inputBytes + SLACK_BYTES) * INSTRUMENTATION_ALLOWANCE;
    long allocated = measure(documented, call);
    if (allocated > limit) {
      // The first call that reaches a class loads and initialises it (Gson's adapters, ImageIO's registry,
      // Jazzer's hooks): not the input's doing, so an input over the bound is measured once more.
      allocated = measure(documented, call);
    }
    if (allocated > limit) {
      throw new AssertionError("allocated " + allocated + " bytes for a " + inputBytes + "-byte input, over the "
          + "(" + perByte + " x input + " + SLACK_BYTES + ") x " + INSTRUMENTATION_ALLOWANCE + " = " + limit
          + " bound");
    }
  }

  private static long measure(Class<? extends Exception> documented, Call call) throws Exception {
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    try {
      call.run();
    } catch (Exception e) {
      if (!documented.isInstance(e)) {
        throw e;
      }
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new AssertionError(documented.getSimpleName() + " without a message", e);
      }
    }
    return THREADS.getThreadAllocatedBytes(thread) - before;
  }

  /** Writes {@code data} to {@code name} in this JVM's scratch folder (deleted at exit) and returns it. */
  public static Path file(String name, byte[] data) {
    try {
      Path p = DIR.resolve(name);
      Files.createDirectories(p.getParent());
      return Files.write(p, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("admm4j-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // best effort: the folder is under java.io.tmpdir
        }
      }));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
