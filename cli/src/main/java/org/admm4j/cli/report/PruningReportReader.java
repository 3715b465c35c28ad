package org.admm4j.cli.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.admm4j.cli.config.PruningConfigParser;
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

  /**
   * How deep {@code config} may nest. The run writes it flat (one object of settings under their dotted names);
   * the page prints it indented, two spaces more per level on every line, so a file of nested arrays would
   * otherwise draw a page of indentation, hundreds of times its own size.
   */
  static final int MAX_CONFIG_DEPTH = 4;

  /**
   * Most keep fractions the sensitivity curves of an allocation may try, over all layers: the allocation table has
   * a column for each. The sensitivity pass tries at most 12 (its grid and the floor), the same for every layer.
   */
  static final int MAX_KEEP_FRACTIONS = 16;

  private PruningReportReader() {}

  /** Reads and checks the whole report; throws IllegalArgumentException naming the bad field. */
  static PruningReport read(JsonObject root) {
    if (root == null) {
      throw new IllegalArgumentException("report: expected a JSON object, found nothing");
    }
    Fields r = Fields.root(root);
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
        config(r),
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
    Set<Double> keeps = new HashSet<>();
    for (Fields l : a.objects("layers")) {
      List<PruningReport.SensitivityPoint> curve = new ArrayList<>();
      if (l.has("sensitivity")) {
        for (Fields p : l.objects("sensitivity")) {
          double keep = p.number("keep");
          // every layer's row has a cell per keep fraction of any layer
          if (keeps.add(keep) && keeps.size() > MAX_KEEP_FRACTIONS) {
            throw new IllegalArgumentException("report: field '" + p.path("keep") + "' brings the allocation's"
                + " sensitivity curves to more than " + MAX_KEEP_FRACTIONS + " different keep fractions (a run"
                + " tries at most 12, the same for every layer)");
          }
          curve.add(new PruningReport.SensitivityPoint(keep, p.number("accuracy")));
        }
      }
      layers.add(new PruningReport.AllocatedLayer(l.string("name"), l.integer("weights"), l.integer("kept"),
          l.integer("magnitude_kept"), Collections.unmodifiableList(curve)));
    }
    List<PruningReport.AllocatedStage> stages = new ArrayList<>();
    if (a.has("stages")) {
      List<Fields> further = a.objects("stages");
      // every layer's row has a cell per stage
      if (further.size() > PruningConfigParser.MAX_STAGES - 1) {
        throw new IllegalArgumentException("report: field '" + a.path("stages") + "' lists " + further.size()
            + " further stages; a run has at most " + PruningConfigParser.MAX_STAGES + " stages, so at most "
            + (PruningConfigParser.MAX_STAGES - 1) + " after stage 1");
      }
      for (Fields st : further) {
        Map<String, Long> kept = new java.util.LinkedHashMap<>();
        Map<String, List<PruningReport.SensitivityPoint>> curves = new java.util.LinkedHashMap<>();
        for (Fields l : st.objects("layers")) {
          kept.put(l.string("name"), l.integer("kept"));
          if (l.has("sensitivity")) {
            List<Fields> points = l.objects("sensitivity");
            // each point is a cell of the stage's table
            if (points.size() > MAX_KEEP_FRACTIONS) {
              throw new IllegalArgumentException("report: field '" + l.path("sensitivity") + "' lists " + points.size()
                  + " points; a re-measured stage tries at most " + MAX_KEEP_FRACTIONS + " per layer");
            }
            List<PruningReport.SensitivityPoint> curve = new ArrayList<>();
            for (Fields p : points) {
              curve.add(new PruningReport.SensitivityPoint(p.number("keep"), p.number("accuracy")));
            }
            curves.put(l.string("name"), Collections.unmodifiableList(curve));
          }
        }
        stages.add(new PruningReport.AllocatedStage(st.number("compression"), st.number("achieved_compression"),
            Collections.unmodifiableMap(kept), st.optionalNumber("held_back_accuracy"),
            Collections.unmodifiableMap(curves)));
      }
    }
    return new PruningReport.Allocation(a.string("method"), a.number("compression"),
        a.number("achieved_compression"), a.optionalNumber("held_back_accuracy"),
        Collections.unmodifiableList(layers), Collections.unmodifiableList(stages));
  }

  private static JsonElement config(Fields r) {
    if (!r.has("config")) {
      return null;
    }
    JsonElement config = r.get("config");
    if (deeperThan(config, MAX_CONFIG_DEPTH)) {
      throw new IllegalArgumentException("report: field '" + r.path("config") + "' nests arrays or objects more"
          + " than " + MAX_CONFIG_DEPTH + " levels deep; a run writes it as one object of settings");
    }
    return config;
  }

  /** Whether {@code e} holds arrays or objects nested more than {@code levels} deep (e itself the first). */
  private static boolean deeperThan(JsonElement e, int levels) {
    if (!e.isJsonArray() && !e.isJsonObject()) {
      return false;
    }
    if (levels == 0) {
      return true;
    }
    Iterable<JsonElement> children = e.isJsonArray() ? e.getAsJsonArray() : e.getAsJsonObject().asMap().values();
    for (JsonElement c : children) {
      if (deeperThan(c, levels - 1)) {
        return true;
      }
    }
    return false;
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

  /**
   * A JSON object and where it lies in the file. The path is built only for a message: a field read does not
   * pay for it (an array of many numbers under a long key would allocate its path once per number).
   */
  private static final class Fields {
    private final JsonObject object;
    private final Fields parent;
    private final String name;
    private final int index;

    /** The object at {@code parent.name}, or at {@code parent.name[index]} when {@code index >= 0}. */
    Fields(JsonObject object, Fields parent, String name, int index) {
      this.object = object;
      this.parent = parent;
      this.name = name;
      this.index = index;
    }

    static Fields root(JsonObject object) {
      return new Fields(object, null, null, -1);
    }

    /** This object's path from the root, empty for the root. */
    String path() {
      if (parent == null) {
        return "";
      }
      String p = parent.path(name);
      return index < 0 ? p : p + "[" + index + "]";
    }

    String path(String field) {
      String p = path();
      return p.isEmpty() ? field : p + "." + field;
    }

    /** The path of element {@code i} of the array {@code field}, or of {@code field} itself when i < 0. */
    String path(String field, int i) {
      return i < 0 ? path(field) : path(field) + "[" + i + "]";
    }

    boolean has(String field) {
      JsonElement e = object.get(field);
      return e != null && !e.isJsonNull();
    }

    Iterable<String> keys() {
      return object.keySet();
    }

    JsonElement get(String field) {
      return object.get(field);
    }

    private JsonElement required(String field) {
      if (!has(field)) {
        throw new IllegalArgumentException("report: required field '" + path(field) + "' is missing");
      }
      return object.get(field);
    }

    private IllegalArgumentException wrongType(String field, int i, String expected, JsonElement found) {
      return new IllegalArgumentException(
          "report: field '" + path(field, i) + "' must be " + expected + ", found " + describe(found));
    }

    /**
     * A value as the message shows it: its JSON text, cut at 60 characters, or for an array or object its size.
     * Not the text of an array or object: Gson writes it whole (a regular expression per number) before any cut,
     * megabytes for a large histogram in the wrong place.
     */
    private static String describe(JsonElement found) {
      if (found.isJsonArray()) {
        int n = found.getAsJsonArray().size();
        return "an array of " + n + (n == 1 ? " value" : " values");
      }
      if (found.isJsonObject()) {
        int n = found.getAsJsonObject().size();
        return "an object of " + n + (n == 1 ? " field" : " fields");
      }
      String text = found.toString();
      return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    String string(String field) {
      return string(field, -1, required(field));
    }

    String optionalString(String field) {
      return has(field) ? string(field) : null;
    }

    double number(String field) {
      return number(field, -1, required(field));
    }

    Double optionalNumber(String field) {
      return has(field) ? number(field) : null;
    }

    long integer(String field) {
      return integer(field, -1, required(field));
    }

    Fields object(String field) {
      JsonElement e = required(field);
      if (!e.isJsonObject()) {
        throw wrongType(field, -1, "an object", e);
      }
      return new Fields(e.getAsJsonObject(), this, field, -1);
    }

    List<Fields> objects(String field) {
      JsonArray array = array(field);
      List<Fields> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        JsonElement e = array.get(i);
        if (!e.isJsonObject()) {
          throw wrongType(field, i, "an object", e);
        }
        out.add(new Fields(e.getAsJsonObject(), this, field, i));
      }
      return out;
    }

    double[] numbers(String field) {
      JsonArray array = array(field);
      double[] out = new double[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = number(field, i, array.get(i));
      }
      return out;
    }

    List<String> strings(String field) {
      JsonArray array = array(field);
      List<String> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        out.add(string(field, i, array.get(i)));
      }
      return out;
    }

    long[] integers(String field) {
      JsonArray array = array(field);
      long[] out = new long[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = integer(field, i, array.get(i));
      }
      return out;
    }

    /** An object of numbers keyed by name (layer or phase), in file order. */
    Map<String, Double> numberMap(String field) {
      Fields f = object(field);
      Map<String, Double> out = new LinkedHashMap<>();
      for (String key : f.keys()) {
        out.put(key, f.number(key));
      }
      return Collections.unmodifiableMap(out);
    }

    private JsonArray array(String field) {
      JsonElement e = required(field);
      if (!e.isJsonArray()) {
        throw wrongType(field, -1, "an array", e);
      }
      return e.getAsJsonArray();
    }

    private String string(String field, int i, JsonElement e) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw wrongType(field, i, "a string", e);
      }
      return e.getAsString();
    }

    private double number(String field, int i, JsonElement e) {
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
      throw wrongType(field, i, "a number", e);
    }

    private long integer(String field, int i, JsonElement e) {
      if (!isNumber(e)) {
        throw wrongType(field, i, "an integer", e);
      }
      String text = e.getAsString();
      if (isPlainLong(text)) {
        return Long.parseLong(text); // what a writer writes, without BigDecimal's copies (a histogram has many)
      }
      try {
        return new BigDecimal(text).longValueExact();
      } catch (ArithmeticException | NumberFormatException notWhole) {
        throw wrongType(field, i, "an integer", e);
      }
    }

    /**
     * An optional minus and 1 to 18 digits: a long, whatever the digits. Characters compared one by one: Jazzer's
     * hook on {@code String.startsWith} allocates 900 bytes a call while it fuzzes, and this runs for every count.
     */
    private static boolean isPlainLong(String text) {
      int start = !text.isEmpty() && text.charAt(0) == '-' ? 1 : 0;
      int digits = text.length() - start;
      if (digits < 1 || digits > 18) {
        return false;
      }
      for (int k = start; k < text.length(); k++) {
        char c = text.charAt(k);
        if (c < '0' || c > '9') {
          return false;
        }
      }
      return true;
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
