package org.admm4j.admm.pipeline;

import java.util.Locale;
import org.admm4j.datasets.BatchOrder;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.train.Trainer;

/**
 * Runs one training epoch with a progress bar. The sample order depends only on (seed, global epoch
 * index), so a resumed run sees exactly the batches an uninterrupted one sees. Public for runs driven
 * outside {@link PruneRun} (the Spark module's consensus W-step trains its shard with it).
 */
public final class EpochRunner {

  private EpochRunner() {}

  public static EpochStats run(Trainer trainer, TrainingData data, long seed, int globalEpoch, String label,
      RunListener listener) {
    return run(trainer, data, seed, globalEpoch, 0, Integer.MAX_VALUE, label, listener);
  }

  /**
   * Batches {@code [fromBatch, toBatch)} of epoch {@code globalEpoch}'s order only (clipped to the epoch):
   * the slices 0..H, H..2H, … of one epoch, run one after the other, are the whole epoch's steps, bit for bit.
   */
  public static EpochStats run(Trainer trainer, TrainingData data, long seed, int globalEpoch, int fromBatch,
      int toBatch, String label, RunListener listener) {
    int[] order = BatchOrder.shuffled(data.trainCount(), seed, globalEpoch);
    int b = trainer.batchSize();
    int from = (int) Math.min(order.length, (long) fromBatch * b), to = (int) Math.min(order.length, (long) toBatch * b);
    if (from > 0 || to < order.length) {
      order = java.util.Arrays.copyOfRange(order, from, Math.max(from, to));
    }
    long batches = (order.length + trainer.batchSize() - 1) / trainer.batchSize();
    try (RunListener.ProgressTask bar = listener.begin(label, batches)) {
      int batch = trainer.batchSize();
      long t0 = System.nanoTime();
      return trainer.trainEpoch(data.trainImages(), data.trainLabels(), data.trainCount(), order,
          (done, total, loss) -> bar.update((done + batch - 1) / batch, String.format(Locale.ROOT,
              "loss %.4f, %.0f img/s", loss, done / Math.max(1e-9, (System.nanoTime() - t0) / 1e9))));
    }
  }
}
