package org.admm4j.admm.pipeline;

import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.allocation.LayerAllocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.PrunedLayer;

/**
 * What a run has recorded so far: the per-epoch and per-iteration records, the accuracies at the phase
 * boundaries, the time spent per phase and the dense weights' histograms. Saved with every checkpoint, so
 * a resumed run's report.json holds the same records as an uninterrupted one's. Mutable: the run appends.
 */
public final class RunHistory {

  /** The phases whose time is recorded: dense, admm, zstep (part of admm), retrain. */
  public static final List<String> TIMED_PHASES = List.of("dense", "admm", "zstep", "retrain");

  String startedAt;
  String command;
  /** The dense model the run started from instead of dense training, or null. */
  String from;
  double wallSecondsBefore;
  final Map<String, Double> phasesSeconds = new LinkedHashMap<>();
  /** NaN until known. */
  double baselineAccuracy = Double.NaN;
  double hardPrunedAccuracy = Double.NaN;
  final List<EpochRecord> denseEpochs = new ArrayList<>();
  final List<AdmmIterationRecord> admmIterations = new ArrayList<>();
  final List<EpochRecord> retrainEpochs = new ArrayList<>();
  /** The finished stages of a progressive run (empty for a plan without stages). */
  final List<StageRecord> stages = new ArrayList<>();
  /** The global target the layer targets are allocated for (null: the plan's own targets). */
  AllocationTarget allocationTarget;
  /** What the allocation chose, once it ran (after dense training). */
  LayerAllocation allocation;
  /** The further stages' allocations of a progressive run, stage 2 first (empty otherwise). */
  final List<LayerAllocation> stageAllocations = new ArrayList<>();
  /** Per pruned layer, the weights' histogram before pruning (null until the ADMM phase begins). */
  Map<String, WeightHistogram> histogramsBefore;

  /** Records the pruned layers' dense weight histograms, before any pruning. */
  void recordHistogramsBefore(List<PrunedLayer> layers) {
    histogramsBefore = new LinkedHashMap<>();
    for (PrunedLayer l : layers) {
      histogramsBefore.put(l.name(), WeightHistogram.of(l.weight().data(), WeightHistogram.BINS, false));
    }
  }

  RunHistory(String startedAt, String command) {
    this.startedAt = startedAt;
    this.command = command;
  }

  void addSeconds(String phase, double seconds) {
    phasesSeconds.merge(phase, seconds, Double::sum);
  }

  double seconds(String phase) {
    return phasesSeconds.getOrDefault(phase, 0.0);
  }
}
