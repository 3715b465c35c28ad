package org.admm4j.admm.pipeline;

import org.admm4j.admm.config.PrunePlan;

/**
 * Where in its plan a run stands and what it has recorded by then: the bounds a checkpoint's state must
 * keep for a resumed run to index its stages and its records (a stage's summary reads the stage's last
 * ADMM and retraining records).
 */
final class RunPosition {

  private RunPosition() {}

  /** Epochs (or ADMM iterations) of {@code phase} in stage {@code stage}: the largest "next" it can save. */
  static int length(PrunePlan plan, Phase phase, int stage) {
    return switch (phase) {
      case DENSE -> plan.dense().epochs();
      case ADMM -> plan.admmIterations(stage);
      case RETRAIN -> plan.retrain(stage).epochs();
      case DONE -> 0;
    };
  }

  /**
   * Checks that {@code s} (not done) has as many records of each kind as the run made before it saved: the
   * dense epochs (none when it started from a trained model), every earlier stage's ADMM iterations and
   * retraining epochs and this stage's so far, and one summary per earlier stage.
   *
   * @throws IllegalArgumentException naming the record list that does not fit
   */
  static void checkRecords(RunState s) {
    PrunePlan plan = s.plan();
    RunHistory h = s.history();
    long admm = 0;
    long retrain = 0;
    for (int t = 0; t < s.stage(); t++) {
      admm += plan.admmIterations(t);
      retrain += plan.retrain(t).epochs();
    }
    long dense = h.from != null ? 0 : s.phase() == Phase.DENSE ? s.next() : plan.dense().epochs();
    admm += s.phase() == Phase.ADMM ? s.next() : s.phase() == Phase.RETRAIN ? plan.admmIterations(s.stage()) : 0;
    retrain += s.phase() == Phase.RETRAIN ? s.next() : 0;
    long stages = plan.stages().isEmpty() ? 0 : s.stage();
    check("progress.dense_epochs", h.denseEpochs.size(), dense, s);
    check("progress.admm_iterations", h.admmIterations.size(), admm, s);
    check("progress.retrain_epochs", h.retrainEpochs.size(), retrain, s);
    check("progress.stages", h.stages.size(), stages, s);
  }

  private static void check(String list, int found, long expected, RunState s) {
    if (found != expected) {
      throw new IllegalArgumentException(list + " holds " + found + " records, expected " + expected + " at "
          + s.phase().name().toLowerCase(java.util.Locale.ROOT) + " " + s.next() + " of stage " + (s.stage() + 1));
    }
  }
}
