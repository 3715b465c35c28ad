package org.admm4j.admm.pipeline;

import java.util.Map;

/**
 * One finished stage of a progressive run, as report.json's {@code stages} lists it.
 *
 * @param stage 1-based stage number (1 = the plan's own targets)
 * @param targets the stage's targets as given ({@code 350x}, or its rules; stage 1: {@code plan})
 * @param kept per pruned layer, the weights it keeps
 * @param nonzero non-zero conv and linear weights after the stage
 * @param compression total conv and linear weights over {@code nonzero}
 * @param hardPrunedAccuracy test accuracy (percent) after the stage's hard pruning
 * @param retrainedAccuracy test accuracy after its retraining
 * @param seconds wall time of its ADMM iterations and retraining epochs
 */
public record StageRecord(int stage, String targets, Map<String, Integer> kept, long nonzero, double compression,
    int admmIterations, int retrainEpochs, double hardPrunedAccuracy, double retrainedAccuracy, double seconds) {

  public StageRecord {
    kept = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kept));
  }
}
