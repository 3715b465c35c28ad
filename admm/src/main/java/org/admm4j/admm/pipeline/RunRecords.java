package org.admm4j.admm.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.nn.Model;

/**
 * The records and outputs of a pruning run driven outside {@link PruneRun} (the Spark module's consensus
 * run): the same {@link RunHistory}, the same summary and the same {@code report.json} and model files as a
 * local run, so the command line's report and the scripts read both alike. The caller runs the phases and
 * hands over each record as it is made.
 */
public final class RunRecords {

  private final RunHistory history;
  private final RunState state;
  private final TrainingData data;

  /** A new run of {@code plan} on {@code data}, {@code threads} the pool size of each worker (the bits depend on it). */
  public RunRecords(PrunePlan plan, TrainingData data, int threads, String command, int trainLimit, int testLimit) {
    this.data = data;
    this.history = new RunHistory(Instant.now().toString(), command);
    this.state = new RunState(Phase.DENSE, 0, 0, 0, plan, threads, new RunState.DataInfo(data.name(),
        data.trainCount(), data.testCount(), trainLimit, testLimit), history);
  }

  public void dense(EpochRecord r) {
    history.denseEpochs.add(r);
    history.addSeconds("dense", r.seconds());
  }

  public void admm(AdmmIterationRecord r) {
    history.admmIterations.add(r);
    history.addSeconds("admm", r.seconds());
    history.addSeconds("zstep", r.zstepSeconds());
  }

  public void retrain(EpochRecord r) {
    history.retrainEpochs.add(r);
    history.addSeconds("retrain", r.seconds());
  }

  /** The dense model's test accuracy, percent. */
  public void baseline(double accuracy) {
    history.baselineAccuracy = accuracy;
  }

  /** The test accuracy right after hard pruning, percent. */
  public void hardPruned(double accuracy) {
    history.hardPrunedAccuracy = accuracy;
  }

  /** The pruned layers' weight histograms before pruning (call at the start of the ADMM phase). */
  public void histogramsBefore(List<PrunedLayer> layers) {
    history.recordHistogramsBefore(layers);
  }

  /**
   * The finished run's result: checks that every pruned layer keeps at most its target, counts compression,
   * writes {@code model.safetensors}, {@code model.a4jc} and {@code report.json} into {@code out} (when not
   * null) and logs the layer table and the summary line as a local run does.
   */
  public PruneResult finish(Model model, List<PrunedLayer> pruned, Path out, double wallSeconds, RunListener log)
      throws IOException {
    RunTally tally = RunTally.of(model, pruned, data, history);
    List<LayerSummary> layers = tally.layers();
    Path json = null;
    if (out != null) {
      json = RunOutputs.write(out, tally.summary(state, data, wallSeconds), tally.model());
    }
    log.line("");
    for (String line : LayerSummary.table(layers)) {
      log.line(line);
    }
    log.line(String.format(Locale.ROOT, "compression %.1fx (%,d of %,d weights)  baseline %.2f%%  final %.2f%%  wall %.1f s",
        tally.compression(), tally.nonzero(), tally.total(), history.baselineAccuracy,
        tally.accuracies().finalAccuracy(), wallSeconds));
    return new PruneResult(true, tally.model(), layers, tally.total(), tally.nonzero(), tally.compression(),
        tally.accuracies(), List.copyOf(history.denseEpochs), List.copyOf(history.admmIterations),
        List.copyOf(history.retrainEpochs), out, json, List.of());
  }
}
