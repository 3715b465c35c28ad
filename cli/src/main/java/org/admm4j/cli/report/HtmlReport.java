package org.admm4j.cli.report;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.cli.report.ReportCharts.Panel;
import org.admm4j.cli.report.ReportCharts.Section;
import org.admm4j.nn.io.AtomicFile;

/**
 * Writes a pruning run's {@code report.json} as one self-contained HTML page: summary and per-layer
 * tables, and charts drawn by uPlot (inlined, MIT licence) from data embedded in the page. The page
 * loads nothing over the network; its Content-Security-Policy forbids it, so it opens offline.
 *
 * <p>Required fields (as admm's {@code RunOutputs} writes them): {@code model, dataset, preset, baseline_accuracy,
 * final_accuracy, total_weights, nonzero_weights, compression, layers} (each with {@code name,
 * weights, nonzero}), {@code admm_iterations} (each with {@code iteration, rho, loss, accuracy,
 * primal_residual, dual_residual}), {@code wall_seconds, seed, threads, jdk}. Optional, shown as
 * "not available" when absent: {@code retrain_epochs} and {@code dense_epochs} (each with {@code
 * epoch, loss, accuracy}, optional {@code seconds}), {@code hard_pruned_accuracy, histograms,
 * phases_seconds, kernels, admm4j_version, config, command, started_at, from, train_images,
 * test_images}, a layer's {@code kept_fraction} (else nonzero / weights) and {@code macs_dense,
 * macs_pruned}, an iteration's {@code seconds}. Other fields are ignored. Refused, as no run writes them and
 * the page would grow out of proportion to the file: an allocation of more than 15 further stages or 16 keep
 * fractions, and a {@code config} nested more than 4 levels deep.
 *
 * <p>From a script: {@code java -cp cli/target/admm4j.jar org.admm4j.cli.report.HtmlReport
 * report.json report.html}.
 */
public final class HtmlReport {

  // The page may run its own inline code and nothing else: no fetch, no images, no fonts from anywhere.
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

  // Runs first, so any request the page attempts (and the policy blocks) is counted in the DOM,
  // where scripts/check-report-html.sh looks for it.
  private static final String BLOCKED_REQUEST_COUNTER = "(function(){var n=0;"
      + "document.addEventListener('securitypolicyviolation',function(){n++;"
      + "document.documentElement.setAttribute('data-blocked-requests',String(n));});})();";

  private HtmlReport() {}

