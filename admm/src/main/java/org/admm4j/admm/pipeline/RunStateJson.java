package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.quant.QuantizationMode;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.TrainingSchedule;

/**
 * The one place where a run's typed state meets JSON: {@link RunState} to and from checkpoint/state.json,
 * the plan as the flat typed {@code config} object (also report.json's), and the records as report.json
 * lists them. Keys are the settings' names ({@code rho.initial}) and snake_case record fields, as before
 * the state was typed, so older checkpoints (which held every setting as a string) still resume.
 */
public final class RunStateJson {

  private static final String LAYERS = "layers.";
  private static final String KEEP = ".keep";
  private static final String NONZEROS = ".nonzeros";
  private static final String STRUCTURE = ".structure";
  private static final String STAGES = "stages.";
  private static final String BITS = ".bits";
  private static final String QUANTIZER = ".quantizer";
  /** The ranges of the settings the command line's parser allows: a checkpoint's plan gets no more. */
  private static final int MAX_BATCH = 1 << 16;
  private static final int MAX_THREADS = 4096;
  private static final int MAX_EPOCHS = 100_000;
  private static final int MAX_SHIFT = 8;

  private RunStateJson() {}

  // ---- state.json --------------------------------------------------------------------------------------

  static JsonObject toJson(RunState s) {
    JsonObject o = new JsonObject();
    o.addProperty("phase", s.phase().name());
    if (!s.plan().stages().isEmpty()) {
      o.addProperty("stage", s.stage());
    }
    o.addProperty("next", s.next());
    o.addProperty("trainer_steps", s.trainerSteps());
    o.add("config", config(s.plan(), s.threads()));
    JsonObject data = new JsonObject();
    data.addProperty("name", s.data().name());
    data.addProperty("train", s.data().train());
    data.addProperty("test", s.data().test());
    data.addProperty("train_limit", s.data().trainLimit());
    data.addProperty("test_limit", s.data().testLimit());
    o.add("data", data);
    o.add("progress", history(s.history()));
    if (s.runner() != null) {
      o.add("runner", s.runner().deepCopy());
    }
    return o;
  }

  /**
   * The state {@link #toJson} wrote, checked so that a resumed run can rely on it: every field of the type
   * and range the run uses, and the position (stage, next epoch or iteration) within the plan.
   *
   * @throws IllegalArgumentException naming the field that is missing, mistyped or out of range
   */
  static RunState fromJson(JsonObject json) {
    StateFields o = StateFields.of(json);
    StateFields c = o.object("config");
    StateFields d = o.object("data");
    RunState.DataInfo data = new RunState.DataInfo(d.string("name"), d.integer("train", 0, Integer.MAX_VALUE),
        d.integer("test", 0, Integer.MAX_VALUE), d.integer("train_limit", Integer.MIN_VALUE, Integer.MAX_VALUE),
        d.integer("test_limit", Integer.MIN_VALUE, Integer.MAX_VALUE));
    PrunePlan plan = plan(c);
    Phase phase = o.choice("phase", Phase.class);
    int stage = o.has("stage") ? o.integer("stage", 0, plan.stageCount() - 1) : 0;
    int next = o.integer("next", 0, phase == Phase.DONE ? Integer.MAX_VALUE : phase.length(plan, stage));
    JsonObject runner = null;
    if (o.has("runner")) {
      // the runner reads the rest of its object itself
      o.object("runner").string("kind");
      runner = json.getAsJsonObject("runner").deepCopy();
    }
    return new RunState(phase, stage, next, o.has("trainer_steps") ? o.longValue("trainer_steps", 0,
        Long.MAX_VALUE) : 0, plan, c.integer("threads", 1, MAX_THREADS), data,
        o.has("progress") ? history(o.object("progress")) : new RunHistory("", ""), runner);
  }

  // ---- the plan ------------------------------------------------------------------------------------------

