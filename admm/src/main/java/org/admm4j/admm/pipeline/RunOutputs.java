package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.admm4j.admm.AdmmVersion;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.Model;
import org.admm4j.nn.compact.CompactExport;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;

/**
 * The files a finished run leaves in its folder: {@code model.safetensors} (PyTorch names; after filter
 * pruning the shrunk network, its embedded spec giving the new widths), the compact
 * {@code model.a4jc} read back from it, and {@code report.json}, whose fields other tools read (the
 * command line's report.html, the tests, scripts): their names and order stay as they are.
 */
final class RunOutputs {

  /** What report.json says about a finished run besides what {@link RunState} holds. */
  record Summary(RunState state, TrainingData data, List<LayerSummary> layers, long totalWeights, long nonzeroWeights,
      double compression, PruneResult.Accuracies accuracies, Map<String, WeightHistogram> histogramsAfter,
      double wallSeconds, Shrink shrink) {}

  private RunOutputs() {}

  /** Writes the model files and report.json into {@code dir}; returns report.json's path. */
  static Path write(Path dir, Summary s, Model model) throws IOException {
    Path modelFile = dir.resolve("model.safetensors");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("preset", s.state().plan().preset());
    meta.put("compression", String.format(Locale.ROOT, "%.2f", s.compression()));
    meta.put("final_accuracy", String.format(Locale.ROOT, "%.2f", s.accuracies().finalAccuracy()));
    SafeTensors.saveModel(model, modelFile, ModelMetadata.of(model, s.data().normalization(), meta));
    // the compact form an embedding service loads (InferenceModel), from the file just written; a quantized
    // run's biases are rounded to fixed point too (its weights took the larger error already)
    Path compactFile = dir.resolve("model.a4jc");
    SafeTensorsFile written = SafeTensors.read(modelFile);
    CompactExport.Options options = s.state().plan().quantization().isEmpty() ? CompactExport.Options.EXACT
        : CompactExport.Options.quantizedRun();
    // the report entries are in report.json and model.safetensors; safetensors' "format" names its own layout
    Map<String, String> compactMeta = new LinkedHashMap<>(written.metadata());
    compactMeta.keySet().removeAll(meta.keySet());
    compactMeta.remove("format");
    CompactExport.write(compactFile, model.spec(), written.tensors(), compactMeta, options);
    JsonObject report = report(s);
    report.addProperty("model_bytes", Files.size(modelFile));
    report.addProperty("compact_model_bytes", Files.size(compactFile));
    if (!s.state().plan().quantization().isEmpty()) {
      report.add("quantization", quantization(s.state().plan(), model));
    }
    Path json = dir.resolve("report.json");
    JsonFiles.write(json, report);
    return json;
  }

  /** Per quantized layer its levels (the distinct non-zero values of the final weights) and rule. */
  private static JsonObject quantization(org.admm4j.admm.config.PrunePlan plan, Model model) {
    JsonObject q = new JsonObject();
    for (org.admm4j.nn.Parameter p : model.parameters()) {
      if (!LayerSummary.isPrunable(p)) {
        continue;
      }
      String layer = LayerSummary.layerName(p);
      org.admm4j.admm.config.QuantizationRule rule = null;
      for (org.admm4j.admm.config.QuantizationRule r : plan.quantization()) {
        if (r.matches(layer, p.kind()) && (rule == null || !r.pattern().contains("*") && !r.pattern().contains(":"))) {
          rule = r;
        }
      }
      if (rule == null) {
        continue;
      }
      java.util.TreeSet<Float> levels = new java.util.TreeSet<>();
      for (float v : p.data()) {
        if (v != 0f) {
          levels.add(v);
        }
      }
      JsonObject l = new JsonObject();
      l.addProperty("bits", rule.bits());
      l.addProperty("quantizer", rule.mode().name().toLowerCase(Locale.ROOT));
      JsonArray values = new JsonArray();
      levels.forEach(values::add);
      l.add("levels", values);
      q.add(layer, l);
    }
    return q;
  }

