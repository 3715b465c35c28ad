package org.admm4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.nn.io.AtomicFile;

/** The folder a run writes to; an existing non-empty one is only reused with {@code --force}. */
final class OutputFolder {

  private OutputFolder() {}

  /** {@code runs/<prefix>yyyyMMdd-HHmmss} (UTC) under the working directory. */
  static Path timestamped(String prefix) {
    return Paths.get("runs", prefix + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .format(ZonedDateTime.now(ZoneOffset.UTC)));
  }

  /**
   * Creates {@code dir}, or checks it may be written: it must not exist as a file, and must be empty unless
   * {@code force} (then a stale checkpoint in it is removed).
   */
  static void prepare(Path dir, boolean force) throws RunException, IOException {
    check(dir, force);
    if (Files.isDirectory(dir) && force) {
      // what a killed run's unfinished writes left
      AtomicFile.removeLeftovers(dir);
      Path ck = dir.resolve("checkpoint");
      if (Files.isDirectory(ck)) {
        try (Stream<Path> walk = Files.walk(ck)) {
          for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
            Files.delete(p);
          }
        }
      }
    }
    Files.createDirectories(dir);
  }

  /** Throws when {@link #prepare} would refuse {@code dir}; changes nothing. */
  static void check(Path dir, boolean force) throws RunException, IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new RunException("--out " + dir + " exists and is not a folder");
    }
    if (Files.isDirectory(dir) && !isEmpty(dir)) {
      if (!force) {
        throw new RunException("output folder " + dir + " exists and is not empty; pass --force to overwrite"
            + " it, --resume " + dir + " to continue a run in it, or choose another --out");
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    }
  }
}
