package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.admm4j.nn.Models;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.io.faults.Failure;
import org.admm4j.nn.io.faults.FaultyFileSystem;
import org.admm4j.nn.io.faults.Operation;
import org.admm4j.nn.io.faults.WriteFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, a read-only output folder, a missing or unreadable input: each command stops with one
 * line naming the file and the reason, exit code 1, and leaves nothing partial behind. The faults come
 * from an injected file system ({@link Main#execute(FileSystem, PrintWriter, PrintWriter, String...)}),
 * since permission bits do not stop root; the same cases with real permission bits run when not root.
 */
class FileFailuresTest {

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run run(FileSystem fs, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(fs, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Exit 1 and exactly one line on stderr holding every fragment, no stack trace. */
  private static void assertOneLine(Run r, String... fragments) {
    assertEquals(Main.EXIT_FAILED, r.code(), r.err());
    String line = r.err().strip();
    assertFalse(line.isEmpty() || line.contains("\n"), "not one line: " + r.err());
    assertTrue(line.startsWith("admm4j: "), line);
    for (String f : fragments) {
      assertTrue(line.contains(f), "stderr lacks '" + f + "': " + line);
    }
    assertFalse(line.contains("Exception") || line.contains(".tmp"), line);
  }

  private static String[] prune(Path out) {
    return new String[] {"prune", "--model", "lenet-300-100", "--dataset", "synthetic", "--keep", "fc*=0.1",
        "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1", "--train-limit", "256",
        "--test-limit", "128", "--threads", "2", "--seed", "5", "--no-progress", "--out", out.toString()};
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void assertNoFreshFiles(Path folder) throws IOException {
    for (Path p : files(folder)) {
      assertFalse(p.getFileName().toString().endsWith(".tmp"), "left behind: " + p);
    }
  }

  private static void assertSameTensors(Path a, Path b) throws IOException {
    SafeTensorsFile x = SafeTensors.read(a);
    SafeTensorsFile y = SafeTensors.read(b);
    assertEquals(x.tensors().keySet(), y.tensors().keySet());
    for (Map.Entry<String, Tensor> e : x.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), y.tensors().get(e.getKey()).data(), e.getKey());
    }
  }

  private Path modelFile() throws IOException {
    Path m = dir.resolve("in/model.safetensors");
    ModelFiles.write(m, ModelFiles.Format.SAFETENSORS, Models.create("lenet-300-100", 1), null, Map.of());
    return m;
  }

  @Test
  void aFullDiskStopsThePruneWithOneLineAndTheRunResumesToTheSameBits() throws Exception {
    Path clean = dir.resolve("clean");
    FaultyFileSystem counting = new FaultyFileSystem();
    assertEquals(0, run(counting, prune(clean)).code());
    int writes = counting.count(Operation.WRITE);
    assertTrue(writes > 10, writes + " writes");
    // the disk fills up halfway through the run (a checkpoint), then at its very last write (report.html)
    for (int nth : new int[] {writes / 2, writes}) {
      Path out = dir.resolve("full" + nth);
      FaultyFileSystem full = new FaultyFileSystem().failAt(Operation.WRITE, nth, Failure.DISK_FULL);
      Run r = run(full, prune(out));
      assertOneLine(r, "cannot write " + out.toAbsolutePath(), ": No space left on device");
      assertNoFreshFiles(out);
      for (Path p : files(out)) {
        if (p.toString().endsWith(".safetensors")) {
          SafeTensors.read(p); // whole, or not there
        }
      }
      Run resumed = run(FileSystems.getDefault(), "prune", "--resume", out.toString(), "--no-progress");
      assertEquals(0, resumed.code(), resumed.err());
      assertSameTensors(clean.resolve("model.safetensors"), out.resolve("model.safetensors"));
      assertTrue(Files.isRegularFile(out.resolve("report.html")));
      assertNoFreshFiles(out);
    }
  }

  @Test
  void aReadOnlyOutputFolderIsRefusedByNameAndStaysEmpty() throws Exception {
    Path model = modelFile();
    Path ro = Files.createDirectories(dir.resolve("ro"));
    FaultyFileSystem fs = new FaultyFileSystem().readOnly(ro);
    assertOneLine(run(fs, prune(ro.resolve("run"))), ro.resolve("run").toAbsolutePath().toString(), "permission denied");
    assertOneLine(run(fs, "export", "--model", model.toString(), "--format", "onnx", "--out",
        ro.resolve("m.onnx").toString()), "cannot write " + ro.resolve("m.onnx").toAbsolutePath(), "permission denied");
    assertOneLine(run(fs, "eval", "--model", model.toString(), "--dataset", "synthetic", "--test-limit", "64",
        "--seconds", "0.05", "--predictions", ro.resolve("p.txt").toString()),
        "cannot write " + ro.resolve("p.txt").toAbsolutePath(), "permission denied");
    assertEquals(List.of(), files(ro));
  }

  @Test
  void aReadOnlyFolderByPermissionBitsWhenNotRoot() throws Exception {
    assumeTrue(!"root".equals(System.getProperty("user.name")),
        "root writes into a read-only folder; the injected file system covers this case");
    Path model = modelFile();
    Path ro = Files.createDirectories(dir.resolve("ro-bits"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertOneLine(run(FileSystems.getDefault(), "export", "--model", model.toString(), "--out",
          ro.resolve("m.a4jc").toString()), ro.resolve("m.a4jc").toAbsolutePath().toString());
      assertOneLine(run(FileSystems.getDefault(), prune(ro.resolve("run"))), ro.resolve("run").toString());
      assertEquals(List.of(), files(ro));
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aMissingInputIsOneLineNamingIt() {
    FileSystem fs = FileSystems.getDefault();
    Path missing = dir.resolve("nope/model.safetensors");
    assertOneLine(run(fs, "eval", "--model", missing.toString(), "--dataset", "synthetic"), missing.toString());
    assertOneLine(run(fs, "export", "--model", missing.toString()), missing.toString(), "no such file");
    Path out = dir.resolve("from-missing");
    String[] p = prune(out);
    String[] withFrom = java.util.Arrays.copyOf(p, p.length + 2);
    withFrom[p.length] = "--from";
    withFrom[p.length + 1] = missing.toString();
    assertOneLine(run(fs, withFrom), missing.toString());
    assertFalse(Files.exists(out), "nothing made for a run that cannot start");
    assertOneLine(run(fs, "prune", "--resume", dir.resolve("no-run").toString()), dir.resolve("no-run").toString());
    Path empty = dir.resolve("empty-run");
    assertOneLine(run(fs, "prune", "--resume", createFolder(empty).toString()), "no checkpoint to resume");
  }

  private static Path createFolder(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anUnreadableInputIsOneLineNamingIt() throws Exception {
    Path model = modelFile();
    FaultyFileSystem fs = new FaultyFileSystem().unreadable(model);
    Path target = dir.resolve("out/m.onnx");
    assertOneLine(run(fs, "eval", "--model", model.toString(), "--dataset", "synthetic", "--test-limit", "64"),
        model.toAbsolutePath().toString(), "permission denied");
    assertOneLine(run(fs, "export", "--model", model.toString(), "--format", "onnx", "--out", target.toString()),
        model.toAbsolutePath().toString(), "permission denied");
    assertFalse(Files.exists(target));
    if (!"root".equals(System.getProperty("user.name"))) {
      Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("---------"));
      assertOneLine(run(FileSystems.getDefault(), "export", "--model", model.toString(), "--out", target.toString()),
          model.toString());
      Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  @Test
  void theCommandsFilesAreEachOldOrNewUnderEveryFault() throws Exception {
    Path model = modelFile();
    byte[] modelBytes = Files.readAllBytes(model);
    Path fresh = dir.resolve("fresh.safetensors");
    ModelFiles.write(fresh, ModelFiles.Format.SAFETENSORS, Models.create("lenet-300-100", 2), null, Map.of());
    WriteFaults.Setup setup = folder -> {
      Files.write(folder.resolve("model.safetensors"), modelBytes);
      Files.writeString(folder.resolve("p.txt"), "old predictions\n");
      Files.copy(fresh, folder.resolve("fresh.safetensors"));
    };
    int runs = WriteFaults.check(Files.createDirectory(dir.resolve("export")), setup,
        folder -> command(folder, "export", "--model", folder.resolve("fresh.safetensors").toString(), "--format",
            "onnx", "--out", folder.resolve("model.onnx").toString()));
    runs += WriteFaults.check(Files.createDirectory(dir.resolve("eval")), setup,
        folder -> command(folder, "eval", "--model", folder.resolve("model.safetensors").toString(), "--dataset",
            "synthetic", "--test-limit", "64", "--seconds", "0.02", "--threads", "1", "--predictions",
            folder.resolve("p.txt").toString()));
    assertTrue(runs >= 15, runs + " faulty runs");
  }

  /** Runs a command in {@code folder}'s file system; a failure becomes the IOException WriteFaults expects. */
  private static void command(Path folder, String... args) throws IOException {
    Run r = run(folder.getFileSystem(), args);
    if (r.code() != 0) {
      assertOneLine(r);
      throw new IOException(r.err().strip());
    }
  }
}
