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
    return o;
  }

  static RunState fromJson(JsonObject o) {
    JsonObject c = o.getAsJsonObject("config");
    JsonObject d = o.getAsJsonObject("data");
    RunState.DataInfo data = new RunState.DataInfo(d.get("name").getAsString(), d.get("train").getAsInt(),
        d.get("test").getAsInt(), d.get("train_limit").getAsInt(), d.get("test_limit").getAsInt());
    return new RunState(Phase.valueOf(o.get("phase").getAsString()), o.has("stage") ? o.get("stage").getAsInt() : 0,
        o.get("next").getAsInt(),
        o.has("trainer_steps") ? o.get("trainer_steps").getAsLong() : 0, plan(c), c.get("threads").getAsInt(), data,
        o.has("progress") ? history(o.getAsJsonObject("progress")) : new RunHistory("", ""));
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
  private static List<Stage> stages(JsonObject c) {
    List<Stage> stages = new ArrayList<>();
    for (int n = 2; c.has(STAGES + n + ".admm.iterations"); n++) {
      String prefix = STAGES + n + ".";
      List<LayerRule> rules = new ArrayList<>();
      String layers = prefix + LAYERS;
      for (Map.Entry<String, JsonElement> e : c.entrySet()) {
        String k = e.getKey();
        if (k.startsWith(layers) && k.endsWith(KEEP)) {
          rules.add(LayerRule.keep(k.substring(layers.length(), k.length() - KEEP.length()),
              e.getValue().getAsDouble()));
        } else if (k.startsWith(layers) && k.endsWith(NONZEROS)) {
          rules.add(LayerRule.nonzeros(k.substring(layers.length(), k.length() - NONZEROS.length()),
              e.getValue().getAsLong()));
        }
      }
      double compression = c.has(prefix + "compression") ? c.get(prefix + "compression").getAsDouble() : 0;
      stages.add(new Stage(rules, compression, c.get(prefix + "admm.iterations").getAsInt(),
          new RhoSchedule(c.get(prefix + "rho.initial").getAsDouble(), c.get(prefix + "rho.growth").getAsDouble(),
              c.get(prefix + "rho.max").getAsDouble()), schedule(c, prefix + "retrain")));
    }
    return stages;
  }

  /** The plan {@link #config} wrote. */
  static PrunePlan plan(JsonObject c) {
    List<LayerRule> layers = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : c.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(LAYERS) && k.endsWith(KEEP)) {
        String pattern = k.substring(LAYERS.length(), k.length() - KEEP.length());
        JsonElement structure = c.get(LAYERS + pattern + STRUCTURE);
        layers.add(LayerRule.keep(pattern, e.getValue().getAsDouble(),
            structure == null ? LayerStructure.WEIGHT : LayerStructure.parse(structure.getAsString())));
      } else if (k.startsWith(LAYERS) && k.endsWith(NONZEROS)) {
        layers.add(LayerRule.nonzeros(k.substring(LAYERS.length(), k.length() - NONZEROS.length()),
            e.getValue().getAsLong()));
      }
    }
    String phases = c.has("distill.phases") ? c.get("distill.phases").getAsString() : "retrain";
    Distillation d = c.has("distill.weight")
        ? new Distillation(c.get("distill.weight").getAsFloat(), c.get("distill.temperature").getAsFloat(),
            phases.contains("admm"), phases.contains("retrain"))
        : Distillation.NONE;
    return new PrunePlan(c.get("preset").getAsString(), c.get("model").getAsString(), c.get("dataset").getAsString(),
        c.get("batch").getAsInt(), c.get("seed").getAsLong(), schedule(c, "dense"), c.get("admm.iterations").getAsInt(),
        schedule(c, "admm"), new RhoSchedule(c.get("rho.initial").getAsDouble(), c.get("rho.growth").getAsDouble(),
            c.get("rho.max").getAsDouble()),
        HardPruneSupport.valueOf(c.get("prune.support").getAsString().toUpperCase(Locale.ROOT)),
        schedule(c, "retrain"), layers, c.has("augment.shift") ? c.get("augment.shift").getAsInt() : 0,
        c.has("augment.flip") && c.get("augment.flip").getAsBoolean(), d, stages(c)).withQuantization(quantization(c));
  }

  /** The quantization rules {@link #config} wrote ({@code layers.<p>.bits} with {@code layers.<p>.quantizer}). */
  private static List<QuantizationRule> quantization(JsonObject c) {
    List<QuantizationRule> rules = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : c.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(LAYERS) && k.endsWith(BITS)) {
        String pattern = k.substring(LAYERS.length(), k.length() - BITS.length());
        rules.add(new QuantizationRule(pattern, e.getValue().getAsInt(), QuantizationMode.valueOf(
            c.get(LAYERS + pattern + QUANTIZER).getAsString().toUpperCase(Locale.ROOT))));
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

  private static TrainingSchedule schedule(JsonObject c, String phase) {
    return new TrainingSchedule(c.get(phase + ".epochs").getAsInt(), c.get(phase + ".optimizer").getAsString(),
        c.get(phase + ".lr").getAsFloat(), c.get(phase + ".momentum").getAsFloat(),
        c.get(phase + ".weight_decay").getAsFloat(), c.get(phase + ".schedule").getAsString());
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

  private static RunHistory history(JsonObject o) {
    RunHistory h = new RunHistory(o.get("started_at").getAsString(), o.get("command").getAsString());
    h.wallSecondsBefore = o.get("wall_seconds_before").getAsDouble();
    for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("phases_seconds").entrySet()) {
      h.phasesSeconds.put(e.getKey(), e.getValue().getAsDouble());
    }
    h.from = o.has("from") ? o.get("from").getAsString() : null;
    h.baselineAccuracy = o.has("baseline_accuracy") ? o.get("baseline_accuracy").getAsDouble() : Double.NaN;
    h.hardPrunedAccuracy = o.has("hard_pruned_accuracy") ? o.get("hard_pruned_accuracy").getAsDouble() : Double.NaN;
    if (o.has("dense_epochs")) {
      o.getAsJsonArray("dense_epochs").forEach(e -> h.denseEpochs.add(epoch(e.getAsJsonObject())));
    }
    if (o.has("admm_iterations")) {
      o.getAsJsonArray("admm_iterations").forEach(e -> h.admmIterations.add(iteration(e.getAsJsonObject())));
    }
    if (o.has("retrain_epochs")) {
      o.getAsJsonArray("retrain_epochs").forEach(e -> h.retrainEpochs.add(epoch(e.getAsJsonObject())));
    }
    if (o.has("stages")) {
      o.getAsJsonArray("stages").forEach(e -> h.stages.add(stage(e.getAsJsonObject())));
    }
    if (o.has("allocation_target")) {
      h.allocationTarget = AllocationJson.target(o.getAsJsonObject("allocation_target"));
    }
    if (o.has("allocation")) {
      h.allocation = AllocationJson.allocation(o.getAsJsonObject("allocation"), h.allocationTarget);
      h.stageAllocations.addAll(AllocationJson.stages(o.getAsJsonObject("allocation")));
    }
    if (o.has("histograms_before")) {
      h.histogramsBefore = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("histograms_before").entrySet()) {
        JsonObject x = e.getValue().getAsJsonObject();
        JsonArray edges = x.getAsJsonArray("edges");
        JsonArray counts = x.getAsJsonArray("counts");
        float[] ed = new float[edges.size()];
        long[] co = new long[counts.size()];
        for (int i = 0; i < ed.length; i++) {
          ed[i] = edges.get(i).getAsFloat();
        }
        for (int i = 0; i < co.length; i++) {
          co[i] = counts.get(i).getAsLong();
        }
        h.histogramsBefore.put(e.getKey(), new WeightHistogram(ed, co));
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

  private static StageRecord stage(JsonObject o) {
    Map<String, Integer> kept = new LinkedHashMap<>();
    o.getAsJsonObject("kept").entrySet().forEach(e -> kept.put(e.getKey(), e.getValue().getAsInt()));
    return new StageRecord(o.get("stage").getAsInt(), o.get("targets").getAsString(), kept,
        o.get("nonzero_weights").getAsLong(), o.get("compression").getAsDouble(), o.get("admm_iterations").getAsInt(),
        o.get("retrain_epochs").getAsInt(), o.get("hard_pruned_accuracy").getAsDouble(),
        o.get("retrained_accuracy").getAsDouble(), o.get("seconds").getAsDouble());
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

  private static EpochRecord epoch(JsonObject o) {
    return new EpochRecord(o.get("epoch").getAsInt(), o.get("loss").getAsDouble(), o.get("accuracy").getAsDouble(),
        o.get("lr").getAsFloat(), o.get("images_per_second").getAsDouble(), o.get("seconds").getAsDouble());
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

  private static AdmmIterationRecord iteration(JsonObject o) {
    return new AdmmIterationRecord(o.get("iteration").getAsInt(), o.get("rho").getAsDouble(),
        o.get("loss").getAsDouble(), o.get("accuracy").getAsDouble(), o.get("lr").getAsFloat(),
        o.get("images_per_second").getAsDouble(), doubles(o.getAsJsonObject("primal_residual")),
        doubles(o.getAsJsonObject("dual_residual")), o.get("seconds").getAsDouble(),
        o.get("zstep_seconds").getAsDouble());
  }

  private static JsonObject residuals(Map<String, Double> m) {
    JsonObject o = new JsonObject();
    m.forEach(o::addProperty);
    return o;
  }

  private static Map<String, Double> doubles(JsonObject o) {
    Map<String, Double> m = new LinkedHashMap<>();
    o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsDouble()));
    return m;
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
