package org.admm4j.admm.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what {@code prune --resume DIR} reads of a run's checkpoint: {@link Checkpoint#read}, the fuzzed
 * {@code checkpoint/state.json} and then the tensor file it names. Any state file gives a state a resumed
 * run can use or an {@link IOException} with a message of one line (the command line's error line).
 * "Can use" is checked here as the run uses it: its stage indexes the plan's stages, its next epoch or
 * iteration lies within that stage's phase, and its pool size is one a {@code ForkJoinPool} takes. Allocation bound: 64 x the file size + 1 MiB (the
 * JSON tree, and the tensor file of 11 KB). Seeds: the state.json of real checkpoints of the tiny
 * network's runs on synthetic data: after dense epoch 1 (as written), after ADMM iteration 2 with Adam,
 * after retraining epoch 1, in stage 2's ADMM of a three-stage run, at the end of a two-stage run that
 * quantizes, and in ADMM after a sensitivity allocation (the last five with their whitespace removed).
 * Each names the tensor file that the first one's run wrote, kept beside this class as
 * {@code CheckpointFuzzTest/checkpoint-000001.safetensors} and put beside every fuzzed state file.
 */
class CheckpointFuzzTest {

  private static final String TENSORS = "checkpoint-000001.safetensors";
  private static final Path CHECKPOINT = ParserContract.file("run/checkpoint/" + TENSORS, tensors()).getParent();
  /** The most threads a {@code ForkJoinPool} takes. */
  private static final int MAX_POOL = 0x7fff;

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    ParserContract.file("run/checkpoint/" + Checkpoint.STATE_FILE, data);
    ParserContract.check(data.length, 64, IOException.class, () -> {
      try {
        resumable(new Checkpoint(CHECKPOINT).read());
      } catch (IOException e) {
        // the command line prints the message as its one line
        if (e.getMessage() != null && e.getMessage().lines().count() > 1) {
          throw new AssertionError("a message of several lines: " + e.getMessage(), e);
        }
        throw e;
      }
    });
  }

  /** Uses the state as {@link PruneRun#resume} and its run do; an inconsistency is a finding. */
  private static void resumable(Checkpoint.Saved saved) {
    RunState s = saved.state();
    PrunePlan plan = s.plan();
    int length = s.phase().length(plan, s.stage());
    plan.rho(s.stage());
    if (s.phase() != Phase.DONE && (s.next() < 0 || s.next() > length)) {
      throw new AssertionError("next " + s.next() + " outside 0.." + length + " of " + s.phase());
    }
    if (s.threads() < 1 || s.threads() > MAX_POOL || s.trainerSteps() < 0) {
      throw new AssertionError("threads " + s.threads() + ", trainer steps " + s.trainerSteps());
    }
    if (!saved.tensors().tensors().containsKey("w/conv1.weight")) {
      throw new AssertionError("the tensor file read is not the checkpoint's");
    }
  }

  private static byte[] tensors() {
    try (InputStream in = CheckpointFuzzTest.class.getResourceAsStream("CheckpointFuzzTest/" + TENSORS)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
