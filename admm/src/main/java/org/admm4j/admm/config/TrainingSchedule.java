package org.admm4j.admm.config;

/**
 * How one phase trains: number of epochs, optimizer and its hyper-parameters, and the learning-rate
 * schedule over the phase's epochs.
 *
 * @param optimizer {@code sgd} (momentum, Nesterov off) or {@code adam}
 * @param schedule {@code constant}, {@code step} (×0.1 at 50% and 75% of the epochs) or {@code cosine} (to 0)
 */
public record TrainingSchedule(int epochs, String optimizer, float lr, float momentum, float weightDecay,
    String schedule) {

  /**
   * The learning rate of epoch {@code epoch} (0-based) of {@code totalEpochs}. Defined here, from the
   * phase's own epoch index only, so a resumed run uses exactly the rates of an uninterrupted one.
   */
  public float lrAt(int epoch, int totalEpochs) {
    switch (schedule) {
      case "cosine":
        return (float) (lr * 0.5 * (1 + Math.cos(Math.PI * epoch / Math.max(1, totalEpochs))));
      case "step":
        float f = epoch >= 0.75 * totalEpochs ? 0.01f : epoch >= 0.5 * totalEpochs ? 0.1f : 1f;
        return lr * f;
      default:
        return lr;
    }
  }
}
