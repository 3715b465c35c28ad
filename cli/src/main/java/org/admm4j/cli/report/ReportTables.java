package org.admm4j.cli.report;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.admm4j.cli.report.PruningReport.AdmmIteration;
import org.admm4j.cli.report.PruningReport.Layer;
import org.admm4j.cli.report.PruningReport.Epoch;

/**
 * The report's tables as HTML: summary, per layer, per ADMM iteration, per retraining epoch,
 * phase times and the configuration. Every text from the report passes through
 * {@link HtmlText#escape} in {@link #cell}, {@link #headerCell} or {@link #pre}, nowhere else.
 */
final class ReportTables {

  private static final String NA = NumberText.NOT_AVAILABLE;

  private ReportTables() {}

  static void summary(StringBuilder out, PruningReport r) {
    out.append("<table class=\"summary\">\n");
    row(out, "Model", r.model());
    row(out, "Dataset", r.dataset());
    row(out, "Preset", r.preset());
    row(out, "Baseline accuracy (dense)", NumberText.percent(r.baselineAccuracy()));
    double change = r.finalAccuracy() - r.baselineAccuracy();
    row(out, "Final accuracy (pruned)", NumberText.percent(r.finalAccuracy())
        + String.format(Locale.ROOT, " (%+.2f points)", change));
    row(out, "Accuracy after hard pruning (before retraining)",
        r.hardPrunedAccuracy() == null ? null : NumberText.percent(r.hardPrunedAccuracy()));
    row(out, "Compression (weights / non-zero weights)", NumberText.ratio(r.compression()));
    row(out, "Total weights", NumberText.count(r.totalWeights()));
    row(out, "Non-zero weights", NumberText.count(r.nonzeroWeights()));
    row(out, "Training / test images", r.trainImages() == null || r.testImages() == null ? null
        : NumberText.count(r.trainImages()) + " / " + NumberText.count(r.testImages()));
    row(out, "Started from", r.from() != null ? r.from()
        : r.denseEpochs() != null && !r.denseEpochs().isEmpty() ? "dense training in this run" : null);
    row(out, "Wall time", NumberText.seconds(r.wallSeconds()));
    row(out, "Seed", Long.toString(r.seed()));
    row(out, "Threads", Long.toString(r.threads()));
    row(out, "JDK", r.jdk());
    row(out, "Kernels", r.kernels());
    row(out, "admm4j version", r.admm4jVersion());
    row(out, "Started at", r.startedAt());
    row(out, "Command", r.command());
    out.append("</table>\n");
  }

