package org.admm4j.cli.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;

/**
 * One chart, as data for {@code report-charts.js}: x values, y series, axis labels. The page holds
 * a list of these in its {@code report-data} block; the script hands each to uPlot.
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
   * palette so one phase has one colour in every chart; -1 colours by position.
   */
  record Series(String label, double[] values, boolean dashed, int color) {
    Series(String label, double[] values, boolean dashed) {
      this(label, values, dashed, -1);
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