  /** The plan (and the pool size) as flat settings with typed values: report.json's {@code config}. */
  public static JsonObject config(PrunePlan p, int threads) {
    JsonObject o = new JsonObject();
    o.addProperty("preset", p.preset());
    o.addProperty("model", p.model());
    o.addProperty("dataset", p.dataset());
    o.addProperty("batch", p.batch());
    o.addProperty("seed", p.seed());
    o.addProperty("threads", threads);
    schedule(o, "dense", p.dense());
    o.addProperty("admm.iterations", p.admmIterations());
    schedule(o, "admm", p.admm());
    o.addProperty("rho.initial", p.rho().initial());
    o.addProperty("rho.growth", p.rho().growth());
    o.addProperty("rho.max", p.rho().max());
    o.addProperty("prune.support", p.hardPrune().name().toLowerCase(Locale.ROOT));
    schedule(o, "retrain", p.retrain());
    o.addProperty("augment.shift", p.augmentShift());
    o.addProperty("augment.flip", p.augmentFlip());
    o.addProperty("distill.weight", p.distillation().weight());
    o.addProperty("distill.temperature", p.distillation().temperature());
    o.addProperty("distill.phases", p.distillation().phases());
    for (LayerRule r : p.layers()) {
      if (r.nonzeros() >= 0) {
        o.addProperty(LAYERS + r.pattern() + NONZEROS, r.nonzeros());
      } else {
        o.addProperty(LAYERS + r.pattern() + KEEP, r.keepFraction());
      }
      if (r.structure().grouped()) {
        o.addProperty(LAYERS + r.pattern() + STRUCTURE, r.structure().setting());
      }
    }
    for (QuantizationRule q : p.quantization()) {
      o.addProperty(LAYERS + q.pattern() + BITS, q.bits());
      o.addProperty(LAYERS + q.pattern() + QUANTIZER, q.mode().name().toLowerCase(Locale.ROOT));
    }
    for (int i = 0; i < p.stages().size(); i++) {
      Stage st = p.stages().get(i);
      String prefix = STAGES + (i + 2) + ".";
      if (st.compression() != 0) {
        o.addProperty(prefix + "compression", st.compression());
      }
      for (LayerRule r : st.layers()) {
        if (r.nonzeros() >= 0) {
          o.addProperty(prefix + LAYERS + r.pattern() + NONZEROS, r.nonzeros());
        } else {
          o.addProperty(prefix + LAYERS + r.pattern() + KEEP, r.keepFraction());
        }
      }
      o.addProperty(prefix + "admm.iterations", st.admmIterations());
      o.addProperty(prefix + "rho.initial", st.rho().initial());
      o.addProperty(prefix + "rho.growth", st.rho().growth());
      o.addProperty(prefix + "rho.max", st.rho().max());
      schedule(o, prefix + "retrain", st.retrain());
    }
    return o;
  }

  /** The stages {@link #config} wrote ({@code stages.N.*}, N = 2, 3, …). */
  private static List<Stage> stages(StateFields c) {
    List<Stage> stages = new ArrayList<>();
    for (int n = 2; c.has(STAGES + n + ".admm.iterations"); n++) {
      String prefix = STAGES + n + ".";
      List<LayerRule> rules = new ArrayList<>();
      String layers = prefix + LAYERS;
      for (String k : c.keys()) {
        String keep = pattern(k, layers, KEEP);
        String nonzeros = pattern(k, layers, NONZEROS);
        if (keep != null) {
          rules.add(LayerRule.keep(keep, c.number(k, Double.MIN_VALUE, 1)));
        } else if (nonzeros != null) {
          rules.add(LayerRule.nonzeros(nonzeros, c.longValue(k, 1, Long.MAX_VALUE)));
        }
      }
      double compression = c.has(prefix + "compression") ? c.number(prefix + "compression") : 0;
      stages.add(new Stage(rules, compression, c.integer(prefix + "admm.iterations", 1, MAX_EPOCHS),
          rho(c, prefix), schedule(c, prefix + "retrain", 0)));
    }
    return stages;
  }

  /** The plan {@link #config} wrote. */
  static PrunePlan plan(JsonObject config) {
    return plan(StateFields.of(config));
  }

