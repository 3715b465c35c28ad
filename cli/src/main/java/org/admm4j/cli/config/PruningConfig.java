package org.admm4j.cli.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.TrainingSchedule;

/**
 * What the settings of a {@code prune} command resolve to: the library's typed {@link PrunePlan}, the
 * number of worker threads of the pool the command runs it on (not part of the plan: the library takes a
 * pool from its caller), and the global compression whose layer targets the run allocates (null: the
 * plan's own targets).
 */
public record PruningConfig(PrunePlan plan, int threads, AllocationTarget allocation) {

  public PruningConfig(PrunePlan plan, int threads) {
    this(plan, threads, null);
  }

  public String preset() { return plan.preset(); }
  public String model() { return plan.model(); }
  public String dataset() { return plan.dataset(); }
  public long seed() { return plan.seed(); }
  public int admmIterations() { return plan.admmIterations(); }
  public RhoSchedule rho() { return plan.rho(); }
  public java.util.List<LayerRule> layers() { return plan.layers(); }
  public int augmentShift() { return plan.augmentShift(); }
  public Distillation distillation() { return plan.distillation(); }

  /** The flat settings that reproduce this configuration ({@link PruningConfigParser} reads them back). */
  public LinkedHashMap<String, String> toSettings() {
    LinkedHashMap<String, String> s = new LinkedHashMap<>();
    s.put("preset", plan.preset());
    s.put("model", plan.model());
    s.put("dataset", plan.dataset());
    s.put("batch", Integer.toString(plan.batch()));
    s.put("seed", Long.toString(plan.seed()));
    s.put("threads", Integer.toString(threads));
    putSchedule(s, "dense", plan.dense());
    s.put("admm.iterations", Integer.toString(plan.admmIterations()));
    putSchedule(s, "admm", plan.admm());
    s.put("rho.initial", Double.toString(plan.rho().initial()));
    s.put("rho.growth", Double.toString(plan.rho().growth()));
    s.put("rho.max", Double.toString(plan.rho().max()));
    s.put("prune.support", plan.hardPrune().name().toLowerCase(Locale.ROOT));
    putSchedule(s, "retrain", plan.retrain());
    s.put("augment.shift", Integer.toString(plan.augmentShift()));
    s.put("augment.flip", Boolean.toString(plan.augmentFlip()));
    s.put("distill.weight", Float.toString(plan.distillation().weight()));
    s.put("distill.temperature", Float.toString(plan.distillation().temperature()));
    s.put("distill.phases", plan.distillation().phases());
    for (LayerRule r : plan.layers()) {
      if (r.nonzeros() >= 0) {
        s.put(ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.NONZEROS_SUFFIX, Long.toString(r.nonzeros()));
      } else {
        s.put(ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.KEEP_SUFFIX, Double.toString(r.keepFraction()));
      }
      if (r.structure().grouped()) {
        s.put(ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.STRUCTURE_SUFFIX, r.structure().setting());
      }
    }
    for (org.admm4j.admm.config.QuantizationRule q : plan.quantization()) {
      s.put(ConfigSettings.LAYERS_PREFIX + q.pattern() + QuantizationSettings.BITS_SUFFIX, Integer.toString(q.bits()));
      s.put(ConfigSettings.LAYERS_PREFIX + q.pattern() + QuantizationSettings.QUANTIZER_SUFFIX,
          q.mode().name().toLowerCase(Locale.ROOT));
    }
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage st = plan.stages().get(i);
      String prefix = ConfigSettings.STAGES + "." + (i + 2) + ".";
      if (st.compression() != 0) {
        s.put(prefix + "compression", Double.toString(st.compression()));
      }
      for (LayerRule r : st.layers()) {
        if (r.nonzeros() >= 0) {
          s.put(prefix + ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.NONZEROS_SUFFIX,
              Long.toString(r.nonzeros()));
        } else {
          s.put(prefix + ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.KEEP_SUFFIX,
              Double.toString(r.keepFraction()));
        }
      }
      s.put(prefix + "admm.iterations", Integer.toString(st.admmIterations()));
      s.put(prefix + "rho.initial", Double.toString(st.rho().initial()));
      s.put(prefix + "rho.growth", Double.toString(st.rho().growth()));
      s.put(prefix + "rho.max", Double.toString(st.rho().max()));
      putSchedule(s, prefix + "retrain", st.retrain());
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
