package org.admm4j.admm.pipeline;

import org.admm4j.admm.config.PrunePlan;

/** The phases of a pruning run, in order; a checkpoint records the phase and the next epoch/iteration in it. */
public enum Phase {
  /** Dense training (skipped when the run starts from a trained model). */
  DENSE,
  /** ADMM iterations: W-step epochs, then the Z- and U-steps. */
  ADMM,
  /** Masked retraining after hard pruning. */
  RETRAIN,
  /** Finished: the outputs are written. */
  DONE;

  /**
   * Epochs (ADMM iterations for {@link #ADMM}) of this phase in stage {@code stage} of {@code plan}: the
   * largest next epoch or iteration a checkpoint of it records.
   *
   * @throws IndexOutOfBoundsException when the plan has no such stage
   */
  int length(PrunePlan plan, int stage) {
    return switch (this) {
      case DENSE -> plan.dense().epochs();
      case ADMM -> plan.admmIterations(stage);
      case RETRAIN -> plan.retrain(stage).epochs();
      case DONE -> 0;
    };
  }
}
