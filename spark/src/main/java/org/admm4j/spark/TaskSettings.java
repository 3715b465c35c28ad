package org.admm4j.spark;

import java.io.Serializable;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.TrainingSchedule;

/**
 * What every task needs of the plan to rebuild and train the network on its executor (the plan itself is
 * not serialisable, and the tasks need little of it).
 *
 * @param threads the kernel pool of each task's JVM: the bits depend on it, as on a local run's pool size
 * @param syncBatches dense training and retraining average the partitions every this many batches (0: after
 *     every pass over the shard)
 * @param passes passes over the shard per epoch ({@link EpochLength#passes}); the ADMM W-step's schedule comes
 *     with its epochs already multiplied by it ({@link Schedule#times})
 */
public record TaskSettings(SparkModelFactory models, String model, long seed, int batch, int threads, int shift,
    boolean flip, int syncBatches, int passes) implements Serializable {

  public static TaskSettings of(PrunePlan plan, SparkModelFactory models, int threads, int syncBatches,
      int passes) {
    return new TaskSettings(models, plan.model(), plan.seed(), plan.batch(), threads, plan.augmentShift(),
        plan.augmentFlip(), syncBatches, passes);
  }

  /**
   * Averaging rounds per epoch for shards of at most {@code largestShard} images: one per pass over the shard,
   * or, every {@code syncBatches} batches, the slices of each pass.
   */
  public int roundsPerEpoch(int largestShard) {
    return passes * slicesPerPass(largestShard);
  }

  /** Averaging rounds per pass over a shard of at most {@code largestShard} images. */
  public int slicesPerPass(int largestShard) {
    if (syncBatches <= 0) {
      return 1;
    }
    int batches = (largestShard + batch - 1) / batch;
    return Math.max(1, (batches + syncBatches - 1) / syncBatches);
  }

  /**
   * Partition k's seed for its data order and augmentation: the plan's seed for partition 0 (so one partition
   * is the local run), a different stream for each other one.
   */
  public long seedOf(int partition) {
    return partition == 0 ? seed : seed ^ (0x9E3779B97F4A7C15L * partition);
  }

  /** A {@link TrainingSchedule} as tasks receive it. */
  public record Schedule(int epochs, String optimizer, float lr, float momentum, float weightDecay,
      String schedule) implements Serializable {

    public static Schedule of(TrainingSchedule s) {
      return new Schedule(s.epochs(), s.optimizer(), s.lr(), s.momentum(), s.weightDecay(), s.schedule());
    }

    /** This schedule with {@code factor} times the epochs. */
    public Schedule times(int factor) {
      return new Schedule(epochs * factor, optimizer, lr, momentum, weightDecay, schedule);
    }

    public TrainingSchedule toSchedule() {
      return new TrainingSchedule(epochs, optimizer, lr, momentum, weightDecay, schedule);
    }
  }
}
