package org.admm4j.nn.optim;

/** Learning rate as a function of the epoch (0-based) out of {@code totalEpochs}. */
@FunctionalInterface
public interface LrSchedule {

  /** The learning rate for {@code epoch} (0 ≤ epoch &lt; totalEpochs). */
  float at(int epoch, int totalEpochs);

  /** The same rate every epoch. */
  static LrSchedule constant(float lr) {
    Sgd.checkNonNegative("learning rate", lr);
    return (epoch, total) -> lr;
  }

  /** {@code lr·gamma^⌊epoch/every⌋} (PyTorch's {@code StepLR}). */
  static LrSchedule step(float lr, int every, float gamma) {
    Sgd.checkNonNegative("learning rate", lr);
    Sgd.checkNonNegative("gamma", gamma);
    if (every < 1) {
      throw new IllegalArgumentException("step schedule period must be at least 1 epoch, got " + every);
    }
    return (epoch, total) -> (float) (lr * Math.pow(gamma, epoch / every));
  }

  /**
   * Cosine annealing from {@code lr} at epoch 0 towards {@code minLr}:
   * {@code minLr + (lr − minLr)·(1 + cos(π·epoch/total))/2} (PyTorch's {@code CosineAnnealingLR} with
   * {@code T_max = total}).
   */
  static LrSchedule cosine(float lr, float minLr) {
    Sgd.checkNonNegative("learning rate", lr);
    Sgd.checkNonNegative("minimum learning rate", minLr);
    return (epoch, total) -> total <= 0 ? lr
        : (float) (minLr + (lr - minLr) * (1 + Math.cos(Math.PI * epoch / total)) / 2);
  }
}
