package org.admm4j.cli.report;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;

/**
 * The contents of a pruning run's {@code report.json}, checked and typed (the writer: admm's {@code RunOutputs}).
 * Optional sections are {@code null} when the file lacks them, so the page can say
 * "not available" instead of failing; required ones are never null.
 */
record PruningReport(
    String model, String dataset, String preset,
    double baselineAccuracy, double finalAccuracy,
    long totalWeights, long nonzeroWeights, double compression,
    List<Layer> layers,
    List<AdmmIteration> admmIterations,
    /* optional */ List<Epoch> denseEpochs,
    /* optional */ Double hardPrunedAccuracy,
    /* optional */ List<Epoch> retrainEpochs,
    /* optional */ Map<String, Histogram> histogramsBefore,
    /* optional */ Map<String, Histogram> histogramsAfter,
    /* optional */ Map<String, Double> phasesSeconds,
    double wallSeconds, long seed, long threads, String jdk,
    /* optional */ String kernels,
    /* optional */ String admm4jVersion,
    /* optional */ JsonElement config,
    /* optional */ String command,
    /* optional */ String startedAt,
    /* optional */ String from,
    /* optional */ Long trainImages,
    /* optional */ Long testImages,
    /* optional */ List<Stage> stages,
    /* optional */ Shrink shrink,
    /* optional */ Allocation allocation) {

  /**
   * How a global compression ({@code --compression}) was split over the layers: the method, and per layer
   * what stage 1 keeps, what the global magnitude ranking alone would keep, and the evidence (held-back
   * accuracy, as a fraction, with that layer alone pruned to each keep fraction); a progressive run adds
   * each further stage's counts.
   */
  record Allocation(String method, double compression, double achievedCompression,
      /* optional */ Double heldBackAccuracy, List<AllocatedLayer> layers, List<AllocatedStage> stages) {}

  record AllocatedLayer(String name, long weights, long kept, long magnitudeKept,
      List<SensitivityPoint> sensitivity) {}

  record SensitivityPoint(double keep, double accuracy) {}

  /**
   * A further stage's allocation: its target, what it reached, and the weights kept per layer; a stage
   * allocated on the model it starts from ({@code allocation.remeasure}) adds that model's held-back accuracy and
   * per layer its own curve (first point: what the layer kept when the stage began), else both are absent.
   */
  record AllocatedStage(double compression, double achievedCompression, Map<String, Long> kept,
      /* optional */ Double heldBackAccuracy, Map<String, List<SensitivityPoint>> sensitivity) {}

  /**
   * What filter pruning removed physically: the layers whose pruned filters left the saved model, each
   * structured layer that kept its shape with the reason, and the largest logit difference between the
   * pruned and the shrunk network.
   */
  record Shrink(List<String> removed, Map<String, String> notRemoved, double maxLogitDifference) {}

  /** One stage of a progressive run: its targets, what it kept, and the test accuracy after it. */
  record Stage(long stage, String targets, long nonzero, double compression, double hardPrunedAccuracy,
      double retrainedAccuracy, /* optional */ Double seconds) {}

  /**
   * One weight tensor: counts of weights and non-zeros, multiply-accumulates per sample, its kind (conv or
   * linear) and its shape before and after pruned filters were removed.
   */
  record Layer(String name, long weights, long nonzero, double keptFraction,
      /* optional */ Long macsDense, /* optional */ Long macsPruned, /* optional */ String kind,
      /* optional */ long[] shapeBefore, /* optional */ long[] shapeAfter) {}

  /**
   * One ADMM iteration: ρ, training loss, test accuracy (percent) and, per layer, the primal
   * residual ‖W − Z‖ and the dual residual ρ‖Z − Z_prev‖.
   */
  record AdmmIteration(long iteration, double rho, double loss, double accuracy,
      Map<String, Double> primalResidual, Map<String, Double> dualResidual,
      /* optional */ Double seconds) {}

  /** One epoch of dense training or of masked retraining: training loss, test accuracy (percent). */
  record Epoch(long epoch, double loss, double accuracy, /* optional */ Double seconds) {}

  /** A weight-value histogram: {@code counts[i]} values fell in [edges[i], edges[i + 1]). */
  record Histogram(double[] edges, long[] counts) {}
}
