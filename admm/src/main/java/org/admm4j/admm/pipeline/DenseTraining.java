package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.Model;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.train.Trainer;

/** Plain dense training with a line per epoch (the {@code train} command). */
public final class DenseTraining {

  private DenseTraining() {}

  /**
   * @param accuracy test accuracy after the last epoch, percent
   * @param imagesPerSecond training images per second over all epochs (training passes only)
   * @param epochs one object per epoch: epoch, loss, train_accuracy, accuracy, lr, images_per_second, seconds
   */
  public record Outcome(double accuracy, double imagesPerSecond, JsonArray epochs) {}

  public static Outcome run(Model model, TrainingData data, TrainingSchedule s, int threads, int batch, long seed,
      int shift, RunListener log) {
    Optimizer opt = Optimizers.create(s, model.parameters());
    Trainer trainer = new Trainer(model, opt, threads, batch);
    trainer.setAugmentation(shift, data.blankPixel(), seed);
    JsonArray epochs = new JsonArray();
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
      JsonObject rec = new JsonObject();
      rec.addProperty("epoch", e + 1);
      rec.addProperty("loss", st.meanLoss());
      rec.addProperty("train_accuracy", st.trainAccuracy());
      rec.addProperty("accuracy", acc);
      rec.addProperty("lr", opt.learningRate());
      rec.addProperty("images_per_second", st.imagesPerSecond());
      rec.addProperty("seconds", sec);
      epochs.add(rec);
      log.line(String.format(Locale.ROOT, "epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, s.epochs(), st.meanLoss(), st.imagesPerSecond(), acc, sec));
    }
    if (s.epochs() == 0) {
      acc = trainer.accuracy(data.testImages(), data.testLabels(), data.testCount());
    }
    return new Outcome(acc, trainSeconds > 0 ? images / trainSeconds : 0, epochs);
  }
}
