package org.admm4j.admm.pipeline;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.admm4j.admm.config.PrunePlan;

/**
 * Where a run stands, as its checkpoint records it: the phase and the next epoch (or iteration) in it,
 * the optimizer steps taken (augmentation and distillation hash them), the plan, the pool size the bits
 * depend on, the data it ran on and what it has recorded so far.
 *
 * @param stage 0-based index of the stage of a progressive run the phase belongs to (0 = stage 1, the
 *     only one of a plan without stages)
 * @param next 0-based index of the next epoch or iteration of {@code phase}
 * @param runner for a run driven outside {@link PruneRun} (the Spark module's), that runner's own state as it
 *     writes and reads it, with a string {@code kind} naming it; null for a local run
 */
public record RunState(Phase phase, int stage, int next, long trainerSteps, PrunePlan plan, int threads, DataInfo data,
    RunHistory history, JsonObject runner) {

  /** The state of a local run. */
  public RunState(Phase phase, int stage, int next, long trainerSteps, PrunePlan plan, int threads, DataInfo data,
      RunHistory history) {
    this(phase, stage, next, trainerSteps, plan, threads, data, history, null);
  }

  /** The runner's kind ({@code runner.kind}), or null for a local run. */
  public String runnerKind() {
    return runner == null || !runner.has("kind") ? null : runner.get("kind").getAsString();
  }

  /**
   * The data a run was made with, checked on resume.
   *
   * @param trainLimit,testLimit the image limits the caller applied (≤ 0: none), recorded so a resumed run
   *     can load the same subset
   */
  public record DataInfo(String name, int train, int test, int trainLimit, int testLimit) {

    /**
     * Refuses {@code data} unless it is the data the checkpoint in {@code runFolder} was made with.
     *
     * @throws RunException naming both
     */
    public void check(Path runFolder, TrainingData data) throws RunException {
      if (train != data.trainCount() || test != data.testCount() || !name.equals(data.name())) {
        throw new RunException("the checkpoint in " + runFolder + " was made with " + name + " (" + train
            + " training, " + test + " test images), but this run has " + data.name() + " (" + data.trainCount()
            + ", " + data.testCount() + ")");
      }
    }
  }

  /** This state at another position in the same stage. */
  RunState at(Phase p, int nextIndex, long steps) {
    return new RunState(p, stage, nextIndex, steps, plan, threads, data, history, runner);
  }

  /** This state at a position in stage {@code index}. */
  RunState at(int index, Phase p, int nextIndex, long steps) {
    return new RunState(p, index, nextIndex, steps, plan, threads, data, history, runner);
  }

  /** This state with {@code state} as the runner's. */
  public RunState withRunner(JsonObject state) {
    return new RunState(phase, stage, next, trainerSteps, plan, threads, data, history, state);
  }
}
