package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.admm.pipeline.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune} with a learning rate that makes the loss NaN: one line naming phase, epoch and setting. */
class DivergentRunTest {

  @TempDir
  Path dir;

  private static String[] prune(Path out, String... more) {
    String[] base = {"prune", "--model", "lenet-300-100", "--dataset", "synthetic", "--keep", "fc*=0.1",
        "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1", "--train-limit", "256",
        "--test-limit", "64", "--threads", "2", "--no-progress", "--out", out.toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static String failure(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertEquals(Main.EXIT_FAILED, code, out + "\n" + err);
    String line = err.toString().strip();
    assertFalse(line.contains("\n") || line.contains("Exception"), line);
    return line;
  }

  @Test
  void aDenseLearningRateFarTooLarge() {
    // 10 is not enough here: LeNet-300-100's ReLUs die on the synthetic data and the loss stays finite
    String line = failure(prune(dir.resolve("a"), "--set", "dense.lr=1000"));
    assertTrue(line.startsWith("admm4j: the run diverged in dense epoch 1/1: the training loss is "), line);
    assertTrue(line.contains("lower dense.lr (now 1000.0) and start the run again; no checkpoint was written"), line);
  }

  @Test
  void anAdmmLearningRateThatDivergesKeepsTheDenseCheckpoint() throws Exception {
    Path out = dir.resolve("b");
    String line = failure(prune(out, "--lr", "1e6", "--set", "admm.optimizer=sgd"));
    assertTrue(line.startsWith("admm4j: the run diverged in ADMM iteration 1/2: "), line);
    assertTrue(line.contains("lower admm.lr (now 1000000.0) or the rho schedule"), line);
    assertTrue(line.endsWith("is kept in " + out.resolve("checkpoint")), line);
    Checkpoint.Saved s = new Checkpoint(out.resolve("checkpoint")).read();
    assertEquals(Phase.DENSE, s.state().phase(), "the last good checkpoint: after dense training");
    assertTrue(Files.isRegularFile(out.resolve("dense.safetensors")));
  }
}
