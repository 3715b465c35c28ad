package org.admm4j.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.admm4j.nn.io.faults.Failure;
import org.admm4j.nn.io.faults.FaultyFileSystem;
import org.admm4j.nn.io.faults.Operation;
import org.admm4j.nn.io.faults.WriteFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

  @TempDir
  Path dir;

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesTheFileForcesItMovesItAndForcesTheFolder() throws IOException {
    Path target = dir.resolve("a.bin");
    Files.write(target, randomBytes(100, 1));
    byte[] fresh = randomBytes(200_000, 2);
    FaultyFileSystem fs = new FaultyFileSystem();
    AtomicFile.write(fs.wrap(target), fresh);
    assertArrayEquals(fresh, Files.readAllBytes(target));
    assertEquals(List.of("a.bin"), names(), "nothing beside the file");
    assertEquals(1, fs.count(Operation.OPEN_WRITE));
    assertEquals(1, fs.count(Operation.FORCE), "the fresh file is forced once");
    assertEquals(1, fs.count(Operation.MOVE));
    assertEquals(1, fs.count(Operation.FORCE_FOLDER), "the folder is forced after the move");
    assertTrue(fs.count(Operation.WRITE) >= 1);
  }

  @Test
  void createsMissingFoldersAndKeepsTheUmasksPermissions() throws IOException {
    Path target = dir.resolve("x/y/z.json");
    AtomicFile.write(target, "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals("{}", Files.readString(target));
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(target);
      assertTrue(p.contains(PosixFilePermission.OWNER_READ) && p.contains(PosixFilePermission.OWNER_WRITE), "" + p);
      Path reference = Files.createFile(dir.resolve("reference"));
      assertEquals(Files.getPosixFilePermissions(reference), p, "same as any new file (umask), not 0600");
    }
  }

  @Test
  void everyInjectedFaultLeavesTheOldFileOrTheNewOneAndNothingElse() throws Exception {
    byte[] old = randomBytes(70_000, 3);
    byte[] fresh = randomBytes(150_000, 4);
    int runs = WriteFaults.check(dir, folder -> Files.write(folder.resolve("model.bin"), old),
        folder -> AtomicFile.write(folder.resolve("model.bin"), out -> {
          for (int i = 0; i < fresh.length; i += 1000) {
            out.write(fresh, i, Math.min(1000, fresh.length - i));
          }
        }));
    assertTrue(runs >= 10, runs + " faulty runs");
  }

  @Test
  void aFaultBeforeTheMoveKeepsTheOldBytesAndNamesTheTarget() throws IOException {
    Path target = dir.resolve("report.json");
    byte[] old = randomBytes(5000, 5);
    for (Operation op : List.of(Operation.OPEN_WRITE, Operation.WRITE, Operation.FORCE, Operation.MOVE)) {
      Files.write(target, old);
      FaultyFileSystem fs = new FaultyFileSystem().failAt(op, 1, op == Operation.WRITE ? Failure.DISK_FULL
          : Failure.IO_ERROR);
      IOException e = assertThrows(FileWriteException.class, () -> AtomicFile.write(fs.wrap(target), randomBytes(9000, 6)));
      assertTrue(e.getMessage().startsWith("cannot write " + target.toAbsolutePath() + ": "), e.getMessage());
      assertTrue(!e.getMessage().contains(".tmp"), "the fresh file's name is not the user's: " + e.getMessage());
      if (op == Operation.WRITE) {
        assertTrue(e.getMessage().endsWith("No space left on device"), e.getMessage());
      }
      assertArrayEquals(old, Files.readAllBytes(target), op.toString());
      assertEquals(List.of("report.json"), names(), op.toString());
    }
  }

  @Test
  void aFolderThatCannotBeForcedIsReportedAfterTheFileIsInPlace() throws IOException {
    Path target = dir.resolve("m.a4jc");
    FaultyFileSystem fs = new FaultyFileSystem().failAt(Operation.FORCE_FOLDER, 1, Failure.IO_ERROR);
    byte[] fresh = randomBytes(300, 7);
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(fs.wrap(target), fresh));
    assertTrue(e.getMessage().startsWith(target.toAbsolutePath() + " was written, but its folder"), e.getMessage());
    assertArrayEquals(fresh, Files.readAllBytes(target));
    assertEquals(List.of("m.a4jc"), names());
  }

  @Test
  void aReadOnlyFolderIsRefusedByName() throws IOException {
    Path target = dir.resolve("out.safetensors");
    FaultyFileSystem fs = new FaultyFileSystem().readOnly(dir);
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(fs.wrap(target), new byte[10]));
    assertEquals("cannot write " + target.toAbsolutePath() + ": permission denied", e.getMessage());
    assertEquals(List.of(), names());
  }

  @Test
  void aWriterThatThrowsLeavesNothing() throws IOException {
    Path target = dir.resolve("p.txt");
    Files.writeString(target, "old");
    assertThrows(IllegalStateException.class, () -> AtomicFile.write(target, out -> {
      out.write(new byte[100_000]);
      throw new IllegalStateException("bug in the writer");
    }));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("p.txt"), names());
  }

  @Test
  void aWriterMayCloseItsStream() throws IOException {
    Path target = dir.resolve("closed.bin");
    byte[] b = randomBytes(100_001, 8);
    AtomicFile.write(target, out -> {
      try (out) {
        out.write(b);
      }
    });
    assertArrayEquals(b, Files.readAllBytes(target));
  }

  @Test
  void removeLeftoversTakesOnlyTheFreshFilesOfKilledWrites() throws IOException {
    Files.writeString(dir.resolve(".model.safetensors.0123456789abcdef.tmp"), "half");
    Files.writeString(dir.resolve(".state.json.fedcba9876543210.tmp"), "half");
    Files.writeString(dir.resolve("model.safetensors"), "kept");
    Files.writeString(dir.resolve(".hidden.tmp"), "kept: not our pattern");
    Files.writeString(dir.resolve("x.0123456789abcdef.tmp"), "kept: not hidden");
    assertEquals(2, AtomicFile.removeLeftovers(dir));
    assertEquals(List.of(".hidden.tmp", "model.safetensors", "x.0123456789abcdef.tmp"), names());
    assertEquals(0, AtomicFile.removeLeftovers(dir.resolve("missing")));
  }
}
