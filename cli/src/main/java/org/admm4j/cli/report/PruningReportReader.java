package org.admm4j.cli.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.cli.report.PruningReport.AdmmIteration;
import org.admm4j.cli.report.PruningReport.Histogram;
import org.admm4j.cli.report.PruningReport.Layer;
import org.admm4j.cli.report.PruningReport.Epoch;

/**
 * Turns a {@code report.json} tree into a {@link PruningReport}, checking every field it reads.
 * Errors are {@link IllegalArgumentException}s whose message names the field by its path (for
 * example {@code layers[1].nonzero}) and says what was expected and what was found. A JSON
 * {@code null} counts as missing.
 */
final class PruningReportReader {

  private PruningReportReader() {}

  /** Reads and checks the whole report; throws IllegalArgumentException naming the bad field. */
  static PruningReport read(JsonObject root) {
    if (root == null) {
      throw new IllegalArgumentException("report: expected a JSON object, found nothing");
    }
    Fields r = new Fields(root, "");
    List<Layer> layers = new ArrayList<>();
    for (Fields f : r.objects("layers")) {
      layers.add(layer(f));
    }
    List<AdmmIteration> iterations = new ArrayList<>();
    for (Fields f : r.objects("admm_iterations")) {
      iterations.add(new AdmmIteration(f.integer("iteration"), f.number("rho"), f.number("loss"),
          f.number("accuracy"), f.numberMap("primal_residual"), f.numberMap("dual_residual"),
          f.optionalNumber("seconds")));
    }
    Map<String, Histogram> before = null;
    Map<String, Histogram> after = null;
    if (r.has("histograms")) {
      Fields h = r.object("histograms");
      before = h.has("before") ? histograms(h.object("before")) : null;
      after = h.has("after") ? histograms(h.object("after")) : null;
    }
    return new PruningReport(
        r.string("model"), r.string("dataset"), r.string("preset"),
        r.number("baseline_accuracy"), r.number("final_accuracy"),
        r.integer("total_weights"), r.integer("nonzero_weights"), r.number("compression"),
        Collections.unmodifiableList(layers), Collections.unmodifiableList(iterations),
        epochs(r, "dense_epochs"), r.optionalNumber("hard_pruned_accuracy"), epochs(r, "retrain_epochs"),
        before, after,
        r.has("phases_seconds") ? r.numberMap("phases_seconds") : null,
        r.number("wall_seconds"), r.integer("seed"), r.integer("threads"), r.string("jdk"),
        r.optionalString("kernels"), r.optionalString("admm4j_version"),
        r.has("config") ? root.get("config") : null,
        r.optionalString("command"), r.optionalString("started_at"), r.optionalString("from"),
        r.has("train_images") ? r.integer("train_images") : null,
        r.has("test_images") ? r.integer("test_images") : null,
        stages(r), shrink(r), allocation(r));
  }

  private static PruningReport.Allocation allocation(Fields r) {
    if (!r.has("allocation")) {
      return null;
    }
    Fields a = r.object("allocation");
    List<PruningReport.AllocatedLayer> layers = new ArrayList<>();
    for (Fields l : a.objects("layers")) {
      List<PruningReport.SensitivityPoint> curve = new ArrayList<>();
      if (l.has("sensitivity")) {
        for (Fields p : l.objects("sensitivity")) {
          curve.add(new PruningReport.SensitivityPoint(p.number("keep"), p.number("accuracy")));
        }
      }
      layers.add(new PruningReport.AllocatedLayer(l.string("name"), l.integer("weights"), l.integer("kept"),
          l.integer("magnitude_kept"), Collections.unmodifiableList(curve)));
    }
    List<PruningReport.AllocatedStage> stages = new ArrayList<>();
    if (a.has("stages")) {
      for (Fields st : a.objects("stages")) {
        Map<String, Long> kept = new java.util.LinkedHashMap<>();
        for (Fields l : st.objects("layers")) {
          kept.put(l.string("name"), l.integer("kept"));
        }
        stages.add(new PruningReport.AllocatedStage(st.number("compression"), st.number("achieved_compression"),
            Collections.unmodifiableMap(kept)));
      }
    }
    return new PruningReport.Allocation(a.string("method"), a.number("compression"),
        a.number("achieved_compression"), a.optionalNumber("held_back_accuracy"),
        Collections.unmodifiableList(layers), Collections.unmodifiableList(stages));
  }

