package org.admm4j.cli.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.admm4j.cli.report.ChartSpec.Kind;
import org.admm4j.cli.report.ChartSpec.Series;
import org.admm4j.cli.report.PruningReport.AdmmIteration;
import org.admm4j.cli.report.PruningReport.Histogram;
import org.admm4j.cli.report.PruningReport.Layer;
import org.admm4j.cli.report.PruningReport.Epoch;

/**
 * Decides which charts a report gets and computes their data: accuracy and loss over the run,
 * ADMM residuals per layer, kept fraction per layer, weight histograms before and after pruning.
 * A chart whose data the report lacks becomes a panel that says so.
 */
final class ReportCharts {

  /** A titled place on the page: a chart, or the reason there is none. */
  record Panel(String title, ChartSpec chart, String missing) {
    static Panel of(String title, ChartSpec chart) {
      return new Panel(title, chart, null);
    }

    static Panel notAvailable(String title, String why) {
      return new Panel(title, null, why);
    }
  }

  /** A page section of panels; {@code missing} non-null means the whole section has no data. */
  record Section(String id, String heading, String caption, List<Panel> panels, String missing) {}

  private ReportCharts() {}

  /** The chart sections, in page order. */
  static List<Section> sections(PruningReport r) {
    return List.of(accuracy(r), residuals(r), keptFraction(r), histograms(r));
  }

  /** Every chart in the sections, in page order. */
  static List<ChartSpec> charts(List<Section> sections) {
    List<ChartSpec> out = new ArrayList<>();
    for (Section s : sections) {
      for (Panel p : s.panels()) {
        if (p.chart() != null) {
          out.add(p.chart());
        }
      }
    }
    return out;
  }

  // The whole run on one x axis, left to right: dense epochs, ADMM iterations, the hard prune,
  // retraining epochs. Each phase is its own series, so the lines break where the phase changes.
  private static Section accuracy(PruningReport r) {
    List<Epoch> dense = r.denseEpochs() == null ? List.of() : r.denseEpochs();
    List<AdmmIteration> admm = r.admmIterations();
    List<Epoch> retrain = r.retrainEpochs() == null ? List.of() : r.retrainEpochs();
    String caption = "Test accuracy (percent) and training loss after each dense training epoch, ADMM"
        + " iteration and masked retraining epoch; the dashed line is the dense baseline."
        + (r.retrainEpochs() == null ? " Retraining epochs: " + NumberText.NOT_AVAILABLE + "." : "");
    int n = dense.size() + admm.size() + (r.hardPrunedAccuracy() == null ? 0 : 1) + retrain.size();
    if (admm.isEmpty() && retrain.isEmpty()) {
      return new Section("accuracy", "Accuracy and loss", caption, List.of(),
          "the report lists no ADMM iterations and no retraining epochs");
    }
    double[] x = new double[n];
    List<String> names = new ArrayList<>(n);
    // phases: dense, ADMM, hard prune, retraining
    double[][] accuracy = {nans(n), nans(n), nans(n), nans(n)};
    double[][] loss = {nans(n), nans(n), nans(n), nans(n)};
    double[] baseline = new double[n];
    int i = 0;
    for (Epoch e : dense) {
      names.add("dense " + e.epoch());
      accuracy[0][i] = e.accuracy();
      loss[0][i++] = e.loss();
    }
    for (AdmmIteration it : admm) {
      names.add("ADMM " + it.iteration());
      accuracy[1][i] = it.accuracy();
      loss[1][i++] = it.loss();
    }
    if (r.hardPrunedAccuracy() != null) {
      names.add("hard prune");
      accuracy[2][i++] = r.hardPrunedAccuracy();
    }
    for (Epoch e : retrain) {
      names.add("retrain " + e.epoch());
      accuracy[3][i] = e.accuracy();
      loss[3][i++] = e.loss();
    }
    for (int j = 0; j < n; j++) {
      x[j] = j + 1;
      baseline[j] = r.baselineAccuracy();
    }
    String xLabel = "dense epoch / ADMM iteration / retraining epoch";
    List<Series> accuracySeries = new ArrayList<>();
    List<Series> lossSeries = new ArrayList<>();
    String[] phase = {"dense training epoch", "ADMM iteration", "after hard pruning", "retraining epoch"};
    boolean[] present = {!dense.isEmpty(), !admm.isEmpty(), r.hardPrunedAccuracy() != null, !retrain.isEmpty()};
    for (int p = 0; p < phase.length; p++) {
      if (present[p]) {
        accuracySeries.add(new Series(phase[p], accuracy[p], false, p));
        if (p != 2) {
          lossSeries.add(new Series(phase[p], loss[p], false, p));
        }
      }
    }
    accuracySeries.add(new Series("dense baseline", baseline, true, phase.length));
    ChartSpec acc = new ChartSpec("chart-accuracy", Kind.LINE, xLabel, "test accuracy (%)", false, x, names,
        accuracySeries);
    ChartSpec lossChart = new ChartSpec("chart-loss", Kind.LINE, xLabel, "training loss", false, x, names,
        lossSeries);
    return new Section("accuracy", "Accuracy and loss", caption,
        List.of(Panel.of("Test accuracy", acc), Panel.of("Training loss", lossChart)), null);
  }

