package org.admm4j.admm.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A complete pruning run, typed: what to prune ({@link #layers}: layers no rule matches stay dense), the
 * dense training before it, the ADMM iterations (each: {@code admm.epochs()} W-step epochs, one Z-step,
 * one U-step) with ρ's schedule, how to hard-prune, and the masked retraining after it. Build one with
 * {@link #builder()}; the command line's presets and settings files end up here too.
 *
 * @param preset a label for reports (the preset the settings started from, or {@code custom})
 * @param model the model's name, passed to the run's model factory (and recorded)
 * @param dataset the data's name, recorded
 * @param seed seed of initialisation, data order and augmentation; same seed + same pool size ⇒ same bits
 * @param dense the dense training before pruning (epochs may be 0 when starting from a trained model)
 * @param admmIterations number of ADMM iterations
 * @param admm the W-step: {@code epochs} per ADMM iteration, optimizer, learning rate; its schedule runs
 *     over all W-step epochs of the phase
 * @param retrain the masked retraining after hard pruning
 * @param augmentShift random translations of the training images by up to this many pixels, in every
 *     training phase (dense, ADMM, retraining); 0 = none
 * @param augmentFlip random horizontal flips of the training images in every training phase
 * @param distillation distillation from the dense model in the ADMM and/or retraining phases
 * @param stages the further stages of a progressive run (stage 2, 3, …; the plan's own targets and schedule
 *     are stage 1), each with the plan's ADMM iterations, ρ and retraining where it gives none of its own;
 *     empty: one stage, the run as before stages existed
 * @param quantization joint pruning and quantization of the last stage's layers ({@link QuantizationRule});
 *     empty: float weights
 */
public record PrunePlan(String preset, String model, String dataset, int batch, long seed,
    TrainingSchedule dense, int admmIterations, TrainingSchedule admm, RhoSchedule rho,
    HardPruneSupport hardPrune, TrainingSchedule retrain, List<LayerRule> layers, int augmentShift,
    boolean augmentFlip, Distillation distillation, List<Stage> stages, List<QuantizationRule> quantization) {

  public PrunePlan {
    layers = List.copyOf(layers);
    quantization = List.copyOf(quantization);
    List<Stage> resolved = new ArrayList<>();
    for (Stage s : stages) {
      resolved.add(s.resolvedAgainst(admmIterations, rho, retrain));
    }
    stages = List.copyOf(resolved);
    if (batch < 1 || admmIterations < 1 || augmentShift < 0) {
      throw new IllegalArgumentException("batch and admmIterations must be at least 1 and augmentShift at least 0,"
          + " got " + batch + ", " + admmIterations + ", " + augmentShift);
    }
  }

  /** A plan without quantization. */
  public PrunePlan(String preset, String model, String dataset, int batch, long seed,
      TrainingSchedule dense, int admmIterations, TrainingSchedule admm, RhoSchedule rho,
      HardPruneSupport hardPrune, TrainingSchedule retrain, List<LayerRule> layers, int augmentShift,
      boolean augmentFlip, Distillation distillation, List<Stage> stages) {
    this(preset, model, dataset, batch, seed, dense, admmIterations, admm, rho, hardPrune, retrain, layers,
        augmentShift, augmentFlip, distillation, stages, List.of());
  }

  /** This plan with {@code rules} as its quantization. */
  public PrunePlan withQuantization(List<QuantizationRule> rules) {
    return new PrunePlan(preset, model, dataset, batch, seed, dense, admmIterations, admm, rho, hardPrune, retrain,
        layers, augmentShift, augmentFlip, distillation, stages, rules);
  }

  /** This plan with {@code rules} as its layer targets instead of its own. */
  public PrunePlan withLayers(List<LayerRule> rules) {
    return new PrunePlan(preset, model, dataset, batch, seed, dense, admmIterations, admm, rho, hardPrune, retrain,
        rules, augmentShift, augmentFlip, distillation, stages, quantization);
  }

  /** This plan with {@code further} as its stages 2, 3, … instead of its own. */
  public PrunePlan withStages(List<Stage> further) {
    return new PrunePlan(preset, model, dataset, batch, seed, dense, admmIterations, admm, rho, hardPrune, retrain,
        layers, augmentShift, augmentFlip, distillation, further, quantization);
  }

  /** Number of stages: 1 + {@code stages().size()}. */
  public int stageCount() {
    return 1 + stages.size();
  }

  /** ADMM iterations of stage {@code index} (0 = stage 1, the plan's own). */
  public int admmIterations(int index) {
    return index == 0 ? admmIterations : stages.get(index - 1).admmIterations();
  }

  /** ρ schedule of stage {@code index} (0 = stage 1). */
  public RhoSchedule rho(int index) {
    return index == 0 ? rho : stages.get(index - 1).rho();
  }

  /** Masked retraining of stage {@code index} (0 = stage 1). */
  public TrainingSchedule retrain(int index) {
    return index == 0 ? retrain : stages.get(index - 1).retrain();
  }

  /**
   * A builder whose defaults are the LeNet-5 presets' schedule (5 dense SGD epochs, 15 ADMM iterations of one
   * Adam epoch at ρ 0.003 ×1.3 up to 0.1, Z's support, 8 masked SGD epochs, ±2-pixel shifts, no
   * distillation) and no layer targets: add some with {@link Builder#keep} or {@link Builder#nonzeros}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PrunePlan}; every setter returns this builder. */
  public static final class Builder {
    private String preset = "custom";
    private String model = "lenet5";
    private String dataset = "mnist";
    private int batch = 64;
    private long seed = 42;
    private TrainingSchedule dense = new TrainingSchedule(5, "sgd", 0.03f, 0.9f, 0.0005f, "cosine");
    private int admmIterations = 15;
    private TrainingSchedule admm = new TrainingSchedule(1, "adam", 0.001f, 0.9f, 0f, "constant");
    private RhoSchedule rho = new RhoSchedule(0.003, 1.3, 0.1);
    private HardPruneSupport hardPrune = HardPruneSupport.Z;
    private TrainingSchedule retrain = new TrainingSchedule(8, "sgd", 0.01f, 0.9f, 0.0005f, "cosine");
    private final List<LayerRule> layers = new ArrayList<>();
    private int augmentShift = 2;
    private boolean augmentFlip;
    private Distillation distillation = Distillation.NONE;
    private final List<Stage> stages = new ArrayList<>();
    private final List<QuantizationRule> quantization = new ArrayList<>();

    private Builder() {}

    public Builder preset(String label) { preset = label; return this; }
    public Builder model(String name) { model = name; return this; }
    public Builder dataset(String name) { dataset = name; return this; }
    public Builder batch(int size) { batch = size; return this; }
    public Builder seed(long s) { seed = s; return this; }
    /** Dense training before pruning. */
    public Builder dense(TrainingSchedule s) { dense = s; return this; }
    /** {@code iterations} ADMM iterations whose W-steps train with {@code wStep} ({@code epochs} each). */
    public Builder admm(int iterations, TrainingSchedule wStep) { admmIterations = iterations; admm = wStep; return this; }
    public Builder rho(RhoSchedule r) { rho = r; return this; }
    public Builder hardPrune(HardPruneSupport support) { hardPrune = support; return this; }
    /** Masked retraining after hard pruning. */
    public Builder retrain(TrainingSchedule s) { retrain = s; return this; }
    /** Keep {@code fraction} of the weights of the layers {@code pattern} names (a name, glob or {@code kind:conv}). */
    public Builder keep(String pattern, double fraction) { layers.add(LayerRule.keep(pattern, fraction)); return this; }
    /**
     * Keep {@code fraction} of the {@code structure}'s groups (whole filters, channels or columns) of the
     * layers {@code pattern} names; {@link LayerStructure#WEIGHT} is {@link #keep(String, double)}.
     */
    public Builder keep(String pattern, double fraction, LayerStructure structure) {
      layers.add(LayerRule.keep(pattern, fraction, structure));
      return this;
    }
    /** Keep exactly {@code count} weights of the layers {@code pattern} names. */
    public Builder nonzeros(String pattern, long count) { layers.add(LayerRule.nonzeros(pattern, count)); return this; }
    /** Adds rules (later rules win over earlier globs, exact names over globs: {@link LayerTargets}). */
    public Builder layers(List<LayerRule> rules) { layers.addAll(rules); return this; }
    public Builder augmentShift(int pixels) { augmentShift = pixels; return this; }
    /** Random horizontal flips (off by default: digits are not mirror-symmetric). */
    public Builder augmentFlip(boolean flip) { augmentFlip = flip; return this; }
    public Builder distillation(Distillation d) { distillation = d; return this; }
    /** Adds a further stage (stage 2 first): progressive pruning from the previous stage's support. */
    public Builder stage(Stage s) { stages.add(s); return this; }
    /** Adds further stages, in order. */
    public Builder stages(List<Stage> s) { stages.addAll(s); return this; }

    /** Quantizes the layers {@code pattern} names to {@code bits} (2..8) in the last stage. */
    public Builder quantize(String pattern, int bits, org.admm4j.admm.quant.QuantizationMode mode) {
      quantization.add(new QuantizationRule(pattern, bits, mode));
      return this;
    }

    public PrunePlan build() {
      return new PrunePlan(preset, model, dataset, batch, seed, dense, admmIterations, admm, rho, hardPrune,
          retrain, layers, augmentShift, augmentFlip, distillation, stages, quantization);
    }
  }
}
