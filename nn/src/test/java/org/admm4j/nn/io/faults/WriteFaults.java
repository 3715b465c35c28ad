package org.admm4j.nn.io.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs a writer once cleanly and then once per injected fault (every operation of every kind it does,
 * up to a sample of its writes), each time on a fresh folder, and checks what a crash-safe writer
 * promises: it throws an {@code IOException} whose message names a file it was writing, and every file
 * in the folder is then byte for byte what it was before or what the clean run made of it, with no file
 * the clean run does not leave (no temporary file).
 */
public final class WriteFaults {

  /** Fills a fresh folder with what the user had before the write. */
  @FunctionalInterface
  public interface Setup {
    void fill(Path folder) throws Exception;
  }

  /** The write under test, on {@code folder} (a {@link FaultyFileSystem} path). */
  @FunctionalInterface
  public interface Write {
    void run(Path folder) throws Exception;
  }

  /** An extra check of the folder (a default-file-system path) after a failed write, e.g. that it loads. */
  @FunctionalInterface
  public interface Check {
    void verify(Path folder) throws Exception;
  }

  private static final int MAX_PER_KIND = 6;

  private WriteFaults() {}

  /** {@link #check(Path, Setup, Write, Check)} without an extra check. */
  public static int check(Path scratch, Setup setup, Write write) throws Exception {
    return check(scratch, setup, write, folder -> {});
  }

  /**
   * Checks {@code write} against every fault; returns how many faulty runs were checked.
   *
   * @param scratch an empty folder for the runs' folders
   */
  public static int check(Path scratch, Setup setup, Write write, Check check) throws Exception {
    Path clean = Files.createDirectory(scratch.resolve("clean"));
    setup.fill(clean);
    Map<String, byte[]> before = snapshot(clean);
    FaultyFileSystem counting = new FaultyFileSystem();
    write.run(counting.wrap(clean));
    Map<String, byte[]> after = snapshot(clean);
    assertFalse(after.equals(before) && before.isEmpty(), "the clean run wrote nothing");
    int runs = 0;
    for (Operation op : Operation.values()) {
      for (int nth : sample(counting.count(op))) {
        for (Failure failure : failures(op)) {
          Path dir = Files.createDirectory(scratch.resolve("run" + runs));
          setup.fill(dir);
          FaultyFileSystem fs = new FaultyFileSystem().failAt(op, nth, failure);
          String what = op + " " + nth + " failing with " + failure;
          try {
            write.run(fs.wrap(dir));
            fail(what + ": the write succeeded");
          } catch (IOException e) {
            assertTrue(!fs.failed().isEmpty(), what + ": no fault was injected, yet: " + e);
            String message = e.getMessage();
            assertTrue(message != null && namesAFile(message, dir, before, after),
                what + ": the message names no file written: " + message);
          }
          Map<String, byte[]> now = snapshot(dir);
          for (Map.Entry<String, byte[]> f : now.entrySet()) {
            byte[] old = before.get(f.getKey());
            byte[] fresh = after.get(f.getKey());
            if (old == null && fresh == null) {
              fail(what + ": left " + f.getKey() + " behind");
            }
            if (!(old != null && java.util.Arrays.equals(old, f.getValue()))) {
              assertTrue(fresh != null, what + ": " + f.getKey() + " changed");
              assertArrayEquals(fresh, f.getValue(), what + ": " + f.getKey() + " is neither old nor new");
            }
          }
          for (String name : before.keySet()) {
            if (!now.containsKey(name) && after.containsKey(name)) {
              fail(what + ": " + name + " was lost");
            }
          }
          check.verify(dir);
          runs++;
        }
      }
    }
    return runs;
  }

  private static boolean namesAFile(String message, Path dir, Map<String, byte[]> before, Map<String, byte[]> after) {
    for (Map<String, byte[]> m : List.of(before, after)) {
      for (String name : m.keySet()) {
        if (message.contains(dir.toAbsolutePath().resolve(name).toString())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Every n up to {@code count} when few, else the first, middle and last few. */
  private static List<Integer> sample(int count) {
    List<Integer> ns = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      if (count <= MAX_PER_KIND || n <= 2 || n > count - 2 || n == (count + 1) / 2) {
        ns.add(n);
      }
    }
    return ns;
  }

  private static List<Failure> failures(Operation op) {
    return switch (op) {
      case WRITE -> List.of(Failure.DISK_FULL, Failure.IO_ERROR);
      case OPEN_WRITE, CREATE_FOLDER -> List.of(Failure.ACCESS_DENIED, Failure.DISK_FULL);
      default -> List.of(Failure.IO_ERROR);
    };
  }

  /** Relative name → bytes of every regular file under {@code dir}. */
  public static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return m;
  }
}