  static void layers(StringBuilder out, List<Layer> layers) {
    if (layers.isEmpty()) {
      notAvailable(out, "the report lists no layers");
      return;
    }
    boolean shapes = layers.stream().allMatch(l -> l.shapeBefore() != null && l.shapeAfter() != null);
    boolean kinds = layers.stream().allMatch(l -> l.kind() != null);
    out.append("<table class=\"layers\">\n<thead><tr>");
    List<String> headers = new java.util.ArrayList<>(List.of("Layer", "Weights", "Non-zero", "Kept", "MACs before",
        "MACs after", "MAC reduction"));
    if (kinds) {
      headers.add(1, "Kind");
    }
    if (shapes) {
      headers.add("Shape before");
      headers.add("Shape after");
    }
    for (String h : headers) {
      headerCell(out, h);
    }
    out.append("</tr></thead>\n<tbody>\n");
    long weights = 0;
    long nonzero = 0;
    long macsDense = 0;
    long macsPruned = 0;
    boolean allMacs = true;
    long convWeights = 0;
    long convNonzero = 0;
    long convDense = 0;
    long convPruned = 0;
    boolean convMacs = true;
    boolean anyConv = false;
    boolean anyOther = false;
    for (Layer l : layers) {
      out.append("<tr class=\"layer\">");
      cell(out, l.name(), false);
      if (kinds) {
        cell(out, l.kind(), false);
      }
      cell(out, NumberText.count(l.weights()), true);
      cell(out, NumberText.count(l.nonzero()), true);
      cell(out, NumberText.percent(100 * l.keptFraction()), true);
      cell(out, NumberText.count(l.macsDense()), true);
      cell(out, NumberText.count(l.macsPruned()), true);
      cell(out, macReduction(l.macsDense(), l.macsPruned()), true);
      if (shapes) {
        cell(out, shape(l.shapeBefore()), false);
        cell(out, java.util.Arrays.equals(l.shapeBefore(), l.shapeAfter()) ? "same" : shape(l.shapeAfter()), false);
      }
      out.append("</tr>\n");
      if ("conv".equals(l.kind())) {
        anyConv = true;
        convWeights += l.weights();
        convNonzero += l.nonzero();
        if (l.macsDense() == null || l.macsPruned() == null) {
          convMacs = false;
        } else {
          convDense += l.macsDense();
          convPruned += l.macsPruned();
        }
      } else {
        anyOther = true;
      }
      weights += l.weights();
      nonzero += l.nonzero();
      if (l.macsDense() == null || l.macsPruned() == null) {
        allMacs = false;
      } else {
        macsDense += l.macsDense();
        macsPruned += l.macsPruned();
      }
    }
    out.append("</tbody>\n<tfoot>");
    if (kinds && anyConv && anyOther) {
      // the paper's conv-layer figures: weights and computation of the convolutions alone
      out.append("<tr class=\"conv-total\">");
      cell(out, "conv layers", false);
      cell(out, "", false);
      cell(out, NumberText.count(convWeights), true);
      cell(out, NumberText.count(convNonzero), true);
      cell(out, convWeights == 0 ? NA : NumberText.percent(100.0 * convNonzero / convWeights), true);
      cell(out, convMacs ? NumberText.count(convDense) : NA, true);
      cell(out, convMacs ? NumberText.count(convPruned) : NA, true);
      cell(out, convMacs ? macReduction(convDense, convPruned) : NA, true);
      if (shapes) {
        cell(out, "", false);
        cell(out, "", false);
      }
      out.append("</tr>\n");
    }
    out.append("<tr class=\"total\">");
    cell(out, "all layers", false);
    if (kinds) {
      cell(out, "", false);
    }
    cell(out, NumberText.count(weights), true);
    cell(out, NumberText.count(nonzero), true);
    cell(out, weights == 0 ? NA : NumberText.percent(100.0 * nonzero / weights), true);
    cell(out, allMacs ? NumberText.count(macsDense) : NA, true);
    cell(out, allMacs ? NumberText.count(macsPruned) : NA, true);
    cell(out, allMacs ? macReduction(macsDense, macsPruned) : NA, true);
    if (shapes) {
      cell(out, "", false);
      cell(out, "", false);
    }
    out.append("</tr></tfoot>\n</table>\n");
  }

  /** {@code 25×10×5×5}. */
  static String shape(long[] s) {
    StringBuilder b = new StringBuilder();
    for (long d : s) {
      b.append(b.length() == 0 ? "" : "×").append(d);
    }
    return b.toString();
  }

  /** What filter pruning removed from the saved model, and what it could not remove and why. */
  static void shrink(StringBuilder out, PruningReport.Shrink s) {
    out.append("<table class=\"shrink\">\n<tbody>\n");
    out.append("<tr>");
    cell(out, "Pruned filters or unread channels removed from", false);
    cell(out, s.removed().isEmpty() ? "no layer" : String.join(", ", s.removed()), false);
    out.append("</tr>\n");
    for (java.util.Map.Entry<String, String> e : s.notRemoved().entrySet()) {
      out.append("<tr>");
      cell(out, "Not removed: " + e.getKey(), false);
      cell(out, e.getValue(), false);
      out.append("</tr>\n");
    }
    out.append("<tr>");
    cell(out, "Largest logit difference, pruned vs shrunk", false);
    cell(out, String.format(java.util.Locale.ROOT, "%.3g", s.maxLogitDifference()), true);
    out.append("</tr>\n</tbody>\n</table>\n");
  }

