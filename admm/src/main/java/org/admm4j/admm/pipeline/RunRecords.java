package org.admm4j.admm.pipeline;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.Tensor;

/**
 * The records, checkpoints and outputs of a pruning run driven outside {@link PruneRun} (the Spark module's
 * consensus run): the same {@link RunHistory}, the same {@link Checkpoint} files, the same summary and the same
 * {@code report.json} and model files as a local run, so the command line's report, its resume and the scripts
 * read both alike. The caller runs the phases and hands over each record as it is made.
 */
public final class RunRecords {

  private final RunHistory history;
  private final TrainingData data;
  private RunState state;
  private long wallMark = System.nanoTime();

  /** A new run of {@code plan} on {@code data}, {@code threads} the pool size of each worker (the bits depend on it). */
  public RunRecords(PrunePlan plan, TrainingData data, int threads, String command, int trainLimit, int testLimit) {
    this.data = data;
    this.history = new RunHistory(Instant.now().toString(), command);
    this.state = new RunState(Phase.DENSE, 0, 0, 0, plan, threads, new RunState.DataInfo(data.name(),
        data.trainCount(), data.testCount(), trainLimit, testLimit), history);
  }

  private RunRecords(RunState saved, TrainingData data) {
    this.data = data;
    this.history = saved.history();
    this.state = saved;
  }

  /**
   * The records of the run whose checkpoint state is {@code saved}, continued on {@code data}.
   *
   * @throws RunException when {@code data} is not the data the run was made with
   */
  public static RunRecords resume(RunState saved, Path runFolder, TrainingData data) throws RunException {
    saved.data().check(runFolder, data);
    return new RunRecords(saved, data);
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

  /** The dense epochs recorded so far (a resumed run's include the saved ones). */
  public List<EpochRecord> denseRecords() {
    return List.copyOf(history.denseEpochs);
  }

  /**
   * Writes a checkpoint at {@code phase}'s epoch or iteration {@code next}, as {@link PruneRun} does after each of
   * them: the model, the layers' Z and U ({@code withZu}) and masks, the records so far, and the runner's state
   * and tensors.
   */
  public void save(Checkpoint checkpoint, Phase phase, int next, Model model, List<PrunedLayer> layers,
      boolean withZu, JsonObject runner, Map<String, Tensor> tensors) throws IOException {
    long now = System.nanoTime();
    history.wallSecondsBefore += (now - wallMark) / 1e9;
    wallMark = now;
    // the runner keeps each worker's step count in its own state
    state = state.at(phase, next, 0).withRunner(runner);
    checkpoint.save(state, model, layers, withZu, null, tensors);
  }

  /**
   * The finished run's result: checks that every pruned layer keeps at most its target, counts compression,
   * writes {@code model.safetensors}, {@code model.a4jc} and {@code report.json} into {@code out} (when not
   * null) and logs the layer table and the summary line as a local run does. The wall time includes the
   * time of the runs this one resumed.
   */
  public PruneResult finish(Model model, List<PrunedLayer> pruned, Path out, RunListener log) throws IOException {
    double wallSeconds = history.wallSecondsBefore + (System.nanoTime() - wallMark) / 1e9;
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

  /**
   * Marks the run in {@code checkpoint} done (call after the last of its outputs is written): a resume then says
   * so instead of running its last steps again.
   */
  public void done(Checkpoint checkpoint) throws IOException {
    state = state.at(Phase.DONE, 0, 0);
    checkpoint.writeState(state, checkpoint.lastTensorFile());
  }
}
