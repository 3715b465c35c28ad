package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prune --spark local[2]} after SIGKILL of its driver: a child JVM runs a short Spark prune (LeNet-300-100 on
 * 256 synthetic images, 2 partitions, 4 checkpoints), is killed with {@link Process#destroyForcibly} at a random
 * moment of its training, and is resumed with {@code --spark local[2] --resume} (or, killed before its first
 * checkpoint, started again with {@code --force}) until it finishes; after every kill the checkpoint must load, and
 * the finished run must hold the same tensors, bit for bit, as an uninterrupted Spark run, and no temporary file.
 * Rounds alternate between a local run folder and a {@code file:} URI (the Hadoop path: the staging folder, the
 * published checkpoints), starting with the URI; a third of the resumes are killed once more.
 *
 * <p>A moment is drawn uniformly over the reference's training, from the driver's "spark local[2]" line (Spark up,
 * data loaded) to its end: drawn over the whole run, most kills would land in Spark's start. {@code
 * -Dadmm4j.sparkKills=N} (default 2) sets how many kills must land, {@code -Dadmm4j.killSeed=S} the moments.
 *
 * <p>This module's tests have no Spark: the children add the jars Maven resolved for the spark module (its package
 * phase writes them to {@code spark/target/spark-classpath.txt}, so run it with {@code -pl cli -am}) and Spark's
 * JVM flags, both from this module's pom.
 */
class SparkKillResumeTest {

  @TempDir
  Path dir;

  private static final int KILLS = Integer.getInteger("admm4j.sparkKills", 2);
  private static final long SEED = Long.getLong("admm4j.killSeed", 1);
  /** The driver's line after Spark has started and the data is loaded, before the first epoch. */
  private static final String TRAINING = "spark local[2]: ";

  private static List<String> prune(String out) {
    return List.of("prune", "--spark", "local[2]", "--partitions", "2", "--model", "lenet-300-100", "--dataset",
        "synthetic", "--keep", "fc*=0.1", "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1",
        "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--seed", "11", "--no-progress", "--out", out);
  }

  private static String sparkClassPath() throws IOException {
    Path file = Path.of(System.getProperty("admm4j.sparkClasspathFile", "../spark/target/spark-classpath.txt"));
    if (!Files.isRegularFile(file)) {
      throw new AssertionError(file + " is missing: the spark module's package phase writes it (mvn -pl cli -am verify)");
    }
    return Files.readString(file).strip();
  }

