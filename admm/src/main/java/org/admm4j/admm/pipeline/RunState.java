package org.admm4j.admm.pipeline;

import org.admm4j.admm.config.PrunePlan;

/**
 * Where a run stands, as its checkpoint records it: the phase and the next epoch (or iteration) in it,
 * the optimizer steps taken (augmentation and distillation hash them), the plan, the pool size the bits
 * depend on, the data it ran on and what it has recorded so far.
 *
 * @param stage 0-based index of the stage of a progressive run the phase belongs to (0 = stage 1, the
 *     only one of a plan without stages)
 * @param next 0-based index of the next epoch or iteration of {@code phase}
 */
public record RunState(Phase phase, int stage, int next, long trainerSteps, PrunePlan plan, int threads, DataInfo data,
    RunHistory history) {

  /**
   * The data a run was made with, checked on resume.
   *
   * @param trainLimit,testLimit the image limits the caller applied (≤ 0: none), recorded so a resumed run
   *     can load the same subset
   */
  public record DataInfo(String name, int train, int test, int trainLimit, int testLimit) {}

  /** This state at another position in the same stage. */
  RunState at(Phase p, int nextIndex, long steps) {
    return new RunState(p, stage, nextIndex, steps, plan, threads, data, history);
  }

  /** This state at a position in stage {@code index}. */
  RunState at(int index, Phase p, int nextIndex, long steps) {
    return new RunState(p, index, nextIndex, steps, plan, threads, data, history);
  }
}