  private static Section residuals(PruningReport r) {
    String caption = "Per layer and ADMM iteration, log scale: the primal residual ‖W − Z‖ (how far the"
        + " weights are from the sparse set) and the dual residual ρ‖Z − Z_prev‖ (how much the sparse"
        + " target still moves). ADMM has settled when both are small; gaps mark zeros.";
    List<AdmmIteration> admm = r.admmIterations();
    if (admm.isEmpty()) {
      return new Section("residuals", "ADMM residuals", caption, List.of(),
          "the report lists no ADMM iterations");
    }
    double[] x = new double[admm.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = admm.get(i).iteration();
    }
    return new Section("residuals", "ADMM residuals", caption, List.of(
        residualPanel("Primal residual ‖W − Z‖", "chart-primal", "primal residual", x, admm,
            AdmmIteration::primalResidual),
        residualPanel("Dual residual ρ‖Z − Z_prev‖", "chart-dual", "dual residual", x, admm,
            AdmmIteration::dualResidual)), null);
  }

  // Each layer's series holds the iterations that give it a positive residual, in one pass over the
  // iterations: layers × iterations would be quadratic in a file whose stages prune different layers.
  private static Panel residualPanel(String title, String id, String yLabel, double[] x,
      List<AdmmIteration> admm, Function<AdmmIteration, Map<String, Double>> residual) {
    Map<String, Points> layers = new LinkedHashMap<>();
    boolean anyPositive = false;
    for (int i = 0; i < admm.size(); i++) {
      for (Map.Entry<String, Double> e : residual.apply(admm.get(i)).entrySet()) {
        Points p = layers.computeIfAbsent(e.getKey(), k -> new Points());
        double v = e.getValue();
        // A log axis cannot show 0 (an exact Z-step repeat); leave a gap rather than fail.
        if (v > 0 && Double.isFinite(v)) {
          p.add(i, v);
          anyPositive = true;
        }
      }
    }
    if (!anyPositive) {
      return Panel.notAvailable(title, "no positive values to plot on a log scale");
    }
    List<Series> series = new ArrayList<>(layers.size());
    for (Map.Entry<String, Points> e : layers.entrySet()) {
      Points p = e.getValue();
      series.add(Series.sparse(e.getKey(), Arrays.copyOf(p.at, p.n), Arrays.copyOf(p.values, p.n)));
    }
    return Panel.of(title + " (log scale)",
        new ChartSpec(id, Kind.LINE, "ADMM iteration", yLabel, true, x, null, series));
  }

  /** A growing list of (x index, value) pairs. */
  private static final class Points {
    int[] at = new int[4];
    double[] values = new double[4];
    int n;

    void add(int i, double v) {
      if (n == at.length) {
        at = Arrays.copyOf(at, 2 * n);
        values = Arrays.copyOf(values, 2 * n);
      }
      at[n] = i;
      values[n++] = v;
    }
  }

  private static Section keptFraction(PruningReport r) {
    String caption = "Fraction of each layer's weights left non-zero after hard pruning (percent).";
    List<Layer> layers = r.layers();
    if (layers.isEmpty()) {
      return new Section("kept", "Kept fraction per layer", caption, List.of(), "the report lists no layers");
    }
    double[] x = new double[layers.size()];
    double[] kept = new double[layers.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
      kept[i] = 100 * layers.get(i).keptFraction();
      names.add(layers.get(i).name());
    }
    ChartSpec chart = new ChartSpec("chart-kept", Kind.BAR, "layer", "weights kept (%)", false, x, names,
        List.of(new Series("weights kept (%)", kept, false)));
    return new Section("kept", "Kept fraction per layer", caption, List.of(Panel.of("Weights kept", chart)), null);
  }

  private static Section histograms(PruningReport r) {
    String caption = "Weight values per pruned layer before pruning (all weights) and after retraining"
        + " (non-zero weights only).";
    Map<String, Histogram> before = r.histogramsBefore();
    Map<String, Histogram> after = r.histogramsAfter();
    if (before == null && after == null) {
      return new Section("histograms", "Weight histograms", caption, List.of(),
          "the report has no histograms");
    }
    // Layers in the per-layer table's order first, then any the table does not list.
    Set<String> names = new LinkedHashSet<>();
    for (Layer l : r.layers()) {
      if ((before != null && before.containsKey(l.name())) || (after != null && after.containsKey(l.name()))) {
        names.add(l.name());
      }
    }
    if (before != null) {
      names.addAll(before.keySet());
    }
    if (after != null) {
      names.addAll(after.keySet());
    }
    if (names.isEmpty()) {
      return new Section("histograms", "Weight histograms", caption, List.of(),
          "the report's histograms list no layers");
    }
    List<Panel> panels = new ArrayList<>();
    int i = 0;
    for (String layer : names) {
      panels.add(histogramPanel(layer + ": before pruning", "chart-hist-before-" + i,
          before == null ? null : before.get(layer), "weights"));
      panels.add(histogramPanel(layer + ": after retraining (non-zero)", "chart-hist-after-" + i,
          after == null ? null : after.get(layer), "non-zero weights"));
      i++;
    }
    return new Section("histograms", "Weight histograms", caption, panels, null);
  }

  private static Panel histogramPanel(String title, String id, Histogram h, String label) {
    if (h == null) {
      return Panel.notAvailable(title, "no histogram for this layer");
    }
    int n = h.counts().length;
    double[] centres = new double[n];
    double[] counts = new double[n];
    for (int b = 0; b < n; b++) {
      centres[b] = 0.5 * (h.edges()[b] + h.edges()[b + 1]);
      counts[b] = h.counts()[b];
    }
    return Panel.of(title, new ChartSpec(id, Kind.BAR, "weight value", "count", false, centres, null,
        List.of(new Series(label, counts, false))));
  }

  private static double[] nans(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }
}
