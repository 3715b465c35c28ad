package org.admm4j.admm.pipeline;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/** Writes report.html from report.json's object. */
final class HtmlReports {

  private HtmlReports() {}

  static void write(JsonObject report, Path html) throws IOException {
    // CALL SITE for the report branch: org.admm4j.admm.report.HtmlReport.write(report, html);
    // (enabled when branch `report` is merged)
  }
}
