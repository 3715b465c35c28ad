package org.admm4j.admm.config;

import java.util.List;

/**
 * One further stage of a progressive (multi-stage) run: the plan's own targets and schedule are stage 1,
 * each {@code Stage} of {@link PrunePlan#stages} is stage 2, 3, … Its ADMM starts from the previous
 * stage's retrained, masked model, keeps that mask as a constraint (its Z-step projects onto the top-k
 * within the previous support, so the new support is a subset), restarts ρ, then hard-prunes and retrains
 * with the new mask.
 *
 * <p>Targets take one of two forms: {@code layers} (rules as in {@link PrunePlan#layers}; a layer no rule
 * names keeps its previous stage's count), or {@code compression} (the layers pruned in stage 1 keep their
 * stage-1 proportions, all scaled by one factor so that the model reaches that compression over its conv
 * and linear weights; layers dense in stage 1 stay dense). Either way no layer may keep more weights than
 * in the previous stage.
 *
 * @param layers the stage's layer rules; empty when {@code compression} is given
 * @param compression the stage's compression (total weights / non-zeros, &gt; 1), or 0 when {@code layers}
 *     are given
 * @param admmIterations the stage's ADMM iterations (0 in {@link #of}: the plan's, filled in by the builder)
 * @param rho the stage's ρ schedule, restarted at iteration 0 (null: the plan's)
 * @param retrain the stage's masked retraining (null: the plan's)
 */
public record Stage(List<LayerRule> layers, double compression, int admmIterations, RhoSchedule rho,
    TrainingSchedule retrain) {

  public Stage {
    layers = List.copyOf(layers);
    if (layers.isEmpty() == (compression == 0)) {
      throw new IllegalArgumentException("a stage has layer targets or a compression, exactly one of them; got "
          + layers.size() + " rules and compression " + compression);
    }
    if (compression != 0 && !(compression > 1 && !Double.isInfinite(compression))) {
      throw new IllegalArgumentException("a stage's compression must be a finite factor > 1, got " + compression);
    }
    if (admmIterations < 0) {
      throw new IllegalArgumentException("a stage's ADMM iterations must be at least 1 (0: the plan's), got "
          + admmIterations);
    }
  }

  /** A stage whose targets are {@code rules}, with the plan's schedule. */
  public static Stage of(List<LayerRule> rules) {
    return new Stage(rules, 0, 0, null, null);
  }

  /** A stage reaching {@code factor}× by scaling stage 1's per-layer proportions, with the plan's schedule. */
  public static Stage compression(double factor) {
    return new Stage(List.of(), factor, 0, null, null);
  }

  /** This stage with {@code rules} as its targets instead of its own (an allocated compression). */
  public Stage withTargets(List<LayerRule> rules) {
    return new Stage(rules, 0, admmIterations, rho, retrain);
  }

  /** This stage with its own ADMM iterations. */
  public Stage withAdmmIterations(int iterations) {
    return new Stage(layers, compression, iterations, rho, retrain);
  }

  /** This stage with its own ρ schedule. */
  public Stage withRho(RhoSchedule r) {
    return new Stage(layers, compression, admmIterations, r, retrain);
  }

  /** This stage with its own retraining. */
  public Stage withRetrain(TrainingSchedule r) {
    return new Stage(layers, compression, admmIterations, rho, r);
  }

  /** This stage with the plan's values wherever it has none of its own. */
  Stage resolvedAgainst(int planIterations, RhoSchedule planRho, TrainingSchedule planRetrain) {
    return new Stage(layers, compression, admmIterations == 0 ? planIterations : admmIterations,
        rho == null ? planRho : rho, retrain == null ? planRetrain : retrain);
  }

  /** The targets, for messages and reports: the rules, or {@code 350x}. */
  public String describeTargets() {
    if (compression != 0) {
      return String.format(java.util.Locale.ROOT, "%sx", compression == Math.rint(compression)
          ? Long.toString((long) compression) : Double.toString(compression));
    }
    StringBuilder b = new StringBuilder();
    for (LayerRule r : layers) {
      b.append(b.length() == 0 ? "" : ", ").append(r.pattern()).append(' ').append(r.describeTarget());
    }
    return b.toString();
  }
}
