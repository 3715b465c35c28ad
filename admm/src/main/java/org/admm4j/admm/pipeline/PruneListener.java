package org.admm4j.admm.pipeline;

/**
 * Typed events of a pruning run: one per dense or retraining epoch and one per ADMM iteration, delivered
 * after the epoch or iteration (and its checkpoint, when the run has a folder). A handler that returns
 * {@link Control#STOP} ends the run there, as if it had been killed: with a run folder it can be resumed.
 */
public interface PruneListener {

  /** Listens to nothing. */
  PruneListener NONE = new PruneListener() {};

  /** What the run does after an event. */
  enum Control { CONTINUE, STOP }

  /**
   * A dense ({@link Phase#DENSE}) or retraining ({@link Phase#RETRAIN}) epoch ended.
   *
   * @param epochs the epochs of this phase (of this stage)
   * @param stage 1-based stage of a progressive run (always 1 for dense epochs and for a plan without stages)
   */
  record EpochEvent(Phase phase, int epochs, EpochRecord record, int stage) {}

  /**
   * An ADMM iteration ended; its record holds the residuals ‖W−Z‖ and ρ‖Z−Z_prev‖ per layer.
   *
   * @param iterations the ADMM iterations of this stage
   * @param stage 1-based stage of a progressive run (1 for a plan without stages)
   */
  record AdmmIterationEvent(int iterations, AdmmIterationRecord record, int stage) {}

  /**
   * Stops the run after its {@code events}-th epoch or ADMM iteration (counting both), as if it had been killed
   * there; a fresh listener per run, since it counts.
   */
  static PruneListener stopAfter(int events) {
    if (events < 1) {
      throw new IllegalArgumentException("stop after at least 1 event, got " + events);
    }
    int[] seen = new int[1];
    return new PruneListener() {
      @Override
      public Control onEpoch(EpochEvent event) {
        return ++seen[0] >= events ? Control.STOP : Control.CONTINUE;
      }

      @Override
      public Control onAdmmIteration(AdmmIterationEvent event) {
        return ++seen[0] >= events ? Control.STOP : Control.CONTINUE;
      }
    };
  }

  default Control onEpoch(EpochEvent event) {
    return Control.CONTINUE;
  }

  default Control onAdmmIteration(AdmmIterationEvent event) {
    return Control.CONTINUE;
  }
}
