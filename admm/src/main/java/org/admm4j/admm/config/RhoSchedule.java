package org.admm4j.admm.config;

/**
 * The ADMM penalty parameter ρ per iteration: {@code ρ_k = min(max, initial · growth^k)} for k = 0, 1, ...
 * A growing ρ pulls W ever closer to the sparse Z, so the hard pruning at the end costs little accuracy.
 */
public record RhoSchedule(double initial, double growth, double max) {

  /** ρ at the 0-based ADMM iteration {@code k}. */
  public double at(int k) {
    return Math.min(max, initial * Math.pow(growth, k));
  }
}
