package org.admm4j.cli.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The realistic sample report (LeNet-5 at 40×, four layers, ten ADMM iterations) for tests. */
final class SampleReports {

  static final String RESOURCE = "/org/admm4j/cli/report/sample-report.json";

  private SampleReports() {}

  /** A fresh copy of the sample, free to modify. */
  static JsonObject sample() {
    return JsonParser.parseString(sampleText()).getAsJsonObject();
  }

  static String sampleText() {
    try (InputStream in = SampleReports.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