  private static PrunePlan plan(StateFields c) {
    List<LayerRule> layers = new ArrayList<>();
    for (String k : c.keys()) {
      String keep = pattern(k, LAYERS, KEEP);
      String nonzeros = pattern(k, LAYERS, NONZEROS);
      if (keep != null) {
        String structure = LAYERS + keep + STRUCTURE;
        layers.add(LayerRule.keep(keep, c.number(k, Double.MIN_VALUE, 1),
            c.has(structure) ? LayerStructure.parse(c.string(structure)) : LayerStructure.WEIGHT));
      } else if (nonzeros != null) {
        layers.add(LayerRule.nonzeros(nonzeros, c.longValue(k, 1, Long.MAX_VALUE)));
      }
    }
    String phases = c.has("distill.phases") ? c.string("distill.phases") : "retrain";
    Distillation d = c.has("distill.weight")
        ? new Distillation(c.floatValue("distill.weight", 0, 1), c.floatValue("distill.temperature", Double.MIN_VALUE,
            Float.MAX_VALUE),
            phases.contains("admm"), phases.contains("retrain"))
        : Distillation.NONE;
    return new PrunePlan(c.string("preset"), c.string("model"), c.string("dataset"), c.integer("batch", 1, MAX_BATCH),
        c.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE), schedule(c, "dense", 0),
        c.integer("admm.iterations", 1, MAX_EPOCHS), schedule(c, "admm", 1),
        rho(c, ""),
        c.choice("prune.support", HardPruneSupport.class), schedule(c, "retrain", 0), layers,
        c.has("augment.shift") ? c.integer("augment.shift", 0, MAX_SHIFT) : 0,
        c.has("augment.flip") && c.bool("augment.flip"), d, stages(c)).withQuantization(quantization(c));
  }

  /**
   * The pattern of a key {@code prefix<pattern>suffix}, or null when the key has another form or no
   * pattern ({@code layers.keep}, where prefix and suffix overlap).
   */
  private static String pattern(String key, String prefix, String suffix) {
    return key.length() > prefix.length() + suffix.length() && key.startsWith(prefix) && key.endsWith(suffix)
        ? key.substring(prefix.length(), key.length() - suffix.length()) : null;
  }

  /** The quantization rules {@link #config} wrote ({@code layers.<p>.bits} with {@code layers.<p>.quantizer}). */
  private static List<QuantizationRule> quantization(StateFields c) {
    List<QuantizationRule> rules = new ArrayList<>();
    for (String k : c.keys()) {
      String pattern = pattern(k, LAYERS, BITS);
      if (pattern != null) {
        rules.add(new QuantizationRule(pattern, c.integer(k, QuantizationRule.MIN_BITS, QuantizationRule.MAX_BITS),
            c.choice(LAYERS + pattern + QUANTIZER, QuantizationMode.class)));
      }
    }
    return rules;
  }

  private static void schedule(JsonObject o, String phase, TrainingSchedule t) {
    o.addProperty(phase + ".epochs", t.epochs());
    o.addProperty(phase + ".optimizer", t.optimizer());
    o.addProperty(phase + ".lr", t.lr());
    o.addProperty(phase + ".momentum", t.momentum());
    o.addProperty(phase + ".weight_decay", t.weightDecay());
    o.addProperty(phase + ".schedule", t.schedule());
  }

  /** The ranges are the command line parser's: a learning rate > 0, a momentum in [0, 1), a weight decay ≥ 0. */
  private static TrainingSchedule schedule(StateFields c, String phase, int minEpochs) {
    return new TrainingSchedule(c.integer(phase + ".epochs", minEpochs, MAX_EPOCHS), c.string(phase + ".optimizer"),
        c.floatValue(phase + ".lr", Double.MIN_VALUE, Float.MAX_VALUE),
        c.floatValue(phase + ".momentum", 0, Math.nextDown(1.0)),
        c.floatValue(phase + ".weight_decay", 0, Float.MAX_VALUE), c.string(phase + ".schedule"));
  }

  /** ρ's schedule as the parser allows it: starting > 0, growing by a factor ≥ 1 to a cap ≥ the start. */
  private static RhoSchedule rho(StateFields c, String prefix) {
    double initial = c.number(prefix + "rho.initial", Double.MIN_VALUE, Double.MAX_VALUE);
    return new RhoSchedule(initial, c.number(prefix + "rho.growth", 1, Double.MAX_VALUE),
        c.number(prefix + "rho.max", initial, Double.MAX_VALUE));
  }

  // ---- records -------------------------------------------------------------------------------------------

  private static JsonObject history(RunHistory h) {
    JsonObject o = new JsonObject();
    o.addProperty("started_at", h.startedAt);
    o.addProperty("command", h.command);
    JsonObject ps = new JsonObject();
    h.phasesSeconds.forEach(ps::addProperty);
    o.add("phases_seconds", ps);
    o.addProperty("wall_seconds_before", h.wallSecondsBefore);
    if (h.from != null) {
      o.addProperty("from", h.from);
    }
    if (!Double.isNaN(h.baselineAccuracy)) {
      o.addProperty("baseline_accuracy", h.baselineAccuracy);
    }
    if (!Double.isNaN(h.hardPrunedAccuracy)) {
      o.addProperty("hard_pruned_accuracy", h.hardPrunedAccuracy);
    }
    o.add("dense_epochs", epochs(h.denseEpochs));
    o.add("admm_iterations", iterations(h.admmIterations));
    o.add("retrain_epochs", epochs(h.retrainEpochs));
    if (h.histogramsBefore != null) {
      o.add("histograms_before", histograms(h.histogramsBefore));
    }
    if (!h.stages.isEmpty()) {
      o.add("stages", stages(h.stages));
    }
    if (h.allocationTarget != null) {
      o.add("allocation_target", AllocationJson.target(h.allocationTarget));
    }
    if (h.allocation != null) {
      o.add("allocation", AllocationJson.of(h.allocation, h.stageAllocations));
    }
    return o;
  }

  private static RunHistory history(StateFields o) {
    RunHistory h = new RunHistory(o.string("started_at"), o.string("command"));
    h.wallSecondsBefore = o.number("wall_seconds_before");
    h.phasesSeconds.putAll(o.object("phases_seconds").numbers());
    h.from = o.has("from") ? o.string("from") : null;
    h.baselineAccuracy = o.has("baseline_accuracy") ? o.number("baseline_accuracy") : Double.NaN;
    h.hardPrunedAccuracy = o.has("hard_pruned_accuracy") ? o.number("hard_pruned_accuracy") : Double.NaN;
    if (o.has("dense_epochs")) {
      o.objects("dense_epochs").forEach(e -> h.denseEpochs.add(epoch(e)));
    }
    if (o.has("admm_iterations")) {
      o.objects("admm_iterations").forEach(e -> h.admmIterations.add(iteration(e)));
    }
    if (o.has("retrain_epochs")) {
      o.objects("retrain_epochs").forEach(e -> h.retrainEpochs.add(epoch(e)));
    }
    if (o.has("stages")) {
      o.objects("stages").forEach(e -> h.stages.add(stage(e)));
    }
    if (o.has("allocation_target")) {
      h.allocationTarget = AllocationJson.target(o.object("allocation_target"));
    }
    if (o.has("allocation")) {
      h.allocation = AllocationJson.allocation(o.object("allocation"), h.allocationTarget);
      h.stageAllocations.addAll(AllocationJson.stages(o.object("allocation")));
    }
    if (o.has("histograms_before")) {
      h.histogramsBefore = new LinkedHashMap<>();
      StateFields all = o.object("histograms_before");
      for (String layer : all.keys()) {
        StateFields x = all.object(layer);
        float[] edges = x.floats("edges");
        long[] counts = x.longs("counts", 0, Long.MAX_VALUE);
        if (edges.length != counts.length + 1) {
          throw new IllegalArgumentException(x.name("edges") + ": " + edges.length + " edges for " + counts.length
              + " counts, expected one more edge than counts");
        }
        h.histogramsBefore.put(layer, new WeightHistogram(edges, counts));
      }
    }
    return h;
  }

  /** report.json's {@code stages}: per stage its targets, kept weights, compression, accuracies and time. */
  static JsonArray stages(List<StageRecord> records) {
    JsonArray a = new JsonArray();
    for (StageRecord r : records) {
      JsonObject o = new JsonObject();
      o.addProperty("stage", r.stage());
      o.addProperty("targets", r.targets());
      JsonObject kept = new JsonObject();
      r.kept().forEach(kept::addProperty);
      o.add("kept", kept);
      o.addProperty("nonzero_weights", r.nonzero());
      o.addProperty("compression", r.compression());
      o.addProperty("admm_iterations", r.admmIterations());
      o.addProperty("retrain_epochs", r.retrainEpochs());
      o.addProperty("hard_pruned_accuracy", r.hardPrunedAccuracy());
      o.addProperty("retrained_accuracy", r.retrainedAccuracy());
      o.addProperty("seconds", r.seconds());
      a.add(o);
    }
    return a;
  }

  private static StageRecord stage(StateFields o) {
    return new StageRecord(o.integer("stage", 1, Integer.MAX_VALUE), o.string("targets"),
        o.object("kept").integers(0, Integer.MAX_VALUE), o.longValue("nonzero_weights", 0, Long.MAX_VALUE),
        o.number("compression"), o.integer("admm_iterations", 0, Integer.MAX_VALUE),
        o.integer("retrain_epochs", 0, Integer.MAX_VALUE), o.number("hard_pruned_accuracy"),
        o.number("retrained_accuracy"), o.number("seconds"));
  }

  static JsonArray epochs(List<EpochRecord> records) {
    JsonArray a = new JsonArray();
    for (EpochRecord r : records) {
      JsonObject o = new JsonObject();
      o.addProperty("epoch", r.epoch());
      o.addProperty("loss", r.loss());
      o.addProperty("accuracy", r.accuracy());
      o.addProperty("lr", r.lr());
      o.addProperty("images_per_second", r.imagesPerSecond());
      o.addProperty("seconds", r.seconds());
      a.add(o);
    }
    return a;
  }

  private static EpochRecord epoch(StateFields o) {
    return new EpochRecord(o.integer("epoch", 0, Integer.MAX_VALUE), o.number("loss"), o.number("accuracy"),
        o.floatValue("lr"), o.number("images_per_second"), o.number("seconds"));
  }

  static JsonArray iterations(List<AdmmIterationRecord> records) {
    JsonArray a = new JsonArray();
    for (AdmmIterationRecord r : records) {
      JsonObject o = new JsonObject();
      o.addProperty("iteration", r.iteration());
      o.addProperty("rho", r.rho());
      o.addProperty("loss", r.loss());
      o.addProperty("accuracy", r.accuracy());
      o.addProperty("lr", r.lr());
      o.addProperty("images_per_second", r.imagesPerSecond());
      o.add("primal_residual", residuals(r.primalResidual()));
      o.add("dual_residual", residuals(r.dualResidual()));
      o.addProperty("seconds", r.seconds());
      o.addProperty("zstep_seconds", r.zstepSeconds());
      a.add(o);
    }
    return a;
  }

  private static AdmmIterationRecord iteration(StateFields o) {
    return new AdmmIterationRecord(o.integer("iteration", 0, Integer.MAX_VALUE), o.number("rho"), o.number("loss"),
        o.number("accuracy"), o.floatValue("lr"), o.number("images_per_second"), o.object("primal_residual").numbers(),
        o.object("dual_residual").numbers(), o.number("seconds"), o.number("zstep_seconds"));
  }

  private static JsonObject residuals(Map<String, Double> m) {
    JsonObject o = new JsonObject();
    m.forEach(o::addProperty);
    return o;
  }

  static JsonObject histograms(Map<String, WeightHistogram> h) {
    JsonObject o = new JsonObject();
    h.forEach((layer, hist) -> o.add(layer, histogram(hist)));
    return o;
  }

  /** {@code {"edges": [...], "counts": [...]}}. */
  private static JsonObject histogram(WeightHistogram h) {
    JsonObject o = new JsonObject();
    JsonArray e = new JsonArray();
    for (float x : h.edges()) {
      e.add(x);
    }
    JsonArray c = new JsonArray();
    for (long x : h.counts()) {
      c.add(x);
    }
    o.add("edges", e);
    o.add("counts", c);
    return o;
  }

  /** report.json's per-layer object. */
  static JsonObject layer(LayerSummary l) {
    JsonObject o = new JsonObject();
    o.addProperty("name", l.name());
    o.addProperty("weights", l.weights());
    o.addProperty("nonzero", l.nonzero());
    o.addProperty("kept_fraction", l.keptFraction());
    o.addProperty("macs_dense", l.macsDense());
    o.addProperty("macs_pruned", l.macsPruned());
    o.addProperty("kind", l.kindName());
    o.add("shape_before", shape(l.shapeBefore()));
    o.add("shape_after", shape(l.shapeAfter()));
    return o;
  }

  private static JsonArray shape(int[] shape) {
    JsonArray a = new JsonArray();
    for (int d : shape) {
      a.add(d);
    }
    return a;
  }
}
