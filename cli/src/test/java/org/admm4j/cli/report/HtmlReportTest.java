package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  private static final List<String> SAMPLE_CHART_IDS = List.of("chart-accuracy", "chart-loss",
      "chart-primal", "chart-dual", "chart-kept",
      "chart-hist-before-0", "chart-hist-after-0", "chart-hist-before-1", "chart-hist-after-1",
      "chart-hist-before-2", "chart-hist-after-2", "chart-hist-before-3", "chart-hist-after-3");

  @TempDir
  Path dir;

  @Test
  void sampleIsSelfContained() {
    String html = HtmlReport.render(SampleReports.sample());
    assertFalse(Pattern.compile("(?i)<script[^>]*\\bsrc\\s*=").matcher(html).find(), "<script src=");
    assertFalse(Pattern.compile("(?i)<link\\b").matcher(html).find(), "<link>");
    assertFalse(Pattern.compile("(?i)<(img|iframe|object|embed|video|audio|source)\\b").matcher(html).find());
    assertFalse(Pattern.compile("(?i)\\b(src|href|action|poster)\\s*=\\s*[\"']?\\s*(https?:)?//")
        .matcher(html).find(), "a src/href to another host");
    assertFalse(Pattern.compile("(?i)url\\(\\s*[\"']?\\s*(https?:)?//").matcher(html).find(), "CSS url()");
    assertFalse(html.toLowerCase().contains("@import"));
    // The one absolute URL is uPlot's banner comment, which the licence asks us to keep.
    Set<String> urls = new TreeSet<>();
    Matcher m = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\\s\"'<>)]*").matcher(html);
    while (m.find()) {
      urls.add(m.group());
    }
    assertEquals(Set.of("https://github.com/leeoniya/uPlot"), urls);
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none';"));
  }

  @Test
  void sampleInlinesUplotAndItsLicence() throws IOException {
    String html = HtmlReport.render(SampleReports.sample());
    String version;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      version = p.getProperty("version");
    }
    String base = "/META-INF/resources/webjars/uplot/" + version + "/";
    assertTrue(html.contains(resource(base + "dist/uPlot.iife.min.js")), "uPlot script inlined whole");
    assertTrue(html.contains(resource(base + "dist/uPlot.min.css")), "uPlot style inlined whole");
    assertTrue(html.contains("Copyright (c) 2022 Leon Sorokin"), "uPlot licence notice");
    assertTrue(html.contains("uPlot " + version));
    assertTrue(html.contains(resource("/org/admm4j/cli/report/report-charts.js")));
    // counter in the head, chart data, uPlot, drawing script
    assertEquals(4, count(html, "<script"));
  }

  @Test
  void sampleHasEveryChartContainerAndItsData() {
    String html = HtmlReport.render(SampleReports.sample());
    assertTrue(html.contains("<body data-charts-expected=\"13\">"));
    for (String id : SAMPLE_CHART_IDS) {
      assertEquals(1, count(html, "<div class=\"chart\" id=\"" + id + "\"></div>"), id);
    }
    assertEquals(13, count(html, "<div class=\"chart\""));
    JsonArray charts = chartData(html).getAsJsonArray("charts");
    List<String> ids = new ArrayList<>();
    charts.forEach(c -> ids.add(c.getAsJsonObject().get("id").getAsString()));
    assertEquals(SAMPLE_CHART_IDS, ids);
    assertTrue(html.contains("<figcaption>fc1: before pruning</figcaption>"));
    assertTrue(html.contains("<figcaption>Primal residual ‖W − Z‖ (log scale)</figcaption>"));
  }

  @Test
  void sampleTablesHoldTheNumbers() {
    String html = HtmlReport.render(SampleReports.sample());
    assertEquals(List.of(
        List.of("conv1", "500", "400", "80.00 %", "288,000", "230,400", "1.25×"),
        List.of("conv2", "25,000", "2,250", "9.00 %", "1,600,000", "144,000", "11.1×"),
        List.of("fc1", "400,000", "7,000", "1.75 %", "400,000", "7,000", "57.1×"),
        List.of("fc2", "5,000", "1,050", "21.00 %", "5,000", "1,050", "4.76×")),
        rows(html, "<tr class=\"layer\">"));
    assertEquals(List.of(List.of("all layers", "430,500", "10,700", "2.49 %", "2,293,000", "382,450", "6.00×")),
        rows(html, "<tr class=\"total\">"));
    for (String row : List.of(
        "<th>Model</th><td>lenet5</td>",
        "<th>Dataset</th><td>mnist</td>",
        "<th>Preset</th><td>lenet5-40x</td>",
        "<th>Baseline accuracy (dense)</th><td>99.12 %</td>",
        "<th>Final accuracy (pruned)</th><td>99.15 % (+0.03 points)</td>",
        "<th>Accuracy after hard pruning (before retraining)</th><td>98.64 %</td>",
        "<th>Training / test images</th><td>60,000 / 10,000</td>",
        "<th>Started from</th><td>dense training in this run</td>",
        "<th>Compression (weights / non-zero weights)</th><td>40.2×</td>",
        "<th>Total weights</th><td>430,500</td>",
        "<th>Non-zero weights</th><td>10,700</td>",
        "<th>Wall time</th><td>230.5 s (3 min 50.5 s)</td>",
        "<th>Seed</th><td>42</td>",
        "<th>Threads</th><td>2</td>",
        "<th>JDK</th><td>17.0.15 (Debian)</td>",
        "<th>Kernels</th><td>panama, 512-bit vectors, 2 threads</td>",
        "<th>Command</th><td>admm4j prune --preset lenet5-40x --out runs/2026-11-25T10-00-00Z</td>")) {
      assertTrue(html.contains(row), row);
    }
    assertEquals(4 + 10 + 8, count(html, "<tr><td class=\"num\">"), "dense epoch, ADMM iteration and retraining epoch rows");
    assertTrue(html.contains("<tr><td>admm</td><td class=\"num\">120.3</td><td class=\"num\">52.19 %</td></tr>"));
    assertTrue(html.contains("&quot;preset&quot;: &quot;lenet5-40x&quot;"), "configuration, escaped");
    assertFalse(html.contains(NumberText.NOT_AVAILABLE));
  }

  /** A progressive run's report.json stages become the Stages table; a run without them has none. */
  @Test
  void stagesAreATable() {
    assertFalse(HtmlReport.render(SampleReports.sample()).contains("id=\"stages\""));
    JsonObject report = SampleReports.sample();
    JsonArray stages = new JsonArray();
    String[] targets = {"plan", "fc1 keep 0.002, <b>conv*</b> keep 0.5"};
    for (int i = 0; i < 2; i++) {
      JsonObject st = new JsonObject();
      st.addProperty("stage", i + 1);
      st.addProperty("targets", targets[i]);
      st.add("kept", new JsonObject());
      st.addProperty("nonzero_weights", i == 0 ? 10_700 : 4_300);
      st.addProperty("compression", i == 0 ? 40.23 : 100.1);
      st.addProperty("admm_iterations", 15);
      st.addProperty("retrain_epochs", 8);
      st.addProperty("hard_pruned_accuracy", i == 0 ? 98.64 : 97.5);
      st.addProperty("retrained_accuracy", i == 0 ? 99.15 : 99.02);
      st.addProperty("seconds", i == 0 ? 120.5 : 90.25);
      stages.add(st);
    }
    report.add("stages", stages);
    String html = HtmlReport.render(report);
    assertTrue(html.contains("<section id=\"stages\">"));
    assertEquals(List.of(
        List.of("1", "plan", "10,700", "40.2×", "98.64 %", "99.15 %", "120.5 s (2 min 0.5 s)"),
        List.of("2", "fc1 keep 0.002, &lt;b&gt;conv*&lt;/b&gt; keep 0.5", "4,300", "100.1×", "97.50 %", "99.02 %",
            "90.3 s (1 min 30.3 s)")),
        rows(html, "<tr class=\"stage\">"));
    stages.get(1).getAsJsonObject().remove("retrained_accuracy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HtmlReport.render(report));
    assertTrue(e.getMessage().contains("stages[1].retrained_accuracy"), e.getMessage());
  }

  @Test
  void htmlInjectionIsEscapedEverywhere() {
    JsonObject report = SampleReports.sample();
    report.addProperty("model", "<script>alert(1)</script>");
    report.addProperty("dataset", "mnist\" onload=\"alert(2)");
    report.addProperty("jdk", "17 & 'quoted' <b>");
    report.addProperty("command", "admm4j prune --out '</pre><img src=x onerror=alert(3)>'");
    String evilLayer = "fc1\"><img src=x onerror=alert(4)>";
    renameLayer(report, "fc1", evilLayer);
    report.getAsJsonObject("config").addProperty("note", "</script><script>alert(5)</script>");
    String html = HtmlReport.render(report);

    for (String raw : List.of("<script>alert", "<img", "\" onload=\"", "<b>",
        "</pre><img")) {
      assertFalse(html.contains(raw), raw);
    }
    assertTrue(html.contains("<th>Model</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assertTrue(html.contains("<title>admm4j pruning report: &lt;script&gt;alert(1)&lt;/script&gt; on mnist&quot; onload=&quot;alert(2)"));
    assertTrue(html.contains("<td>17 &amp; &#39;quoted&#39; &lt;b&gt;</td>"));
    assertTrue(html.contains("<tr class=\"layer\"><td>fc1&quot;&gt;&lt;img src=x onerror=alert(4)&gt;</td>"));
    assertTrue(html.contains("<figcaption>fc1&quot;&gt;&lt;img src=x onerror=alert(4)&gt;: before pruning</figcaption>"));
    assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(5)&lt;/script&gt;"), "configuration");
    // The chart data keeps the name as data: escaped for the script element, intact once parsed.
    assertTrue(html.contains("fc1\\\"\\u003e\\u003cimg src\\u003dx onerror\\u003dalert(4)\\u003e"));
    JsonObject kept = chartData(html).getAsJsonArray("charts").get(4).getAsJsonObject();
    assertEquals("chart-kept", kept.get("id").getAsString());
    assertEquals(evilLayer, kept.getAsJsonArray("xNames").get(2).getAsString());
    assertEquals(4, count(html, "<script"));
    assertEquals(4, count(html, "</script>"));
  }

  @Test
  void missingOptionalSectionsSayNotAvailable() {
    JsonObject report = SampleReports.sample();
    for (String optional : List.of("retrain_epochs", "histograms", "phases_seconds", "kernels",
        "admm4j_version", "config", "command", "started_at", "dense_epochs", "hard_pruned_accuracy",
        "train_images", "test_images", "from")) {
      report.remove(optional);
    }
    for (var layer : report.getAsJsonArray("layers")) {
      layer.getAsJsonObject().remove("macs_dense");
      layer.getAsJsonObject().remove("macs_pruned");
      layer.getAsJsonObject().remove("kept_fraction");
    }
    String html = HtmlReport.render(report);
    assertTrue(html.contains("<body data-charts-expected=\"5\">"));
    assertFalse(html.contains("chart-hist-"));
    assertTrue(html.contains("<p class=\"na\">Not available: the report has no histograms.</p>"));
    assertTrue(html.contains("<p class=\"na\">Not available: the report has no retraining epochs.</p>"));
    assertTrue(html.contains("<p class=\"na\">Not available: the report has no phase times.</p>"));
    assertTrue(html.contains("<p class=\"na\">Not available: the report has no configuration.</p>"));
    assertTrue(html.contains("<th>Kernels</th><td class=\"na\">not available</td>"));
    assertTrue(html.contains("<th>Command</th><td class=\"na\">not available</td>"));
    assertTrue(html.contains("<th>Started from</th><td class=\"na\">not available</td>"));
    assertTrue(html.contains("<p class=\"na\">Not available: the report has no dense training epochs.</p>"));
    assertEquals(List.of("conv2", "25,000", "2,250", "9.00 %", "not available", "not available",
        "not available"), rows(html, "<tr class=\"layer\">").get(1));
    assertEquals(List.of("all layers", "430,500", "10,700", "2.49 %", "not available",
        "not available", "not available"), rows(html, "<tr class=\"total\">").get(0));
  }

  @Test
  void emptyRunRendersWithoutCharts() {
    JsonObject report = SampleReports.sample();
    report.add("admm_iterations", new JsonArray());
    report.add("layers", new JsonArray());
    report.remove("retrain_epochs");
    report.remove("histograms");
    String html = HtmlReport.render(report);
    assertTrue(html.contains("<body data-charts-expected=\"0\">"));
    assertTrue(html.contains("Not available: the report lists no ADMM iterations and no retraining epochs."));
    assertTrue(html.contains("Not available: the report lists no layers."));
  }

  @Test
  void writeIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
    Path html = dir.resolve("runs/one/report.html");
    HtmlReport.write(SampleReports.sample(), html);
    assertEquals(List.of("report.html"), names(html.getParent()));
    assertEquals(HtmlReport.render(SampleReports.sample()), Files.readString(html));

    // A second write replaces the file whole.
    JsonObject other = SampleReports.sample();
    other.addProperty("model", "lenet-300-100");
    HtmlReport.write(other, html);
    assertTrue(Files.readString(html).contains("<th>Model</th><td>lenet-300-100</td>"));
    assertEquals(List.of("report.html"), names(html.getParent()));
  }

  @Test
  void badInputLeavesTheOldFileAlone() throws IOException {
    Path html = dir.resolve("report.html");
    Files.writeString(html, "old");
    JsonObject report = SampleReports.sample();
    report.remove("final_accuracy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HtmlReport.write(report, html));
    assertTrue(e.getMessage().contains("'final_accuracy'"), e.getMessage());
    assertEquals("old", Files.readString(html));
    assertEquals(List.of("report.html"), names(dir));
  }

  @Test
  void failedMoveLeavesNoTemporaryFile() throws IOException {
    Path html = dir.resolve("report.html");
    Files.createDirectories(html);
    Files.writeString(html.resolve("keep.txt"), "x"); // a non-empty folder cannot be replaced
    assertThrows(IOException.class, () -> HtmlReport.write(SampleReports.sample(), html));
    assertEquals(List.of("report.html"), names(dir));
    assertEquals(List.of("keep.txt"), names(html));
  }

  @Test
  void commandLineWritesTheReport() throws IOException {
    Path json = dir.resolve("report.json");
    Files.writeString(json, SampleReports.sampleText());
    Path html = dir.resolve("report.html");
    Captured c = run(json.toString(), html.toString());
    assertEquals(0, c.status, c.err);
    assertEquals("wrote " + html + System.lineSeparator(), c.out);
    assertEquals("", c.err);
    assertTrue(Files.readString(html).contains("<th>Model</th><td>lenet5</td>"));
  }

  @Test
  void commandLineNamesTheFileAndTheField() throws IOException {
    Path json = dir.resolve("report.json");
    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("layers").get(3).getAsJsonObject().remove("weights");
    Files.writeString(json, report.toString());
    Captured c = run(json.toString(), dir.resolve("report.html").toString());
    assertEquals(1, c.status);
    assertEquals(json + ": required field 'layers[3].weights' is missing" + System.lineSeparator(), c.err);
    assertFalse(Files.exists(dir.resolve("report.html")));

    Files.writeString(json, "{\"model\": ");
    c = run(json.toString(), dir.resolve("report.html").toString());
    assertEquals(1, c.status);
    assertTrue(c.err.startsWith(json + ": not valid JSON"), c.err);

    Files.writeString(json, "[1, 2]");
    c = run(json.toString(), dir.resolve("report.html").toString());
    assertEquals(1, c.status);
    assertEquals(json + ": expected a JSON object at the top level, found an array" + System.lineSeparator(), c.err);

    c = run(dir.resolve("absent.json").toString(), dir.resolve("report.html").toString());
    assertEquals(1, c.status);
    assertEquals(dir.resolve("absent.json") + ": no such file" + System.lineSeparator(), c.err);

    Files.writeString(json, SampleReports.sampleText());
    Path occupied = dir.resolve("occupied");
    Files.createDirectories(occupied.resolve("inside"));
    c = run(json.toString(), occupied.toString());
    assertEquals(1, c.status);
    assertTrue(c.err.startsWith(occupied + ": cannot write: "), c.err);
  }

  /** What prune --resume redraws from: the file read, checked and drawn, or one line naming the file and the field. */
  @Test
  void aReportFileIsDrawnOrNamedWithTheFieldInOneLine() throws IOException {
    Path json = dir.resolve("report.json");
    Path html = dir.resolve("report.html");
    Files.writeString(json, SampleReports.sampleText());
    HtmlReport.write(json, html);
    assertEquals(HtmlReport.render(SampleReports.sample()), Files.readString(html, StandardCharsets.UTF_8));

    JsonObject report = SampleReports.sample();
    report.getAsJsonArray("layers").get(1).getAsJsonObject().addProperty("nonzero", "x");
    assertDamaged(json, report.toString(), json + " is damaged: field 'layers[1].nonzero' must be an integer, found \"x\"");
    // a key with a line break, in the path of the field: still one line
    JsonObject broken = SampleReports.sample();
    JsonObject before = broken.getAsJsonObject("histograms").getAsJsonObject("before");
    JsonObject conv1 = before.remove("conv1").getAsJsonObject();
    conv1.remove("counts");
    before.add("con\nv1", conv1);
    assertDamaged(json, broken.toString(), json + " is damaged: required field 'histograms.before.con?v1.counts' is missing");
    assertDamaged(json, "{\"model\": ", json + " is not valid JSON: ");
    assertDamaged(json, "[1, 2]", json + ": expected a JSON object");
    Files.write(json, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
    IOException e = assertThrows(IOException.class, () -> HtmlReport.write(json, html));
    assertEquals(json + " is not UTF-8 text (a malformed or unmappable byte sequence)", e.getMessage());
    assertEquals(HtmlReport.render(SampleReports.sample()), Files.readString(html, StandardCharsets.UTF_8),
        "a report that cannot be drawn leaves the page as it was");
  }

  private void assertDamaged(Path json, String text, String message) throws IOException {
    Files.writeString(json, text, StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> HtmlReport.write(json, dir.resolve("report.html")));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void commandLineUsage() {
    Captured c = run("only-one-argument");
    assertEquals(2, c.status);
    assertTrue(c.err.startsWith("usage: java -cp admm4j.jar org.admm4j.cli.report.HtmlReport REPORT.json REPORT.html"));
    c = run("--help");
    assertEquals(0, c.status);
    assertTrue(c.out.startsWith("usage:"));
  }

  // --- helpers

  private static void renameLayer(JsonObject report, String from, String to) {
    for (var layer : report.getAsJsonArray("layers")) {
      if (layer.getAsJsonObject().get("name").getAsString().equals(from)) {
        layer.getAsJsonObject().addProperty("name", to);
      }
    }
    for (var it : report.getAsJsonArray("admm_iterations")) {
      for (String residual : List.of("primal_residual", "dual_residual")) {
        JsonObject byLayer = it.getAsJsonObject().getAsJsonObject(residual);
        byLayer.add(to, byLayer.remove(from));
      }
    }
    for (String side : List.of("before", "after")) {
      JsonObject byLayer = report.getAsJsonObject("histograms").getAsJsonObject(side);
      byLayer.add(to, byLayer.remove(from));
    }
  }

  static JsonObject chartData(String html) {
    String open = "<script type=\"application/json\" id=\"report-data\">";
    int from = html.indexOf(open) + open.length();
    return JsonParser.parseString(html.substring(from, html.indexOf("</script>", from))).getAsJsonObject();
  }

  /** Cell texts of every table row that starts with {@code rowStart}. */
  private static List<List<String>> rows(String html, String rowStart) {
    List<List<String>> out = new ArrayList<>();
    int at = 0;
    while ((at = html.indexOf(rowStart, at)) >= 0) {
      String row = html.substring(at, html.indexOf("</tr>", at));
      List<String> cells = new ArrayList<>();
      Matcher m = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row);
      while (m.find()) {
        cells.add(m.group(1));
      }
      out.add(cells);
      at += rowStart.length();
    }
    return out;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = HtmlReportTest.class.getResourceAsStream(name)) {
      assertTrue(in != null, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private record Captured(int status, String out, String err) {}

  private static Captured run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = HtmlReport.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Captured(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