  private static JsonObject report(Summary s) {
    RunState st = s.state();
    RunHistory h = st.history();
    JsonObject report = new JsonObject();
    report.addProperty("model", st.plan().model());
    report.addProperty("dataset", s.data().name());
    report.addProperty("preset", st.plan().preset());
    report.addProperty("baseline_accuracy", s.accuracies().baseline());
    report.addProperty("final_accuracy", s.accuracies().finalAccuracy());
    report.addProperty("hard_pruned_accuracy", s.accuracies().hardPruned());
    report.addProperty("total_weights", s.totalWeights());
    report.addProperty("nonzero_weights", s.nonzeroWeights());
    report.addProperty("compression", s.compression());
    JsonArray layerArray = new JsonArray();
    long macsDense = 0;
    long macsPruned = 0;
    for (LayerSummary l : s.layers()) {
      layerArray.add(RunStateJson.layer(l));
      macsDense += l.macsDense();
      macsPruned += l.macsPruned();
    }
    report.add("layers", layerArray);
    report.addProperty("macs_dense", macsDense);
    report.addProperty("macs_pruned", macsPruned);
    report.add("dense_epochs", RunStateJson.epochs(h.denseEpochs));
    report.add("admm_iterations", RunStateJson.iterations(h.admmIterations));
    report.add("retrain_epochs", RunStateJson.epochs(h.retrainEpochs));
    if (!h.stages.isEmpty()) {
      report.add("stages", RunStateJson.stages(h.stages));
    }
    if (h.allocation != null) {
      report.add("allocation", AllocationJson.of(h.allocation, h.stageAllocations));
    }
    JsonObject histograms = new JsonObject();
    histograms.add("before", RunStateJson.histograms(h.histogramsBefore));
    histograms.add("after", RunStateJson.histograms(s.histogramsAfter()));
    report.add("histograms", histograms);
    JsonObject phases = new JsonObject();
    for (String p : RunHistory.TIMED_PHASES) {
      phases.addProperty(p, h.seconds(p));
    }
    report.add("phases_seconds", phases);
    report.addProperty("wall_seconds", s.wallSeconds());
    report.addProperty("seed", st.plan().seed());
    report.addProperty("threads", st.threads());
    report.addProperty("jdk", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    report.addProperty("kernels", Kernels.describe());
    report.addProperty("admm4j_version", AdmmVersion.get());
    report.add("config", RunStateJson.config(st.plan(), st.threads()));
    report.addProperty("command", h.command);
    report.addProperty("started_at", h.startedAt);
    if (h.from != null) {
      report.addProperty("from", h.from);
    }
    report.addProperty("train_images", s.data().trainCount());
    report.addProperty("test_images", s.data().testCount());
    // conv-only totals (the paper's conv-layer figures), then what filter pruning removed
    long convWeights = 0;
    long convNonzero = 0;
    long convMacsDense = 0;
    long convMacsPruned = 0;
    for (LayerSummary l : s.layers()) {
      if (l.kind() == org.admm4j.nn.LayerKind.CONV) {
        convWeights += l.weights();
        convNonzero += l.nonzero();
        convMacsDense += l.macsDense();
        convMacsPruned += l.macsPruned();
      }
    }
    report.addProperty("conv_weights", convWeights);
    report.addProperty("conv_nonzero_weights", convNonzero);
    report.addProperty("conv_macs_dense", convMacsDense);
    report.addProperty("conv_macs_pruned", convMacsPruned);
    if (s.shrink().attempted()) {
      JsonObject shrink = new JsonObject();
      JsonArray removed = new JsonArray();
      s.shrink().removed().forEach(removed::add);
      shrink.add("removed", removed);
      JsonObject notRemoved = new JsonObject();
      s.shrink().notRemoved().forEach(notRemoved::addProperty);
      shrink.add("not_removed", notRemoved);
      shrink.addProperty("max_logit_difference", s.shrink().maxLogitDifference());
      report.add("shrink", shrink);
    }
    return report;
  }
}