  private Process start(List<String> args, Path log) throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx768m", "-Djava.io.tmpdir=" + dir.resolve("tmp")));
    jvm.addAll(Arrays.asList(System.getProperty("admm4j.sparkJvmOptions", "").trim().split("\\s+")));
    jvm.removeIf(String::isEmpty);
    return ChildPrune.start(jvm, sparkClassPath(), args, true, log);
  }

  /** Waits until the child's log shows {@code line} or the child ends; false if it ended first. */
  private static boolean awaitLine(Process p, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (ChildPrune.read(log).contains(line)) {
        return true;
      }
      if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
        return ChildPrune.read(log).contains(line);
      }
    }
    throw new AssertionError("no '" + line.strip() + "' in 120 s: " + ChildPrune.read(log));
  }

  @Test
  void aDriverKilledAnywhereResumesToTheUninterruptedBits() throws Exception {
    Files.createDirectories(dir.resolve("tmp"));
    Path reference = dir.resolve("reference");
    Path refLog = dir.resolve("reference.log");
    long t0 = System.nanoTime();
    Process ref = start(prune(reference.toString()), refLog);
    assertTrue(awaitLine(ref, refLog, TRAINING), () -> ChildPrune.read(refLog));
    long training0 = System.nanoTime();
    assertEquals(0, ChildPrune.finish(ref, refLog, 120), () -> ChildPrune.read(refLog));
    double wall = (System.nanoTime() - t0) / 1e9;
    double training = (System.nanoTime() - training0) / 1e9;
    SafeTensorsFile expected = SafeTensors.read(reference.resolve("model.safetensors"));

    Random random = new Random(SEED);
    List<String> moments = new ArrayList<>();
    int rounds = 0;
    int restarts = 0;
    while (moments.size() < KILLS) {
      boolean uri = rounds % 2 == 0;
      Path out = dir.resolve("round" + rounds++);
      String folder = uri ? "file:" + out.toAbsolutePath() : out.toString();
      boolean fresh = true;
      int kills = 0;
      for (int step = 0; ; step++) {
        Path log = dir.resolve(out.getFileName() + "-" + step + ".log");
        List<String> args = new ArrayList<>(fresh ? prune(folder)
            : List.of("prune", "--spark", "local[2]", "--resume", folder, "--no-progress"));
        if (fresh && Files.exists(out)) {
          args.add("--force");
        }
        boolean kill = step == 0 || (step == 1 && kills == 1 && random.nextInt(3) == 0);
        // a resume trains what is left: kill it early
        long delayMs = (long) (random.nextDouble() * training * (step == 0 ? 1000 : 500));
        Process p = start(args, log);
        if (kill && awaitLine(p, log, TRAINING) && !p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor();
          kills++;
          moments.add(String.format(Locale.ROOT, "%s%s+%.2fs", uri ? "uri " : "local ", step == 0 ? "" : "resume",
              delayMs / 1e3));
          fresh = !checkpointLoads(out, uri);
          restarts += fresh ? 1 : 0;
          continue;
        }
        int code = ChildPrune.finish(p, log, 120);
        // killed after its last write: resume says so (exit 1, by design) and the files are complete
        boolean wasDone = !fresh && code == Main.EXIT_FAILED
            && ChildPrune.read(log).contains("has already finished; nothing to resume");
        assertTrue(code == 0 || wasDone, () -> ChildPrune.read(log));
        break;
      }
      ChildPrune.assertSameTensors(expected, SafeTensors.read(out.resolve("model.safetensors")), out);
      assertTrue(Files.isRegularFile(out.resolve("report.json")) && Files.isRegularFile(out.resolve("report.html")));
      ChildPrune.assertNoFreshFiles(out);
      if (uri) {
        assertOneCheckpoint(out);
        Path staging = dir.resolve("tmp").resolve("admm4j-runs");
        try (Stream<Path> s = Files.exists(staging) ? Files.list(staging) : Stream.empty()) {
          assertEquals(0, s.count(), "the finished run's staging folder is deleted");
        }
      }
    }
    System.out.printf(Locale.ROOT, "spark kill-resume: %d kills (seed %d) at %s, in %d rounds, %d before the first"
        + " checkpoint (started again); uninterrupted run %.1f s (training %.1f s); every round ended with the"
        + " reference's %d tensors, bit for bit%n", moments.size(), SEED, moments, rounds, restarts, wall, training,
        expected.tensors().size());
  }

  /**
   * Whether the folder has a checkpoint; if it has, it must load whole. At a URI the newest
   * {@code checkpoint/state-NNNNNN.json} is the checkpoint (spark/README.md, "Run folder"), and the tensor file it
   * names must be there.
   */
  private static boolean checkpointLoads(Path out, boolean uri) throws IOException {
    Path ck = out.resolve("checkpoint");
    if (!uri) {
      Checkpoint c = new Checkpoint(ck);
      if (!c.exists()) {
        return false;
      }
      c.read();
      return true;
    }
    Path newest = null;
    if (Files.isDirectory(ck)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(ck, "state-*.json")) {
        for (Path p : s) {
          if (newest == null || p.getFileName().toString().compareTo(newest.getFileName().toString()) > 0) {
            newest = p;
          }
        }
      }
    }
    if (newest == null) {
      return false;
    }
    JsonObject state = JsonFiles.read(newest);
    SafeTensors.read(ck.resolve(state.get("tensors").getAsString()));
    return true;
  }

  /** After a finished run: one state (done) and the tensor file it names. */
  private static void assertOneCheckpoint(Path out) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(out.resolve("checkpoint"))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertEquals(2, names.size(), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.matches("state-[0-9]{6}\\.json")), names.toString());
    assertFalse(Files.exists(out.resolve("checkpoint").resolve(Checkpoint.STATE_FILE)), names.toString());
  }
}
