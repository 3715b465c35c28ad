package org.admm4j.admm.pipeline;

import org.admm4j.admm.config.PrunePlan;

/**
 * Where a run stands, as its checkpoint records it: the phase and the next epoch (or iteration) in it,
 * the optimizer steps taken (augmentation and distillation hash them), the plan, the pool size the bits
 * depend on, the data it ran on and what it has recorded so far.
 *
 * @param next 0-based index of the next epoch or iteration of {@code phase}
 */
public record RunState(Phase phase, int next, long trainerSteps, PrunePlan plan, int threads, DataInfo data,
    RunHistory history) {

  /**
   * The data a run was made with, checked on resume.
   *
   * @param trainLimit,testLimit the image limits the caller applied (≤ 0: none), recorded so a resumed run
   *     can load the same subset
   */
  public record DataInfo(String name, int train, int test, int trainLimit, int testLimit) {}

  /** This state at another position. */
  RunState at(Phase p, int nextIndex, long steps) {
    return new RunState(p, nextIndex, steps, plan, threads, data, history);
  }
}
