package org.admm4j.admm.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.train.Trainer;

/**
 * Plain dense training with a line per epoch (the {@code train} command), on the caller's pool (installed
 * for the training and the previous one put back, as {@link PruneRun} does).
 */
public final class DenseTraining {

  private DenseTraining() {}

  /** One epoch: 1-based index, mean loss, training and test accuracy (percent), learning rate, speed, time. */
  public record Epoch(int epoch, double loss, double trainAccuracy, double accuracy, float lr, double imagesPerSecond,
      double seconds) {}

  /**
   * @param accuracy test accuracy after the last epoch, percent
   * @param imagesPerSecond training images per second over all epochs (training passes only)
   */
  public record Outcome(double accuracy, double imagesPerSecond, List<Epoch> epochs) {}

  public static Outcome run(Model model, TrainingData data, TrainingSchedule s, ForkJoinPool pool, int batch,
      long seed, int shift, boolean flip, RunListener log) {
    ForkJoinPool previous = KernelThreads.pool();
    KernelThreads.setPool(pool);
    try {
      return train(model, data, s, pool.getParallelism(), batch, seed, shift, flip, log);
    } finally {
      KernelThreads.setPool(previous);
    }
  }

  private static Outcome train(Model model, TrainingData data, TrainingSchedule s, int threads, int batch, long seed,
      int shift, boolean flip, RunListener log) {
    Optimizer opt = Optimizers.create(s, model.parameters());
    Trainer trainer = new Trainer(model, opt, threads, batch);
    trainer.setAugmentation(DataFit.augmentation(shift, flip, data, seed));
    List<Epoch> epochs = new ArrayList<>();
    double trainSeconds = 0;
    long images = 0;
    double acc = Double.NaN;
    for (int e = 0; e < s.epochs(); e++) {
      long t0 = System.nanoTime();
      opt.setLearningRate(s.lrAt(e, s.epochs()));
      EpochStats st = EpochRunner.run(trainer, data, seed, e, "epoch " + (e + 1) + "/" + s.epochs(), log);
      acc = trainer.accuracy(data.testImages(), data.testLabels(), data.testCount());
      double sec = (System.nanoTime() - t0) / 1e9;
      trainSeconds += st.wallSeconds();
      images += data.trainCount();
      epochs.add(new Epoch(e + 1, st.meanLoss(), st.trainAccuracy(), acc, opt.learningRate(), st.imagesPerSecond(),
          sec));
      log.line(String.format(Locale.ROOT, "epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, s.epochs(), st.meanLoss(), st.imagesPerSecond(), acc, sec));
    }
    if (s.epochs() == 0) {
      acc = trainer.accuracy(data.testImages(), data.testLabels(), data.testCount());
    }
    return new Outcome(acc, trainSeconds > 0 ? images / trainSeconds : 0, List.copyOf(epochs));
  }
}
