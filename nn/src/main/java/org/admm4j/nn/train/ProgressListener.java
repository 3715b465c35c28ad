package org.admm4j.nn.train;

/** Told after every training batch; called on the thread that called {@link Trainer#trainEpoch}. */
@FunctionalInterface
public interface ProgressListener {

  /** {@code done} of {@code total} samples trained so far this epoch; running mean loss. */
  void batchDone(int done, int total, float runningLoss);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return (done, total, loss) -> {};
  }
}
