package org.admm4j.admm.pipeline;

import java.nio.file.Path;
import java.util.List;
import org.admm4j.nn.Model;

/**
 * What a pruning run produced. When {@code finished} is false a listener stopped it (resume it from its run
 * folder, if it had one) and only {@code model} (as it stood) and {@code runFolder} are set.
 *
 * @param model the pruned and retrained model (pruned weights are exact zeros)
 * @param layers every conv and linear weight tensor: total and kept weights, MACs before and after
 * @param compression total conv and linear weights over their non-zeros (biases excluded), as the paper counts
 * @param accuracies test accuracies (percent) of the dense model, after hard pruning, and at the end
 * @param runFolder where the outputs and checkpoints are, or null when none was asked for
 * @param reportJson {@code runFolder/report.json}, or null
 * @param stages the stages of a progressive run, in order (empty for a plan without stages)
 */
public record PruneResult(boolean finished, Model model, List<LayerSummary> layers, long totalWeights,
    long nonzeroWeights, double compression, Accuracies accuracies, List<EpochRecord> denseEpochs,
    List<AdmmIterationRecord> admmIterations, List<EpochRecord> retrainEpochs, Path runFolder, Path reportJson,
    List<StageRecord> stages) {

  /** Test accuracies in percent; NaN where the run has not got there. */
  public record Accuracies(double baseline, double hardPruned, double finalAccuracy) {}

  /** The result of a run a listener stopped: the model as it stood, and the folder to resume. */
  public static PruneResult stopped(Model model, Path runFolder) {
    return new PruneResult(false, model, List.of(), 0, 0, Double.NaN,
        new Accuracies(Double.NaN, Double.NaN, Double.NaN), List.of(), List.of(), List.of(), runFolder, null,
        List.of());
  }
}
