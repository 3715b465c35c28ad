package org.admm4j.admm.pipeline;

/** The phases of a pruning run, in order; a checkpoint records the phase and the next epoch/iteration in it. */
public enum Phase {
  /** Dense training (skipped when the run starts from a trained model). */
  DENSE,
  /** ADMM iterations: W-step epochs, then the Z- and U-steps. */
  ADMM,
  /** Masked retraining after hard pruning. */
  RETRAIN,
  /** Finished: the outputs are written. */
  DONE
}
