package org.admm4j.cli.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what {@code prune --resume DIR} reads to redraw the page of a finished run that lacks it:
 * {@link HtmlReport#render(Path)} on the fuzzed {@code report.json}, measured in its two steps. Reading (the JSON
 * tree, then the typed report {@link PruningReportReader} checks) gives a report or an {@link IOException} whose
 * message is one line (the command line's error line) and names the file; allocation bound 64 x the file size +
 * 1 MiB, as for the other JSON readers. Drawing the page from a report that was read throws nothing; allocation
 * bound {@link #PAGE_PER_BYTE} x the file size + 1 MiB (the page's fixed part, uPlot and the page's own script
 * and style, is about 0.6 MB). Seeds: the report.json of real runs of the command line on synthetic data:
 * LeNet-300-100 with its weights pruned (as written), LeNet-5 with filters pruned and removed, and LeNet-5 pruned
 * in two stages to a global compression allocated by sensitivity (the last two with their whitespace removed).
 */
class HtmlReportFuzzTest {

  /**
   * The page spells out every record of the file as markup and chart data, held as UTF-16 in a buffer that grows
   * by doubling and is then copied into a string. The most per byte measured (warm): 610 x for phases_seconds of
   * one-letter phases (a 6-byte {@code "a":1,} is a table row of 87 characters with two numbers formatted), 540 x
   * for an allocation table whose layers have none of its 15 stage and 16 keep-fraction cells, 370 x for layers of
   * one-letter names (a 37-byte layer is a row of 290 characters and a bar); the real seeds 50 to 110 x.
   */
  static final long PAGE_PER_BYTE = 1024;

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void render(byte[] data) throws Exception {
    Path file = ParserContract.file("run/report.json", data);
    PruningReport[] read = new PruningReport[1];
    ParserContract.check(data.length, 64, IOException.class, () -> {
      try {
        read[0] = HtmlReport.read(file);
      } catch (IOException e) {
        String m = e.getMessage();
        if (m != null && m.lines().count() > 1) {
          throw new AssertionError("a message of several lines: " + m, e);
        }
        if (m != null && !m.contains(file.toString())) {
          throw new AssertionError("a message that does not name the file: " + m, e);
        }
        throw e;
      }
    });
    if (read[0] != null) {
      // drawing documents no exception: whatever it throws is a finding
      ParserContract.check(data.length, PAGE_PER_BYTE, NoException.class, () -> HtmlReport.render(read[0]));
    }
  }

  /** Thrown by nothing: the page is drawn from any report that was read. */
  private static final class NoException extends Exception {}
}
