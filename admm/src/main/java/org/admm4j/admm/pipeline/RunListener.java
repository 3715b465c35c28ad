package org.admm4j.admm.pipeline;

/**
 * Where a run reports what it does: progress of long phases (the CLI draws bars) and summary lines (the
 * CLI prints them). Tests pass {@link #SILENT}.
 */
public interface RunListener {

  /** Reports nothing. */
  RunListener SILENT = new RunListener() {
    @Override
    public ProgressTask begin(String label, long total) {
      return ProgressTask.NONE;
    }

    @Override
    public void line(String text) {}
  };

  /** Prints lines to {@code out}, draws no progress. */
  static RunListener lines(java.util.function.Consumer<String> out) {
    return new RunListener() {
      @Override
      public ProgressTask begin(String label, long total) {
        return ProgressTask.NONE;
      }

      @Override
      public void line(String text) {
        out.accept(text);
      }
    };
  }

  /** A long phase of {@code total} steps begins; close the task when it ends. */
  ProgressTask begin(String label, long total);

  /** One line of the run's log (an epoch's summary, a table row). */
  void line(String text);

  /** A progress indicator for one phase. */
  interface ProgressTask extends AutoCloseable {

    /** Does nothing. */
    ProgressTask NONE = new ProgressTask() {
      @Override
      public void update(long done, String extra) {}

      @Override
      public void close() {}
    };

    /** {@code done} steps of the total are finished; {@code extra} is a short status such as the running loss. */
    void update(long done, String extra);

    @Override
    void close();
  }
}
