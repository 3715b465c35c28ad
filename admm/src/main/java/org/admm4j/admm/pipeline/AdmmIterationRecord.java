package org.admm4j.admm.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ADMM iteration (W-step epochs, Z-step, U-step), as report.json lists it.
 *
 * @param iteration 1-based
 * @param loss mean training loss over the iteration's W-step epochs
 * @param accuracy test accuracy after the iteration, in percent (of W, before hard pruning)
 * @param primalResidual per pruned layer ‖W_i − Z_i‖ after the Z-step
 * @param dualResidual per pruned layer ρ‖Z_i − Z_i,prev‖ (divide by {@code rho} for the change of Z)
 * @param zstepSeconds time of the Z- and U-steps
 */
public record AdmmIterationRecord(int iteration, double rho, double loss, double accuracy, float lr,
    double imagesPerSecond, Map<String, Double> primalResidual, Map<String, Double> dualResidual, double seconds,
    double zstepSeconds) {

  public AdmmIterationRecord {
    // in the model's layer order, as report.json lists them
    primalResidual = Collections.unmodifiableMap(new LinkedHashMap<>(primalResidual));
    dualResidual = Collections.unmodifiableMap(new LinkedHashMap<>(dualResidual));
  }
}
