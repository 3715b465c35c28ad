package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss stops being finite stops there, names phase, epoch and setting, and keeps the last good checkpoint. */
class DivergenceTest {

  @TempDir
  Path dir;

  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutDown() {
    POOL.shutdown();
  }

  private static PrunePlan plan(float denseLr, float retrainLr) {
    PrunePlan base = PruneRunTest.tinyPlan("sgd");
    return PrunePlan.builder().model("tiny").dataset("synthetic").batch(32).seed(3)
        .dense(new TrainingSchedule(2, "sgd", denseLr, 0.9f, 0.0005f, "constant"))
        .admm(3, base.admm()).rho(base.rho())
        .retrain(new TrainingSchedule(2, "sgd", retrainLr, 0.9f, 0.0005f, "constant"))
        .layers(base.layers()).build();
  }

  private static RunException run(PrunePlan p, Path out) {
    return assertThrows(RunException.class, () -> {
      PruneRun r = PruneRun.of(p, TinyNets::tiny, TinyNets.data(256, 128), POOL);
      (out == null ? r : r.writeTo(out)).run();
    });
  }

  @Test
  void aLearningRateOfTenStopsTheFirstDenseEpochAndSaysWhatToLower() {
    RunException e = run(plan(10f, 0.05f), dir);
    assertTrue(e.getMessage().startsWith("the run diverged in dense epoch 1/2: the training loss is "), e.getMessage());
    assertTrue(e.getMessage().contains("lower dense.lr (now 10.0) and start the run again"), e.getMessage());
    assertTrue(e.getMessage().endsWith("no checkpoint was written before it"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("checkpoint").resolve(Checkpoint.STATE_FILE)), "no diverged checkpoint");
  }

  @Test
  void aDivergentRetrainingKeepsTheLastAdmmCheckpoint() throws Exception {
    RunException e = run(plan(0.03f, 1e4f), dir);
    String m = e.getMessage();
    assertTrue(m.startsWith("the run diverged in retraining epoch 1/2: "), m);
    assertTrue(m.contains("lower retrain.lr (now 10000.0)"), m);
    assertTrue(m.endsWith("the last good checkpoint, from before it, is kept in " + dir.resolve("checkpoint")), m);
    Checkpoint.Saved s = new Checkpoint(dir.resolve("checkpoint")).read();
    assertEquals(Phase.ADMM, s.state().phase());
    assertEquals(3, s.state().next(), "after the last ADMM iteration");
    for (Tensor t : s.tensors().tensors().values()) {
      for (float v : t.data()) {
        assertTrue(Float.isFinite(v), "the kept checkpoint is finite");
      }
    }
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
  }

  @Test
  void withoutAFolderTheMessageSaysNothingOfCheckpoints() {
    RunException e = run(plan(10f, 0.05f), null);
    assertTrue(e.getMessage().endsWith("lower dense.lr (now 10.0) and start the run again"), e.getMessage());
  }
}
