package org.admm4j.admm.config;

/**
 * Knowledge distillation from the dense model into the model being pruned: the loss mixes the labels'
 * cross-entropy with the KL divergence to the dense model's softened predictions.
 *
 * @param weight α in [0, 1], the soft term's share; 0 turns distillation off
 * @param temperature T &gt; 0 of both softmaxes
 * @param inAdmm whether the ADMM W-steps distil
 * @param inRetrain whether masked retraining distils
 */
public record Distillation(float weight, float temperature, boolean inAdmm, boolean inRetrain) {

  /** Distillation off. */
  public static final Distillation NONE = new Distillation(0f, 4f, false, true);

  /** Whether the given phase trains against the teacher. */
  public boolean activeIn(String phase) {
    if (weight == 0) {
      return false;
    }
    return phase.equals("admm") ? inAdmm : phase.equals("retrain") && inRetrain;
  }

  /** {@code distill.phases} as written in settings. */
  public String phases() {
    return inAdmm && inRetrain ? "admm,retrain" : inAdmm ? "admm" : inRetrain ? "retrain" : "none";
  }
}