  private static List<PruningReport.Stage> stages(Fields r) {
    if (!r.has("stages")) {
      return null;
    }
    List<PruningReport.Stage> stages = new ArrayList<>();
    for (Fields f : r.objects("stages")) {
      stages.add(new PruningReport.Stage(f.integer("stage"), f.string("targets"), f.integer("nonzero_weights"),
          f.number("compression"), f.number("hard_pruned_accuracy"), f.number("retrained_accuracy"),
          f.optionalNumber("seconds")));
    }
    return Collections.unmodifiableList(stages);
  }

  private static List<Epoch> epochs(Fields r, String name) {
    if (!r.has(name)) {
      return null;
    }
    List<Epoch> epochs = new ArrayList<>();
    for (Fields f : r.objects(name)) {
      epochs.add(new Epoch(f.integer("epoch"), f.number("loss"), f.number("accuracy"),
          f.optionalNumber("seconds")));
    }
    return Collections.unmodifiableList(epochs);
  }

  private static Layer layer(Fields f) {
    long weights = f.integer("weights");
    long nonzero = f.integer("nonzero");
    if (weights < 0 || nonzero < 0 || nonzero > weights) {
      throw new IllegalArgumentException("report: field '" + f.path("nonzero") + "' must lie in [0, "
          + f.path("weights") + "], found nonzero " + nonzero + " and weights " + weights);
    }
    double kept = f.has("kept_fraction") ? f.number("kept_fraction")
        : weights == 0 ? 0 : (double) nonzero / weights;
    return new Layer(f.string("name"), weights, nonzero, kept,
        f.has("macs_dense") ? f.integer("macs_dense") : null,
        f.has("macs_pruned") ? f.integer("macs_pruned") : null, f.optionalString("kind"),
        f.has("shape_before") ? f.integers("shape_before") : null,
        f.has("shape_after") ? f.integers("shape_after") : null);
  }

  private static PruningReport.Shrink shrink(Fields r) {
    if (!r.has("shrink")) {
      return null;
    }
    Fields f = r.object("shrink");
    Fields not = f.object("not_removed");
    Map<String, String> notRemoved = new java.util.LinkedHashMap<>();
    for (String k : not.keys()) {
      notRemoved.put(k, not.string(k));
    }
    return new PruningReport.Shrink(Collections.unmodifiableList(f.strings("removed")),
        Collections.unmodifiableMap(notRemoved), f.number("max_logit_difference"));
  }

