package org.admm4j.admm.pipeline;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import org.admm4j.admm.report.HtmlReport;

/** Writes report.html from report.json's object (the report module renders it). */
final class HtmlReports {

  private HtmlReports() {}

  static void write(JsonObject report, Path html) throws IOException {
    HtmlReport.write(report, html);
  }
}
