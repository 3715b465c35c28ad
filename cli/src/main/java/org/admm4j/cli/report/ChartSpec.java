package org.admm4j.cli.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.List;

/**
 * One chart, as data for {@code report-charts.js}: x values, y series, axis labels. The page holds
 * a list of these in its {@code report-data} block; the script hands each to uPlot (a sparse series, one with
 * {@code at}, first spread over the x values with gaps between).
 *
 * @param id the page element the chart is drawn into (made here, never taken from the report)
 * @param xNames labels for integer x positions (layer names, "ADMM 3"), or null for numeric x
 * @param logY a logarithmic y axis; non-positive values are left out (gaps)
 */
record ChartSpec(String id, Kind kind, String xLabel, String yLabel, boolean logY,
    double[] x, List<String> xNames, List<Series> series) {

  enum Kind { LINE, BAR }

  /**
   * A y series; NaN marks "no value here" and becomes a gap. {@code color} picks from the script's
   * palette so one phase has one colour in every chart; -1 colours by position. {@code at}, when not null,
   * holds the x index of each value, ascending, and every other x is a gap: a layer's residuals, present only in
   * the iterations of the stages that prune it, cost the page their own values, not one per iteration of the run.
   */
  record Series(String label, double[] values, int[] at, boolean dashed, int color) {
    Series(String label, double[] values, boolean dashed, int color) {
      this(label, values, null, dashed, color);
    }

    Series(String label, double[] values, boolean dashed) {
      this(label, values, null, dashed, -1);
    }

    /** A series with values at the x indexes {@code at} only. */
    static Series sparse(String label, int[] at, double[] values) {
      if (at.length != values.length) {
        throw new IllegalArgumentException("a sparse series needs an x index per value, got " + at.length
            + " indexes for " + values.length + " values");
      }
      return new Series(label, values, at, false, -1);
    }

    /** The value at x index {@code i}, NaN for a gap. */
    double value(int i) {
      if (at == null) {
        return values[i];
      }
      int k = Arrays.binarySearch(at, i);
      return k >= 0 ? values[k] : Double.NaN;
    }
  }

  /** The chart as JSON; non-finite numbers become null, which uPlot draws as a gap. */
  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    o.addProperty("kind", kind == Kind.BAR ? "bar" : "line");
    o.addProperty("xLabel", xLabel);
    o.addProperty("yLabel", yLabel);
    o.addProperty("logY", logY);
    o.add("x", numbers(x));
    if (xNames != null) {
      JsonArray names = new JsonArray();
      xNames.forEach(names::add);
      o.add("xNames", names);
    }
    JsonArray all = new JsonArray();
    for (Series s : series) {
      JsonObject j = new JsonObject();
      j.addProperty("label", s.label());
      if (s.at() != null) {
        JsonArray at = new JsonArray(s.at().length);
        for (int i : s.at()) {
          at.add(i);
        }
        j.add("at", at);
      }
      j.add("values", numbers(s.values()));
      j.addProperty("dashed", s.dashed());
      if (s.color() >= 0) {
        j.addProperty("color", s.color());
      }
      all.add(j);
    }
    o.add("series", all);
    return o;
  }

  private static JsonArray numbers(double[] values) {
    JsonArray a = new JsonArray(values.length);
    for (double v : values) {
      a.add(Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE);
    }
    return a;
  }
}
