package org.admm4j.cli.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * The chart code inlined into every report: uPlot (MIT licence) from its WebJar
 * {@code org.webjars.npm:uplot} on the class path, and this package's own drawing script and style
 * sheet. Loaded once; the version comes from the WebJar's {@code pom.properties}, so bumping
 * {@code uplot.version} in the parent pom needs no code change.
 */
final class ChartLibrary {

  private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String OWN = "org/admm4j/cli/report/";

  /** uPlot's version, e.g. "1.6.30". */
  final String version;
  /** uPlot's minified browser build (defines the global {@code uPlot}). */
  final String uplotScript;
  /** uPlot's style sheet. */
  final String uplotStyle;
  /** uPlot's licence text, shown in the page footer as the MIT licence asks. */
  final String uplotLicense;
  /** The script that draws the charts described in the page's {@code report-data} block. */
  final String chartScript;
  /** The page's own style sheet. */
  final String pageStyle;

  private ChartLibrary() {
    Properties pom = new Properties();
    try (InputStream in = open(WEBJAR_POM)) {
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + WEBJAR_POM, e);
    }
    version = pom.getProperty("version");
    String base = "META-INF/resources/webjars/uplot/" + version + "/";
    uplotScript = inlineScript(base + "dist/uPlot.iife.min.js");
    uplotStyle = inlineStyle(base + "dist/uPlot.min.css");
    uplotLicense = text(base + "LICENSE");
    chartScript = inlineScript(OWN + "report-charts.js");
    pageStyle = inlineStyle(OWN + "report.css");
  }

  /** The library, loaded on first use. */
  static ChartLibrary get() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final ChartLibrary INSTANCE = new ChartLibrary();
  }

  // An inlined script or style ends at the first "</script" or "</style" whatever the context,
  // so refuse code that contains one rather than emit a broken page.
  private static String inlineScript(String resource) {
    return checkedInline(resource, "</script");
  }

  private static String inlineStyle(String resource) {
    return checkedInline(resource, "</style");
  }

  private static String checkedInline(String resource, String closing) {
    String body = text(resource);
    String lower = body.toLowerCase(Locale.ROOT);
    if (lower.contains(closing) || lower.contains("<!--")) {
      throw new IllegalStateException(resource + " contains '" + closing + "' or '<!--' and cannot be inlined");
    }
    return body;
  }

  private static String text(String resource) {
    try (InputStream in = open(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the class path", e);
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = ChartLibrary.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException(resource + " is not on the class path (the org.webjars.npm:uplot"
          + " dependency of admm4j-admm, or this package's resources, are missing from the jar)");
    }
    return in;
  }
}
