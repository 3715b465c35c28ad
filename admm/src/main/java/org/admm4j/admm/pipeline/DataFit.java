package org.admm4j.admm.pipeline;

import java.util.Arrays;
import org.admm4j.nn.Model;
import org.admm4j.nn.train.Augmentation;

/** Whether a dataset fits a model, and the augmentation a plan asks for on that data. */
public final class DataFit {

  private DataFit() {}

  /**
   * Refuses data whose sample shape differs from the model's input, or whose labels reach past the
   * model's classes, naming both shapes or counts.
   */
  public static void check(Model model, TrainingData data, String modelName) throws RunException {
    if (!Arrays.equals(model.inputShape(), data.shape())) {
      throw new RunException("dataset " + data.name() + " has samples of shape " + Arrays.toString(data.shape())
          + " but model " + modelName + " takes " + Arrays.toString(model.inputShape()));
    }
    if (data.classes() > model.classes()) {
      throw new RunException("dataset " + data.name() + " has " + data.classes() + " classes but model " + modelName
          + " gives " + model.classes() + " outputs");
    }
  }

  /** Shifts of up to {@code shift} pixels and, with {@code flip}, mirrors; borders get each channel's blank pixel. */
  public static Augmentation augmentation(int shift, boolean flip, TrainingData data, long seed) {
    return new Augmentation(shift, flip, data.blankPixel(), seed);
  }
}
