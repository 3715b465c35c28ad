package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code scripts/check-report-html.sh} on a rendered sample: headless Chromium draws every
 * chart and the page makes no request. Skipped where Chromium is not installed (CI machines);
 * {@code CHROMIUM=/path} points at another binary, as for the script.
 */
class ReportInBrowserTest {

  private static final Path SCRIPT = Path.of("..", "scripts", "check-report-html.sh");

  @TempDir
  Path dir;

  @BeforeEach
  void needsChromium() {
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    assumeTrue(Files.isExecutable(Path.of(chromium)), "no Chromium at " + chromium
        + "; install it with apt-get install -y chromium to run this test");
    assumeTrue(Files.isRegularFile(SCRIPT), "no " + SCRIPT + " (run from the admm module folder)");
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
  }

  @Test
  void everyChartRendersOffline() throws Exception {
    Path html = dir.resolve("report.html");
    Path png = dir.resolve("report.png");
    HtmlReport.write(SampleReports.sample(), html);
    Result r = check(html, png);
    assertEquals(0, r.status, r.output);
    assertTrue(r.output.contains("OK: 13 of 13 charts rendered (13 canvases)"), r.output);
    try (InputStream in = Files.newInputStream(png)) {
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, in.readNBytes(4));
    }
  }

  @Test
  void aMissingChartContainerFails() throws Exception {
    Path html = dir.resolve("broken.html");
    String page = HtmlReport.render(SampleReports.sample());
    Files.writeString(html, page.replace("id=\"chart-kept\"", "id=\"elsewhere\""));
    Result r = check(html, dir.resolve("broken.png"));
    assertEquals(1, r.status, r.output);
    assertTrue(r.output.contains("chart-kept: no element #chart-kept"), r.output);
  }

  @Test
  void aRequestToAnotherHostFails() throws Exception {
    Path html = dir.resolve("leaky.html");
    String page = HtmlReport.render(SampleReports.sample());
    Files.writeString(html, page.replace("<main>", "<main><img src=\"http://cdn.example.invalid/x.png\">"));
    Result r = check(html, dir.resolve("leaky.png"));
    assertEquals(1, r.status, r.output);
    assertTrue(r.output.contains("FAIL"), r.output);
  }

  private record Result(int status, String output) {}

  private Result check(Path html, Path png) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "check", ".log");
    Process p = new ProcessBuilder("/bin/bash", SCRIPT.toString(), html.toString(), png.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("check-report-html.sh took over 180 s");
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
