package org.admm4j.admm.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete, validated pruning run: what to prune ({@link #layers}: layers no rule matches stay
 * dense), the dense training before it, the ADMM iterations (each: {@code admm.epochs()} W-step epochs,
 * one Z-step, one U-step) with ρ's schedule, how to hard-prune, and the masked retraining after it.
 *
 * @param preset the preset the settings started from
 * @param threads worker threads of the kernel pool (results are reproducible for a given count)
 * @param dense the dense training before pruning (epochs may be 0 when starting from a trained model)
 * @param admmIterations number of ADMM iterations
 * @param admm the W-step: {@code epochs} per ADMM iteration, optimizer, learning rate; its schedule runs
 *     over all W-step epochs of the phase
 * @param retrain the masked retraining after hard pruning
 * @param augmentShift random translations of the training images by up to this many pixels, in every
 *     training phase (dense, ADMM, retraining); 0 = none
 * @param distillation distillation from the dense model in the ADMM and/or retraining phases
 */
public record PruningConfig(String preset, String model, String dataset, int batch, long seed, int threads,
    TrainingSchedule dense, int admmIterations, TrainingSchedule admm, RhoSchedule rho,
    HardPruneSupport hardPrune, TrainingSchedule retrain, List<LayerRule> layers, int augmentShift,
    Distillation distillation) {

  public PruningConfig {
    layers = List.copyOf(layers);
  }

  /** The flat settings that reproduce this configuration (the form saved with checkpoints and reports). */
  public LinkedHashMap<String, String> toSettings() {
    LinkedHashMap<String, String> s = new LinkedHashMap<>();
    s.put("preset", preset);
    s.put("model", model);
    s.put("dataset", dataset);
    s.put("batch", Integer.toString(batch));
    s.put("seed", Long.toString(seed));
    s.put("threads", Integer.toString(threads));
    putSchedule(s, "dense", dense);
    s.put("admm.iterations", Integer.toString(admmIterations));
    putSchedule(s, "admm", admm);
    s.put("rho.initial", Double.toString(rho.initial()));
    s.put("rho.growth", Double.toString(rho.growth()));
    s.put("rho.max", Double.toString(rho.max()));
    s.put("prune.support", hardPrune.name().toLowerCase(java.util.Locale.ROOT));
    putSchedule(s, "retrain", retrain);
    s.put("augment.shift", Integer.toString(augmentShift));
    s.put("distill.weight", Float.toString(distillation.weight()));
    s.put("distill.temperature", Float.toString(distillation.temperature()));
    s.put("distill.phases", distillation.phases());
    for (LayerRule r : layers) {
      if (r.nonzeros() >= 0) {
        s.put("layers." + r.pattern() + ".nonzeros", Long.toString(r.nonzeros()));
      } else {
        s.put("layers." + r.pattern() + ".keep", Double.toString(r.keepFraction()));
      }
    }
    return s;
  }

  private static void putSchedule(Map<String, String> s, String phase, TrainingSchedule t) {
    s.put(phase + ".epochs", Integer.toString(t.epochs()));
    s.put(phase + ".optimizer", t.optimizer());
    s.put(phase + ".lr", Float.toString(t.lr()));
    s.put(phase + ".momentum", Float.toString(t.momentum()));
    s.put(phase + ".weight_decay", Float.toString(t.weightDecay()));
    s.put(phase + ".schedule", t.schedule());
  }
}
