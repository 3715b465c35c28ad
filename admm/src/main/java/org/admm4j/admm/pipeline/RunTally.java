package org.admm4j.admm.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.nn.Model;

/**
 * What a finished run counts, whether it ran here ({@link PruneRun}) or on Spark ({@link RunRecords}):
 * every pruned layer within its target, the filter-pruned network shrunk ({@link Shrink}), the per-layer
 * summaries of the shrunk model, the totals and compression, the pruned layers' weight histograms and the
 * three accuracies.
 */
record RunTally(Shrink shrink, List<LayerSummary> layers, long total, long nonzero, double compression,
    Map<String, WeightHistogram> histogramsAfter, PruneResult.Accuracies accuracies) {

  /** Test images the shrunk model's logits are checked on against the pruned one's. */
  static final int SHRINK_CHECK_IMAGES = 256;

  /**
   * @throws IllegalStateException when a pruned layer keeps more non-zeros than its target
   */
  static RunTally of(Model model, List<PrunedLayer> pruned, TrainingData data, RunHistory history) {
    for (PrunedLayer l : pruned) {
      int nz = l.weight().countNonZero();
      if (nz > l.keep()) {
        throw new IllegalStateException(l.name() + " has " + nz + " non-zeros after retraining, target " + l.keep());
      }
    }
    // filter pruning: the smaller dense network, checked against the pruned one's logits
    Shrink shrink = Shrink.of(model, pruned, data.testImages(), Math.min(data.testCount(), SHRINK_CHECK_IMAGES));
    List<LayerSummary> layers = LayerSummary.of(model, shrink.model());
    long total = 0;
    long nonzero = 0;
    for (LayerSummary s : layers) {
      total += s.weights();
      nonzero += s.nonzero();
    }
    double compression = nonzero == 0 ? Double.POSITIVE_INFINITY : (double) total / nonzero;
    Map<String, WeightHistogram> after = new LinkedHashMap<>();
    for (PrunedLayer l : pruned) {
      after.put(l.name(), WeightHistogram.of(l.weight().data(), WeightHistogram.BINS, true));
    }
    List<EpochRecord> retrained = history.retrainEpochs;
    double finalAccuracy = retrained.isEmpty() ? history.hardPrunedAccuracy
        : retrained.get(retrained.size() - 1).accuracy();
    return new RunTally(shrink, layers, total, nonzero, compression, after,
        new PruneResult.Accuracies(history.baselineAccuracy, history.hardPrunedAccuracy, finalAccuracy));
  }

  /** The model the run ends with: the shrunk one where filters were removed. */
  Model model() {
    return shrink.model();
  }

  RunOutputs.Summary summary(RunState state, TrainingData data, double wallSeconds) {
    return new RunOutputs.Summary(state, data, layers, total, nonzero, compression, accuracies, histogramsAfter,
        wallSeconds, shrink);
  }
}
