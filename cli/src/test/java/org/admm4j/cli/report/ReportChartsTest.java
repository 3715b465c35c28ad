package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.admm4j.cli.report.ChartSpec.Series;
import org.admm4j.cli.report.ReportCharts.Section;
import org.junit.jupiter.api.Test;

class ReportChartsTest {

  private static ChartSpec chart(JsonObject report, String id) {
    for (ChartSpec c : ReportCharts.charts(ReportCharts.sections(PruningReportReader.read(report)))) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  @Test
  void accuracyRunsThroughTheWholeRun() {
    JsonObject report = SampleReports.sample();
    ChartSpec acc = chart(report, "chart-accuracy");
    // 4 dense epochs, 10 ADMM iterations, the hard prune, 8 retraining epochs
    assertEquals(23, acc.x().length);
    assertEquals(1, acc.x()[0]);
    assertEquals(23, acc.x()[22]);
    assertEquals("dense 1", acc.xNames().get(0));
    assertEquals("ADMM 1", acc.xNames().get(4));
    assertEquals("hard prune", acc.xNames().get(14));
    assertEquals("retrain 1", acc.xNames().get(15));
    assertEquals("retrain 8", acc.xNames().get(22));
    assertEquals(List.of("dense training epoch", "ADMM iteration", "after hard pruning", "retraining epoch",
        "dense baseline"), acc.series().stream().map(Series::label).toList());
    JsonArray dense = report.getAsJsonArray("dense_epochs");
    JsonArray iterations = report.getAsJsonArray("admm_iterations");
    JsonArray epochs = report.getAsJsonArray("retrain_epochs");
    for (int i = 0; i < 23; i++) {
      double[] expected = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
      if (i < 4) {
        expected[0] = dense.get(i).getAsJsonObject().get("accuracy").getAsDouble();
      } else if (i < 14) {
        expected[1] = iterations.get(i - 4).getAsJsonObject().get("accuracy").getAsDouble();
      } else if (i == 14) {
        expected[2] = 98.64;
      } else {
        expected[3] = epochs.get(i - 15).getAsJsonObject().get("accuracy").getAsDouble();
      }
      for (int p = 0; p < 4; p++) {
        assertEquals(expected[p], acc.series().get(p).values()[i], "phase " + p + " at " + i);
      }
      assertEquals(99.12, acc.series().get(4).values()[i]);
    }
    assertTrue(acc.series().get(4).dashed());
    ChartSpec loss = chart(report, "chart-loss");
    assertEquals(3, loss.series().size(), "no loss for the hard prune");
    assertEquals(epochs.get(7).getAsJsonObject().get("loss").getAsDouble(), loss.series().get(2).values()[22]);
    assertEquals(dense.get(0).getAsJsonObject().get("loss").getAsDouble(), loss.series().get(0).values()[0]);
    // one colour per phase across both charts
    assertEquals(3, acc.series().get(3).color());
    assertEquals(3, loss.series().get(2).color());
    assertEquals(3, acc.toJson().getAsJsonArray("series").get(3).getAsJsonObject().get("color").getAsInt());
  }

  @Test
  void accuracyWithoutOptionalPhases() {
    JsonObject report = SampleReports.sample();
    report.remove("dense_epochs");
    report.remove("hard_pruned_accuracy");
    report.remove("retrain_epochs");
    ChartSpec acc = chart(report, "chart-accuracy");
    assertEquals(10, acc.x().length);
    assertEquals("ADMM 1", acc.xNames().get(0));
    assertEquals(List.of("ADMM iteration", "dense baseline"), acc.series().stream().map(Series::label).toList());
  }

  @Test
  void residualsArePerLayerOnALogScaleWithGapsForZeros() {
    JsonObject report = SampleReports.sample();
    JsonObject third = report.getAsJsonArray("admm_iterations").get(2).getAsJsonObject();
    third.getAsJsonObject("dual_residual").addProperty("conv2", 0.0);
    ChartSpec dual = chart(report, "chart-dual");
    assertTrue(dual.logY());
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), dual.series().stream().map(Series::label).toList());
    assertTrue(Double.isNaN(dual.series().get(1).value(2)), "0 cannot sit on a log axis");
    assertEquals(third.getAsJsonObject("dual_residual").get("fc1").getAsDouble(), dual.series().get(2).value(2));
    JsonObject conv2 = dual.toJson().getAsJsonArray("series").get(1).getAsJsonObject();
    assertEquals("[0,1,3,4,5,6,7,8,9]", conv2.get("at").toString(), "the page's data leaves the gap out");
    assertEquals(9, conv2.getAsJsonArray("values").size());
    ChartSpec primal = chart(report, "chart-primal");
    assertEquals(report.getAsJsonArray("admm_iterations").get(9).getAsJsonObject()
        .getAsJsonObject("primal_residual").get("fc2").getAsDouble(), primal.series().get(3).value(9));
  }

  /**
   * A progressive run whose stages prune different layers: each layer's residuals are given at the iterations that
   * have them, so the page's data grows with the values and not with layers × iterations.
   */
  @Test
  void residualsOfLayersPrunedInSomeStagesOnlyHoldTheirOwnIterations() {
    JsonObject report = SampleReports.sample();
    JsonArray iterations = report.getAsJsonArray("admm_iterations");
    for (int i = 0; i < iterations.size(); i++) {
      JsonObject primal = iterations.get(i).getAsJsonObject().getAsJsonObject("primal_residual");
      for (String layer : List.copyOf(primal.keySet())) {
        if (i < 5 ? !layer.equals("conv1") : !layer.equals("fc1")) {
          primal.remove(layer);
        }
      }
    }
    ChartSpec primal = chart(report, "chart-primal");
    assertEquals(List.of("conv1", "fc1"), primal.series().stream().map(Series::label).toList());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, primal.series().get(0).at());
    assertArrayEquals(new int[] {5, 6, 7, 8, 9}, primal.series().get(1).at());
    assertTrue(Double.isNaN(primal.series().get(0).value(7)));
    assertEquals(iterations.get(7).getAsJsonObject().getAsJsonObject("primal_residual").get("fc1").getAsDouble(),
        primal.series().get(1).value(7));

    // 2,000 layers each in one iteration of 2,000: 2,000 values, not 4 million
    JsonArray many = new JsonArray();
    for (int i = 0; i < 2000; i++) {
      JsonObject it = iterations.get(0).getAsJsonObject().deepCopy();
      it.addProperty("iteration", i + 1);
      JsonObject one = new JsonObject();
      one.addProperty("layer" + i, 0.5);
      it.add("primal_residual", one);
      many.add(it);
    }
    report.add("admm_iterations", many);
    int values = 0;
    for (Series s : chart(report, "chart-primal").series()) {
      values += s.values().length;
    }
    assertEquals(2000, values);
  }

  @Test
  void allZeroResidualsGiveAPanelThatSaysSo() {
    JsonObject report = SampleReports.sample();
    for (var it : report.getAsJsonArray("admm_iterations")) {
      JsonObject dual = it.getAsJsonObject().getAsJsonObject("dual_residual");
      for (String layer : List.copyOf(dual.keySet())) {
        dual.addProperty(layer, 0.0);
      }
    }
    assertNull(chart(report, "chart-dual"));
    Section residuals = ReportCharts.sections(PruningReportReader.read(report)).get(1);
    assertEquals("no positive values to plot on a log scale", residuals.panels().get(1).missing());
    assertTrue(HtmlReport.render(report).contains("<body data-charts-expected=\"12\">"));
  }

  @Test
  void keptFractionIsABarPerLayer() {
    ChartSpec kept = chart(SampleReports.sample(), "chart-kept");
    assertEquals(ChartSpec.Kind.BAR, kept.kind());
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), kept.xNames());
    assertArrayEquals(new double[] {0, 1, 2, 3}, kept.x());
    assertArrayEquals(new double[] {80, 9, 1.75, 21}, kept.series().get(0).values(), 1e-9);
  }

  @Test
  void histogramBarsSitAtBinCentres() {
    JsonObject report = SampleReports.sample();
    JsonObject conv2 = report.getAsJsonObject("histograms").getAsJsonObject("after").getAsJsonObject("conv2");
    ChartSpec after = chart(report, "chart-hist-after-1");
    JsonArray edges = conv2.getAsJsonArray("edges");
    JsonArray counts = conv2.getAsJsonArray("counts");
    assertEquals(counts.size(), after.x().length);
    for (int b = 0; b < counts.size(); b++) {
      assertEquals(0.5 * (edges.get(b).getAsDouble() + edges.get(b + 1).getAsDouble()), after.x()[b], 1e-12);
      assertEquals(counts.get(b).getAsDouble(), after.series().get(0).values()[b]);
    }
  }

  @Test
  void histogramMissingOnOneSideGivesOnePlaceholder() {
    JsonObject report = SampleReports.sample();
    report.getAsJsonObject("histograms").getAsJsonObject("after").remove("fc1");
    String html = HtmlReport.render(report);
    assertTrue(html.contains("<body data-charts-expected=\"12\">"));
    assertTrue(html.contains("<div class=\"chart\" id=\"chart-hist-before-2\">"));
    assertTrue(html.contains("<figcaption>fc1: after retraining (non-zero)</figcaption>\n"
        + "<p class=\"na\">Not available: no histogram for this layer.</p>"));
  }
}