  private static Map<String, Histogram> histograms(Fields byLayer) {
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (String layer : byLayer.keys()) {
      Fields h = byLayer.object(layer);
      double[] edges = h.numbers("edges");
      long[] counts = h.integers("counts");
      if (counts.length == 0 || edges.length != counts.length + 1) {
        throw new IllegalArgumentException("report: field '" + h.path("edges") + "' must hold one more"
            + " value than '" + h.path("counts") + "' (n + 1 bin edges for n > 0 counts), found "
            + edges.length + " edges and " + counts.length + " counts");
      }
      out.put(layer, new Histogram(edges, counts));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A JSON object plus its path from the root, for messages. */
  private static final class Fields {
    private final JsonObject object;
    private final String prefix;

    Fields(JsonObject object, String prefix) {
      this.object = object;
      this.prefix = prefix;
    }

    String path(String name) {
      return prefix.isEmpty() ? name : prefix + "." + name;
    }

    boolean has(String name) {
      JsonElement e = object.get(name);
      return e != null && !e.isJsonNull();
    }

    Iterable<String> keys() {
      return object.keySet();
    }

    private JsonElement required(String name) {
      if (!has(name)) {
        throw new IllegalArgumentException("report: required field '" + path(name) + "' is missing");
      }
      return object.get(name);
    }

    private static IllegalArgumentException wrongType(String path, String expected, JsonElement found) {
      String text = found.toString();
      if (text.length() > 60) {
        text = text.substring(0, 57) + "...";
      }
      return new IllegalArgumentException(
          "report: field '" + path + "' must be " + expected + ", found " + text);
    }

    String string(String name) {
      JsonElement e = required(name);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw wrongType(path(name), "a string", e);
      }
      return e.getAsString();
    }

    String optionalString(String name) {
      return has(name) ? string(name) : null;
    }

    double number(String name) {
      return number(path(name), required(name));
    }

    Double optionalNumber(String name) {
      return has(name) ? number(name) : null;
    }

    long integer(String name) {
      return integer(path(name), required(name));
    }

    Fields object(String name) {
      JsonElement e = required(name);
      if (!e.isJsonObject()) {
        throw wrongType(path(name), "an object", e);
      }
      return new Fields(e.getAsJsonObject(), path(name));
    }

    List<Fields> objects(String name) {
      JsonArray array = array(name);
      List<Fields> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        String p = path(name) + "[" + i + "]";
        JsonElement e = array.get(i);
        if (!e.isJsonObject()) {
          throw wrongType(p, "an object", e);
        }
        out.add(new Fields(e.getAsJsonObject(), p));
      }
      return out;
    }

    double[] numbers(String name) {
      JsonArray array = array(name);
      double[] out = new double[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = number(path(name) + "[" + i + "]", array.get(i));
      }
      return out;
    }

    List<String> strings(String name) {
      JsonArray array = array(name);
      List<String> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        JsonElement e = array.get(i);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
          throw wrongType(path(name) + "[" + i + "]", "a string", e);
        }
        out.add(e.getAsString());
      }
      return out;
    }

    long[] integers(String name) {
      JsonArray array = array(name);
      long[] out = new long[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = integer(path(name) + "[" + i + "]", array.get(i));
      }
      return out;
    }

    /** An object of numbers keyed by name (layer or phase), in file order. */
    Map<String, Double> numberMap(String name) {
      Fields f = object(name);
      Map<String, Double> out = new LinkedHashMap<>();
      for (String key : f.keys()) {
        out.put(key, f.number(key));
      }
      return Collections.unmodifiableMap(out);
    }

    private JsonArray array(String name) {
      JsonElement e = required(name);
      if (!e.isJsonArray()) {
        throw wrongType(path(name), "an array", e);
      }
      return e.getAsJsonArray();
    }

    private static double number(String path, JsonElement e) {
      if (isNumber(e)) {
        return e.getAsDouble();
      }
      // Gson writes a diverged loss as a bare NaN/Infinity, which its parser hands back as a string.
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        switch (e.getAsString()) {
          case "NaN": return Double.NaN;
          case "Infinity": return Double.POSITIVE_INFINITY;
          case "-Infinity": return Double.NEGATIVE_INFINITY;
          default: break;
        }
      }
      throw wrongType(path, "a number", e);
    }

    private static long integer(String path, JsonElement e) {
      if (!isNumber(e)) {
        throw wrongType(path, "an integer", e);
      }
      try {
        return new BigDecimal(e.getAsString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException notWhole) {
        throw wrongType(path, "an integer", e);
      }
    }

    private static boolean isNumber(JsonElement e) {
      if (!e.isJsonPrimitive()) {
        return false;
      }
      JsonPrimitive p = e.getAsJsonPrimitive();
      return p.isNumber();
    }
  }
}