  /** The stages of a progressive run: targets, non-zeros, compression, accuracy after pruning and after retraining. */
  static void stages(StringBuilder out, List<PruningReport.Stage> stages) {
    out.append("<table class=\"stages\">\n<thead><tr>");
    for (String h : List.of("Stage", "Targets", "Non-zero", "Compression", "Hard-pruned accuracy",
        "Retrained accuracy", "Seconds")) {
      headerCell(out, h);
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (PruningReport.Stage st : stages) {
      out.append("<tr class=\"stage\">");
      cell(out, Long.toString(st.stage()), true);
      cell(out, st.targets(), false);
      cell(out, NumberText.count(st.nonzero()), true);
      cell(out, NumberText.ratio(st.compression()), true);
      cell(out, NumberText.percent(st.hardPrunedAccuracy()), true);
      cell(out, NumberText.percent(st.retrainedAccuracy()), true);
      cell(out, st.seconds() == null ? NA : NumberText.seconds(st.seconds()), true);
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  /**
   * The allocation of a global compression: per layer its weights, what each stage keeps, what the global
   * magnitude ranking alone would keep, and (sensitivity method) the held-back accuracy with that layer alone
   * pruned to each keep fraction tried.
   */
  static void allocation(StringBuilder out, PruningReport.Allocation a) {
    List<Double> keeps = new ArrayList<>();
    for (PruningReport.AllocatedLayer l : a.layers()) {
      for (PruningReport.SensitivityPoint p : l.sensitivity()) {
        if (!keeps.contains(p.keep())) {
          keeps.add(p.keep());
        }
      }
    }
    out.append("<table class=\"allocation\">\n<thead><tr>");
    headerCell(out, "Layer");
    headerCell(out, "Weights");
    headerCell(out, a.stages().isEmpty() ? "Kept" : "Kept, stage 1");
    for (int i = 0; i < a.stages().size(); i++) {
      headerCell(out, "Stage " + (i + 2));
    }
    headerCell(out, "Magnitude ranking alone");
    for (double k : keeps) {
      headerCell(out, "Accuracy at keep " + NumberText.number(k, 4));
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (PruningReport.AllocatedLayer l : a.layers()) {
      out.append("<tr class=\"allocated\">");
      cell(out, l.name(), false);
      cell(out, NumberText.count(l.weights()), true);
      cell(out, NumberText.count(l.kept()), true);
      for (PruningReport.AllocatedStage st : a.stages()) {
        cell(out, NumberText.count(st.kept().get(l.name())), true);
      }
      cell(out, NumberText.count(l.magnitudeKept()), true);
      for (double k : keeps) {
        String text = NA;
        for (PruningReport.SensitivityPoint p : l.sensitivity()) {
          if (p.keep() == k) {
            text = NumberText.percent(100 * p.accuracy());
          }
        }
        cell(out, text, true);
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  /**
   * A stage allocated on the model it starts from: per layer the weights it kept when the stage began, what
   * the stage keeps, and each cut tried (weights kept, held-back accuracy with that layer alone cut so).
   */
  static void remeasuredStage(StringBuilder out, PruningReport.AllocatedStage st, List<PruningReport.AllocatedLayer> layers) {
    int points = 0;
    for (List<PruningReport.SensitivityPoint> c : st.sensitivity().values()) {
      points = Math.max(points, c.size());
    }
    out.append("<table class=\"allocation\">\n<thead><tr>");
    headerCell(out, "Layer");
    headerCell(out, "Kept at the start");
    headerCell(out, "Kept");
    for (int i = 1; i < points; i++) {
      headerCell(out, "Cut " + i);
    }
    out.append("</tr></thead>\n<tbody>\n");
    // rows for the layers the stage measured only: a report's other layers would each add a row of empty cells
    // per stage (the page's size must stay a bounded multiple of the file's, HtmlReportFuzzTest)
    for (PruningReport.AllocatedLayer l : layers) {
      List<PruningReport.SensitivityPoint> c = st.sensitivity().get(l.name());
      if (c == null) {
        continue;
      }
      out.append("<tr class=\"allocated\">");
      cell(out, l.name(), false);
      cell(out, c.isEmpty() ? NA : NumberText.count(Math.round(c.get(0).keep() * l.weights())), true);
      Long kept = st.kept().get(l.name());
      cell(out, kept == null ? NA : NumberText.count(kept), true);
      for (int i = 1; i < points; i++) {
        cell(out, i >= c.size() ? NA : NumberText.count(Math.round(c.get(i).keep() * l.weights()))
            + ": " + NumberText.percent(100 * c.get(i).accuracy()), true);
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  static void admmIterations(StringBuilder out, List<AdmmIteration> iterations) {
    if (iterations.isEmpty()) {
      notAvailable(out, "the report lists no ADMM iterations");
      return;
    }
    out.append("<table class=\"iterations\">\n<thead><tr>");
    for (String h : List.of("Iteration", "ρ", "Loss", "Test accuracy", "Seconds")) {
      headerCell(out, h);
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (AdmmIteration it : iterations) {
      out.append("<tr>");
      cell(out, Long.toString(it.iteration()), true);
      cell(out, NumberText.number(it.rho(), 4), true);
      cell(out, NumberText.number(it.loss(), 4), true);
      cell(out, NumberText.percent(it.accuracy()), true);
      cell(out, it.seconds() == null ? NA : NumberText.number(it.seconds(), 4), true);
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  /** Dense training or retraining epochs; {@code what} names them in the "not available" line. */
  static void epochs(StringBuilder out, List<Epoch> epochs, String what) {
    if (epochs == null || epochs.isEmpty()) {
      notAvailable(out, epochs == null ? "the report has no " + what : "no " + what + " were run");
      return;
    }
    out.append("<table class=\"epochs\">\n<thead><tr>");
    for (String h : List.of("Epoch", "Loss", "Test accuracy", "Seconds")) {
      headerCell(out, h);
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (Epoch e : epochs) {
      out.append("<tr>");
      cell(out, Long.toString(e.epoch()), true);
      cell(out, NumberText.number(e.loss(), 4), true);
      cell(out, NumberText.percent(e.accuracy()), true);
      cell(out, e.seconds() == null ? NA : NumberText.number(e.seconds(), 4), true);
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  static void phases(StringBuilder out, Map<String, Double> phases, double wallSeconds) {
    if (phases == null || phases.isEmpty()) {
      notAvailable(out, "the report has no phase times");
      return;
    }
    out.append("<table class=\"phases\">\n<thead><tr>");
    for (String h : List.of("Phase", "Seconds", "Share of wall time")) {
      headerCell(out, h);
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (Map.Entry<String, Double> p : phases.entrySet()) {
      out.append("<tr>");
      cell(out, p.getKey(), false);
      cell(out, NumberText.number(p.getValue(), 4), true);
      cell(out, wallSeconds > 0 ? NumberText.percent(100 * p.getValue() / wallSeconds) : NA, true);
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  static void config(StringBuilder out, PruningReport r) {
    if (r.config() == null) {
      notAvailable(out, "the report has no configuration");
      return;
    }
    pre(out, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
        .disableHtmlEscaping().create().toJson(r.config()));
  }

  static void notAvailable(StringBuilder out, String why) {
    out.append("<p class=\"na\">Not available: ").append(HtmlText.escape(why)).append(".</p>\n");
  }

  private static String macReduction(Long dense, Long pruned) {
    if (dense == null || pruned == null) {
      return NA;
    }
    if (pruned == 0) {
      return dense == 0 ? "none" : "all removed";
    }
    return NumberText.ratio((double) dense / pruned);
  }

  private static void row(StringBuilder out, String label, String value) {
    out.append("<tr>");
    headerCell(out, label);
    if (value == null) {
      out.append("<td class=\"na\">").append(NA).append("</td>");
    } else {
      cell(out, value, false);
    }
    out.append("</tr>\n");
  }

  private static void headerCell(StringBuilder out, String text) {
    out.append("<th>").append(HtmlText.escape(text)).append("</th>");
  }

  private static void cell(StringBuilder out, String text, boolean numeric) {
    out.append(numeric ? "<td class=\"num\">" : "<td>").append(HtmlText.escape(text)).append("</td>");
  }

  private static void pre(StringBuilder out, String text) {
    out.append("<pre>").append(HtmlText.escape(text)).append("</pre>\n");
  }
}