  /**
   * Renders {@code report} and writes it to {@code htmlFile} atomically: a temporary file in the same
   * folder, then a move over the target, so readers never see half a page and a failure leaves the
   * old file as it was. Creates missing parent folders.
   *
   * @param report Not modified. A {@code report.json} tree.
   * @throws IllegalArgumentException when a required field is missing or has the wrong type; the
   *     message names the field (e.g. {@code layers[1].nonzero})
   * @throws IOException when the file cannot be written
   */
  public static void write(JsonObject report, Path htmlFile) throws IOException {
    Objects.requireNonNull(htmlFile, "htmlFile");
    String html = render(report); // before touching the disk: bad input leaves no trace
    AtomicFile.write(htmlFile, html.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the report file {@code reportJson} and writes its page to {@code htmlFile} as {@link #write(JsonObject,
   * Path)} does: what {@code prune} runs at the end of a run, and {@code prune --resume} for a finished run that
   * lacks its page.
   *
   * @throws IOException naming {@code reportJson} when it cannot be read, is not a JSON object, or has a required
   *     field missing or malformed (see {@link #render(Path)}), and naming {@code htmlFile} when it cannot be written
   */
  public static void write(Path reportJson, Path htmlFile) throws IOException {
    Objects.requireNonNull(htmlFile, "htmlFile");
    String html = render(reportJson); // before touching the disk: bad input leaves no trace
    AtomicFile.write(htmlFile, html.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The page for the report file {@code reportJson}, as text.
   *
   * @throws IOException naming the file when it cannot be read, is not a JSON object, or has a required field
   *     missing or malformed; the message is one line and names the field ({@code run/report.json is damaged:
   *     field 'layers[1].nonzero' must be an integer, found "x"})
   */
  public static String render(Path reportJson) throws IOException {
    return render(read(reportJson));
  }

  /** The report file read and checked, as {@link #render(Path)} reads it (the same exceptions). */
  static PruningReport read(Path reportJson) throws IOException {
    JsonObject tree = JsonFiles.read(reportJson);
    try {
      return PruningReportReader.read(tree);
    } catch (IllegalArgumentException e) {
      // only the reader's refusals are the file's fault: one from drawing the page is a bug, not bad input
      throw new IOException(reportJson + " is damaged: " + oneLine(withoutPrefix(e.getMessage())), e);
    }
  }

  /**
   * The page for {@code report}, as text.
   *
   * @throws IllegalArgumentException when a required field is missing or malformed (names the field)
   */
  public static String render(JsonObject report) {
    return render(PruningReportReader.read(report));
  }

  private static String withoutPrefix(String message) {
    return message.startsWith("report: ") ? message.substring(8) : message;
  }

  // A field's path holds the file's own keys, which may hold line breaks; the command line's error is one line.
  private static String oneLine(String message) {
    return message.replaceAll("\\p{Cntrl}", "?");
  }

  static String render(PruningReport r) {
    ChartLibrary lib = ChartLibrary.get();
    List<Section> sections = ReportCharts.sections(r);
    List<ChartSpec> charts = ReportCharts.charts(sections);

    StringBuilder out = new StringBuilder(lib.uplotScript.length() + 64 * 1024);
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CONTENT_SECURITY_POLICY).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"admm4j\">\n")
        .append("<title>").append(HtmlText.escape("admm4j pruning report: " + r.model() + " on "
            + r.dataset() + " (" + r.preset() + ")")).append("</title>\n")
        .append("<script>").append(BLOCKED_REQUEST_COUNTER).append("</script>\n")
        .append("<style>\n").append(lib.uplotStyle).append("\n</style>\n")
        .append("<style>\n").append(lib.pageStyle).append("\n</style>\n")
        .append("</head>\n<body data-charts-expected=\"").append(charts.size()).append("\">\n");

    header(out, r);
    out.append("<main>\n");
    section(out, "summary", "Summary", null);
    ReportTables.summary(out, r);
    out.append("</section>\n");
    section(out, "layers", "Per layer", "Weights are the layer's weight tensor (biases excluded);"
        + " MACs are multiply-accumulates per sample, dense and after pruning.");
    ReportTables.layers(out, r.layers());
    out.append("</section>\n");
    if (r.shrink() != null) {
      section(out, "shrink", "Filters removed", "After filter pruning the pruned filters are removed physically"
          + " (with their BatchNorm and the next layer's inputs): the saved model is the smaller dense network.");
      ReportTables.shrink(out, r.shrink());
      out.append("</section>\n");
    }
    if (r.stages() != null) {
      section(out, "stages", "Stages", "Progressive pruning: each stage's ADMM starts from the previous stage's"
          + " retrained model and prunes within its support; the ADMM iterations and retraining epochs below run"
          + " on stage after stage.");
      ReportTables.stages(out, r.stages());
      out.append("</section>\n");
    }
    if (r.allocation() != null) {
      PruningReport.Allocation a = r.allocation();
      section(out, "allocation", "Allocation", "The layer targets were allocated for a global compression of "
          + NumberText.ratio(a.compression()) + " (" + a.method() + "; reached " + NumberText.ratio(a.achievedCompression())
          + (a.stages().isEmpty() ? "" : " in stage 1") + ")" + (a.heldBackAccuracy() == null ? "."
          : ": each layer alone was pruned to each keep fraction on held-back training images (dense accuracy "
          + NumberText.percent(100 * a.heldBackAccuracy()) + "), and the kept weights went where they cost the"
          + " least accuracy."));
      ReportTables.allocation(out, a);
      for (int i = 0; i < a.stages().size(); i++) {
        PruningReport.AllocatedStage st = a.stages().get(i);
        if (!st.sensitivity().isEmpty()) {
          out.append("<p>Stage ").append(i + 2).append(" (").append(NumberText.ratio(st.compression()))
              .append(") was allocated on the model it starts from")
              .append(st.heldBackAccuracy() == null ? "" : " (held-back accuracy "
                  + NumberText.percent(100 * st.heldBackAccuracy()) + ")")
              .append(": each layer alone cut to fewer weights, the others as they were (weights kept: accuracy).</p>\n");
          ReportTables.remeasuredStage(out, st, a.layers());
        }
      }
      out.append("</section>\n");
    }
    for (Section s : sections) {
      chartSection(out, s);
    }
    section(out, "dense-epochs", "Dense training epochs", null);
    ReportTables.epochs(out, r.denseEpochs(), "dense training epochs");
    out.append("</section>\n");
    section(out, "admm-iterations", "ADMM iterations", null);
    ReportTables.admmIterations(out, r.admmIterations());
    out.append("</section>\n");
    section(out, "retrain-epochs", "Masked retraining epochs", null);
    ReportTables.epochs(out, r.retrainEpochs(), "retraining epochs");
    out.append("</section>\n");
    section(out, "phases", "Time per phase", null);
    ReportTables.phases(out, r.phasesSeconds(), r.wallSeconds());
    out.append("</section>\n");
    section(out, "config", "Configuration", "The pruning configuration as the run resolved it.");
    ReportTables.config(out, r);
    out.append("</section>\n</main>\n");
    footer(out, r, lib);

    out.append("<noscript><p class=\"na\">The charts need JavaScript; the tables hold the same numbers.</p></noscript>\n");
    // Gson escapes < > & = ' in strings as \\u00XX, so report text cannot close this element.
    JsonObject data = new JsonObject();
    JsonArray specs = new JsonArray();
    charts.forEach(c -> specs.add(c.toJson()));
    data.add("charts", specs);
    out.append("<script type=\"application/json\" id=\"report-data\">")
        .append(new Gson().toJson(data)).append("</script>\n")
        .append("<script>\n").append(lib.uplotScript).append("\n</script>\n")
        .append("<script>\n").append(lib.chartScript).append("\n</script>\n")
        .append("</body>\n</html>\n");
    return out.toString();
  }

  private static void header(StringBuilder out, PruningReport r) {
    out.append("<header>\n<h1>admm4j pruning report</h1>\n<p class=\"headline\">")
        .append(HtmlText.escape(r.model() + " on " + r.dataset() + ", preset " + r.preset()))
        .append("<br>").append(HtmlText.escape("compression " + NumberText.ratio(r.compression())
            + ", accuracy " + NumberText.percent(r.baselineAccuracy()) + " dense → "
            + NumberText.percent(r.finalAccuracy()) + " pruned"))
        .append("</p>\n</header>\n");
  }

  private static void section(StringBuilder out, String id, String heading, String caption) {
    out.append("<section id=\"").append(id).append("\">\n<h2>").append(HtmlText.escape(heading))
        .append("</h2>\n");
    if (caption != null) {
      out.append("<p class=\"caption\">").append(HtmlText.escape(caption)).append("</p>\n");
    }
  }

  private static void chartSection(StringBuilder out, Section s) {
    section(out, s.id(), s.heading(), s.caption());
    if (s.missing() != null) {
      ReportTables.notAvailable(out, s.missing());
    } else {
      out.append("<div class=\"charts\">\n");
      for (Panel p : s.panels()) {
        out.append("<figure class=\"panel\">\n<figcaption>").append(HtmlText.escape(p.title()))
            .append("</figcaption>\n");
        if (p.chart() != null) {
          out.append("<div class=\"chart\" id=\"").append(p.chart().id()).append("\"></div>\n");
        } else {
          ReportTables.notAvailable(out, p.missing());
        }
        out.append("</figure>\n");
      }
      out.append("</div>\n");
    }
    out.append("</section>\n");
  }

  private static void footer(StringBuilder out, PruningReport r, ChartLibrary lib) {
    out.append("<footer>\n<p>Written by admm4j")
        .append(r.admm4jVersion() == null ? "" : " " + HtmlText.escape(r.admm4jVersion()))
        .append(". Charts drawn with uPlot ").append(HtmlText.escape(lib.version))
        .append(" (github.com/leeoniya/uPlot), included in this page under the MIT licence:</p>\n")
        .append("<details><summary>uPlot licence</summary><pre>").append(HtmlText.escape(lib.uplotLicense))
        .append("</pre></details>\n</footer>\n");
  }

  /**
   * {@code HtmlReport REPORT.json REPORT.html}: renders a report file. Exit status 0 on success,
   * 1 on bad input or I/O failure (one line on stderr naming the file and the field), 2 on bad usage.
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** {@link #main} without the exit, for tests and embedding; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    String usage = "usage: java -cp admm4j.jar " + HtmlReport.class.getName() + " REPORT.json REPORT.html";
    if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
      out.println(usage);
      return 0;
    }
    if (args.length != 2) {
      err.println(usage);
      return 2;
    }
    Path json = Path.of(args[0]);
    Path html = Path.of(args[1]);
    JsonElement tree;
    try {
      tree = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      err.println(json + ": no such file");
      return 1;
    } catch (IOException e) {
      err.println(json + ": cannot read: " + e);
      return 1;
    } catch (JsonParseException e) {
      err.println(json + ": not valid JSON: " + e.getMessage());
      return 1;
    }
    if (!tree.isJsonObject()) {
      err.println(json + ": expected a JSON object at the top level, found " + kind(tree));
      return 1;
    }
    try {
      write(tree.getAsJsonObject(), html);
    } catch (IllegalArgumentException e) {
      err.println(json + ": " + oneLine(withoutPrefix(e.getMessage())));
      return 1;
    } catch (IOException e) {
      err.println(html + ": cannot write: " + e);
      return 1;
    }
    out.println("wrote " + html);
    return 0;
  }

  private static String kind(JsonElement e) {
    if (e.isJsonArray()) {
      return "an array";
    }
    return e.isJsonNull() ? "null" : "a " + (e.getAsJsonPrimitive().isString() ? "string" : "value");
  }
}
