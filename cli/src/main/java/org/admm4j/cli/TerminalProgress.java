package org.admm4j.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.admm4j.admm.pipeline.RunListener;

/**
 * Progress bars on stderr (me.tongfei:progressbar) and summary lines on stdout. Bars are drawn only when
 * {@code bars} is set (the CLI sets it when a console is attached and {@code --no-progress} is absent), so
 * logs of piped runs hold the summary lines only.
 */
final class TerminalProgress implements RunListener {

  private final PrintWriter out;
  private final boolean bars;

  TerminalProgress(PrintWriter out, boolean bars) {
    this.out = out;
    this.bars = bars;
  }

  @Override
  public ProgressTask begin(String label, long total) {
    if (!bars) {
      return ProgressTask.NONE;
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(label)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .continuousUpdate()
        .build();
    return new ProgressTask() {
      @Override
      public void update(long done, String extra) {
        bar.stepTo(done);
        if (extra != null) {
          bar.setExtraMessage(extra);
        }
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }

  @Override
  public void line(String text) {
    out.println(text);
    out.flush();
  }
}
