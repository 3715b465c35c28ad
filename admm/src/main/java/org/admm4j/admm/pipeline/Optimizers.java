package org.admm4j.admm.pipeline;

import java.util.List;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.Adam;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.optim.Sgd;

/** Builds the optimizer a {@link TrainingSchedule} names. */
public final class Optimizers {

  private Optimizers() {}

  /** SGD with momentum (no Nesterov) or Adam (β = 0.9, 0.999, ε = 1e-8), with the schedule's weight decay. */
  public static Optimizer create(TrainingSchedule s, List<Parameter> parameters) {
    if (s.optimizer().equals("adam")) {
      return new Adam(parameters, s.lr(), 0.9f, 0.999f, 1e-8f, s.weightDecay());
    }
    return new Sgd(parameters, s.lr(), s.momentum(), false, s.weightDecay());
  }
}
