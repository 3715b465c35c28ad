package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PruningReportReaderTest {

  @Test
  void readsTheSample() {
    PruningReport r = PruningReportReader.read(SampleReports.sample());
    assertEquals("lenet5", r.model());
    assertEquals("lenet5-40x", r.preset());
    assertEquals(99.12, r.baselineAccuracy());
    assertEquals(430_500, r.totalWeights());
    assertEquals(4, r.layers().size());
    assertEquals("fc1", r.layers().get(2).name());
    assertEquals(7_000, r.layers().get(2).nonzero());
    assertEquals(Long.valueOf(230_400), r.layers().get(0).macsPruned());
    assertEquals(10, r.admmIterations().size());
    assertEquals(4, r.admmIterations().get(0).primalResidual().size());
    assertEquals(8, r.retrainEpochs().size());
    assertEquals(4, r.denseEpochs().size());
    assertEquals(98.64, r.hardPrunedAccuracy());
    assertEquals(60_000L, r.trainImages());
    assertNull(r.from());
    assertEquals(41, r.histogramsBefore().get("conv2").edges().length);
    assertEquals(40, r.histogramsAfter().get("conv2").counts().length);
    assertEquals(4, r.phasesSeconds().size());
    assertEquals(42, r.seed());
    assertTrue(r.config().isJsonObject());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model", "dataset", "preset", "baseline_accuracy", "final_accuracy",
      "total_weights", "nonzero_weights", "compression", "layers", "admm_iterations",
      "wall_seconds", "seed", "threads", "jdk"})
  void missingRequiredFieldIsNamed(String field) {
    JsonObject report = SampleReports.sample();
    report.remove(field);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PruningReportReader.read(report));
    assertEquals("report: required field '" + field + "' is missing", e.getMessage());
  }

  @Test
  void jsonNullCountsAsMissing() {
    JsonObject report = SampleReports.sample();
    report.add("jdk", JsonNull.INSTANCE);
    assertEquals("report: required field 'jdk' is missing",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(report)).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "weights", "nonzero"})
  void missingLayerFieldIsNamedWithItsIndex(String field) {
    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("layers").get(2).getAsJsonObject().remove(field);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PruningReportReader.read(report));
    assertTrue(e.getMessage().contains("'layers[2]." + field + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"iteration", "rho", "loss", "accuracy", "primal_residual", "dual_residual"})
  void missingIterationFieldIsNamedWithItsIndex(String field) {
    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("admm_iterations").get(7).getAsJsonObject().remove(field);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PruningReportReader.read(report));
    assertTrue(e.getMessage().contains("'admm_iterations[7]." + field + "'"), e.getMessage());
  }

  @Test
  void wrongTypesSayWhatWasExpectedAndFound() {
    JsonObject a = SampleReports.sample();
    a.addProperty("baseline_accuracy", "high");
    assertEquals("report: field 'baseline_accuracy' must be a number, found \"high\"",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(a)).getMessage());

    JsonObject b = SampleReports.sample();
    b.addProperty("seed", 4.5);
    assertEquals("report: field 'seed' must be an integer, found 4.5",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(b)).getMessage());

    JsonObject c = SampleReports.sample();
    c.addProperty("model", 5);
    assertEquals("report: field 'model' must be a string, found 5",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(c)).getMessage());

    JsonObject d = SampleReports.sample();
    d.addProperty("layers", "conv1");
    assertEquals("report: field 'layers' must be an array, found \"conv1\"",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(d)).getMessage());

    JsonObject f = SampleReports.sample();
    f.add("layers", JsonParser.parseString("{\"conv1\": 1, \"conv2\": 2}"));
    assertEquals("report: field 'layers' must be an array, found an object of 2 fields",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(f)).getMessage());
    f.add("layers", JsonParser.parseString("[[{\"name\": \"conv1\"}]]"));
    assertEquals("report: field 'layers[0]' must be an object, found an array of 1 value",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(f)).getMessage());
    f.addProperty("layers", "x".repeat(100));
    assertEquals("report: field 'layers' must be an array, found \"" + "x".repeat(56) + "...",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(f)).getMessage());

    JsonObject e = SampleReports.sample();
    e.getAsJsonArray("admm_iterations").get(0).getAsJsonObject()
        .getAsJsonObject("primal_residual").addProperty("conv2", "small");
    assertEquals("report: field 'admm_iterations[0].primal_residual.conv2' must be a number, found \"small\"",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(e)).getMessage());
  }

  @Test
  void anOptionalSectionThatIsPresentIsChecked() {
    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("dense_epochs").get(1).getAsJsonObject().remove("accuracy");
    assertEquals("report: required field 'dense_epochs[1].accuracy' is missing",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(report)).getMessage());
  }

  @Test
  void histogramShapeIsChecked() {
    JsonObject report = SampleReports.sample();
    report.getAsJsonObject("histograms").getAsJsonObject("after").getAsJsonObject("fc2")
        .getAsJsonArray("counts").add(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PruningReportReader.read(report));
    assertTrue(e.getMessage().contains("'histograms.after.fc2.edges'"), e.getMessage());
    assertTrue(e.getMessage().contains("41 edges and 41 counts"), e.getMessage());
  }

  @Test
  void nonzeroAboveWeightsIsRejected() {
    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("layers").get(0).getAsJsonObject().addProperty("nonzero", 501);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PruningReportReader.read(report));
    assertTrue(e.getMessage().contains("'layers[0].nonzero'"), e.getMessage());
  }

  @Test
  void optionalSectionsMayBeAbsent() {
    JsonObject report = SampleReports.sample();
    for (String optional : new String[] {"retrain_epochs", "histograms", "phases_seconds", "kernels",
        "admm4j_version", "config", "command", "started_at", "dense_epochs", "hard_pruned_accuracy",
        "train_images", "test_images"}) {
      report.remove(optional);
    }
    JsonObject layer = report.getAsJsonArray("layers").get(1).getAsJsonObject();
    layer.remove("kept_fraction");
    layer.remove("macs_dense");
    report.getAsJsonArray("admm_iterations").get(0).getAsJsonObject().remove("seconds");
    PruningReport r = PruningReportReader.read(report);
    assertNull(r.retrainEpochs());
    assertNull(r.denseEpochs());
    assertNull(r.hardPrunedAccuracy());
    assertNull(r.histogramsBefore());
    assertNull(r.phasesSeconds());
    assertNull(r.kernels());
    assertNull(r.config());
    assertNull(r.command());
    assertNull(r.layers().get(1).macsDense());
    assertEquals(2_250.0 / 25_000, r.layers().get(1).keptFraction(), 1e-15);
    assertNull(r.admmIterations().get(0).seconds());
  }

  @Test
  void bareNaNFromGsonIsANumber() {
    JsonObject report = SampleReports.sample();
    JsonObject it = report.getAsJsonArray("admm_iterations").get(3).getAsJsonObject();
    String text = report.toString().replace("\"loss\":" + it.get("loss"), "\"loss\":NaN");
    PruningReport r = PruningReportReader.read(JsonParser.parseString(text).getAsJsonObject());
    assertTrue(Double.isNaN(r.admmIterations().get(3).loss()));
  }

  /** The page prints the configuration indented by depth: a run writes it flat, and deep nesting is refused. */
  @Test
  void configNestedDeeperThanARunWritesIsRefused() {
    JsonObject report = SampleReports.sample();
    report.add("config", JsonParser.parseString("{\"a\": [[{\"b\": 1}]]}"));
    assertTrue(PruningReportReader.read(report).config().isJsonObject(), "4 levels are read");
    report.add("config", JsonParser.parseString("{\"a\": [[{\"b\": [1]}]]}"));
    assertEquals("report: field 'config' nests arrays or objects more than 4 levels deep; a run writes it as one"
        + " object of settings",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(report)).getMessage());
  }

  /** The allocation table has a column per stage and per keep fraction tried: as many as a run can have. */
  @Test
  void allocationColumnsAreBoundedByWhatARunWrites() {
    JsonObject report = SampleReports.sample();
    JsonObject allocation = JsonParser.parseString("{\"method\": \"sensitivity\", \"compression\": 40,"
        + " \"achieved_compression\": 40.1, \"layers\": [], \"stages\": []}").getAsJsonObject();
    report.add("allocation", allocation);
    JsonArray layers = allocation.getAsJsonArray("layers");
    for (int i = 0; i < 2; i++) {
      JsonObject l = JsonParser.parseString("{\"name\": \"fc" + i + "\", \"weights\": 100, \"kept\": 10,"
          + " \"magnitude_kept\": 9, \"sensitivity\": []}").getAsJsonObject();
      for (int k = 0; k < 8; k++) {
        l.getAsJsonArray("sensitivity").add(JsonParser.parseString("{\"keep\": " + (0.01 * (8 * i + k + 1))
            + ", \"accuracy\": 0.9}"));
      }
      layers.add(l);
    }
    JsonArray stages = allocation.getAsJsonArray("stages");
    for (int i = 0; i < 15; i++) {
      stages.add(JsonParser.parseString("{\"compression\": 50, \"achieved_compression\": 50,"
          + " \"layers\": [{\"name\": \"fc0\", \"kept\": 5}]}"));
    }
    PruningReport.Allocation read = PruningReportReader.read(report).allocation();
    assertEquals(15, read.stages().size());
    assertEquals(8, read.layers().get(1).sensitivity().size());

    stages.add(stages.get(0));
    assertEquals("report: field 'allocation.stages' lists 16 further stages; a run has at most 16 stages, so at"
        + " most 15 after stage 1",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(report)).getMessage());
    stages.remove(15);
    layers.get(1).getAsJsonObject().getAsJsonArray("sensitivity").add(
        JsonParser.parseString("{\"keep\": 0.5, \"accuracy\": 0.9}"));
    assertEquals("report: field 'allocation.layers[1].sensitivity[8].keep' brings the allocation's sensitivity"
        + " curves to more than 16 different keep fractions (a run tries at most 12, the same for every layer)",
        assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(report)).getMessage());
    // the same fraction again adds no column
    layers.get(1).getAsJsonObject().getAsJsonArray("sensitivity").set(8,
        JsonParser.parseString("{\"keep\": 0.01, \"accuracy\": 0.8}"));
    assertEquals(9, PruningReportReader.read(report).allocation().layers().get(1).sensitivity().size());
  }

  @Test
  void nullRootIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> PruningReportReader.read(null));
  }
}
