package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prune --resume} after SIGKILL at random moments: a child JVM runs a short prune (LeNet-300-100 on
 * the synthetic data, 5 checkpoints), is killed with {@link Process#destroyForcibly} at a random time, and
 * is resumed (or, when killed before its first checkpoint, started again with {@code --force}) until it
 * finishes; after every kill the checkpoint on disk must load, and the finished run must hold the same
 * tensors, bit for bit, as an uninterrupted run, and no temporary file. Each round kills a fresh run at a
 * moment drawn uniformly over an uninterrupted run's time and a third of the resumes once more; a kill
 * drawn after the run has finished does not count.
 *
 * <p>{@code -Dadmm4j.kills=N} (default 5) sets how many kills must land, {@code -Dadmm4j.killSeed=S} the
 * moments (default 1; the printed line says when each kill landed), {@code -Dadmm4j.killVector=true} runs
 * the children as users do (C2, the Vector API kernels) instead of C1 and the plain-Java kernels.
 */
class KillResumeTest {

  @TempDir
  Path dir;

  private static final int KILLS = Integer.getInteger("admm4j.kills", 5);
  private static final long SEED = Long.getLong("admm4j.killSeed", 1);
  private static final boolean VECTOR = Boolean.getBoolean("admm4j.killVector");

  private static List<String> prune(Path out) {
    return List.of("prune", "--model", "lenet-300-100", "--dataset", "synthetic", "--keep", "fc*=0.1",
        "--dense-epochs", "1", "--iterations", "3", "--retrain-epochs", "1", "--train-limit", "128",
        "--test-limit", "64", "--threads", "2", "--seed", "11", "--no-progress", "--out", out.toString());
  }

  /** The child JVM running the command line {@code args}, its output in {@code log}. */
  private static Process start(List<String> args, Path log) throws IOException {
    return ChildPrune.start(List.of("-Xmx512m"), "", args, !VECTOR, log);
  }

  private static int finish(Process p, Path log) throws Exception {
    return ChildPrune.finish(p, log, 300);
  }

  @Test
  void resumedAfterEveryKillTheRunEndsWithTheSameBits() throws Exception {
    Path reference = dir.resolve("reference");
    long t0 = System.nanoTime();
    Path refLog = dir.resolve("reference.log");
    assertEquals(0, finish(start(prune(reference), refLog), refLog), () -> ChildPrune.read(refLog));
    double wall = (System.nanoTime() - t0) / 1e9;
    SafeTensorsFile expected = SafeTensors.read(reference.resolve("model.safetensors"));

    Random random = new Random(SEED);
    List<String> moments = new ArrayList<>();
    int rounds = 0;
    int restarts = 0;
    int doubles = 0;
    while (moments.size() < KILLS) {
      // one round: a fresh run killed at a moment drawn uniformly over an uninterrupted run's time, then
      // resumed (a third of the resumes killed once more, early) until it finishes
      Path out = dir.resolve("round" + rounds++);
      boolean fresh = true;
      int kills = 0;
      for (int step = 0; ; step++) {
        Path log = dir.resolve(out.getFileName() + "-" + step + ".log");
        List<String> args = new ArrayList<>(fresh ? prune(out) : List.of("prune", "--resume", out.toString(),
            "--no-progress"));
        if (fresh && Files.exists(out)) {
          args.add("--force");
        }
        boolean kill = step == 0 || (step == 1 && kills == 1 && random.nextInt(3) == 0);
        // 0.9: the reference, the first child, starts slowest (a cold page cache)
        long delayMs = (long) (random.nextDouble() * wall * (step == 0 ? 900 : 450));
        Process p = start(args, log);
        if (kill && !p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor();
          kills++;
          moments.add(String.format(Locale.ROOT, "%s%.2fs", step == 0 ? "" : "resume+", delayMs / 1e3));
          fresh = !checkpointLoads(out);
          restarts += fresh ? 1 : 0;
          continue;
        }
        int code = finish(p, log);
        // killed after its last write: resume says so (exit 1, by design) and the files are complete
        boolean wasDone = !fresh && code == Main.EXIT_FAILED && ChildPrune.read(log).contains("has already finished; nothing to resume");
        assertTrue(code == 0 || wasDone, () -> ChildPrune.read(log));
        break;
      }
      doubles += kills == 2 ? 1 : 0;
      ChildPrune.assertSameTensors(expected, SafeTensors.read(out.resolve("model.safetensors")), out);
      CompactModelReader.read(out.resolve("model.a4jc"));
      assertTrue(Files.isRegularFile(out.resolve("report.json")) && Files.isRegularFile(out.resolve("report.html")));
      ChildPrune.assertNoFreshFiles(out);
    }
    System.out.printf(Locale.ROOT, "kill-resume (%s): %d kills (seed %d) at %s, in %d rounds (%d with a resume killed"
        + " too), %d before the first checkpoint (started again); uninterrupted run %.1f s; every round ended with"
        + " the reference's %d tensors, bit for bit%n", VECTOR ? "C2, Vector API" : "C1, plain-Java kernels", moments.size(), SEED, moments, rounds, doubles, restarts,
        wall, expected.tensors().size());
  }

  /** Whether a checkpoint exists; if one does it must load whole (state and the tensors it names). */
  private static boolean checkpointLoads(Path out) throws IOException {
    Checkpoint c = new Checkpoint(out.resolve("checkpoint"));
    if (!c.exists()) {
      return false;
    }
    c.read();
    return true;
  }
}
