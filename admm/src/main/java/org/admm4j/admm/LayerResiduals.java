package org.admm4j.admm;

/**
 * The convergence measures of one layer after a Z/U-step: the primal residual ‖W_i − Z_i‖ (how far the
 * weights still are from the sparse set) and the dual residual ρ‖Z_i − Z_i^prev‖ (how much Z still moves).
 */
public record LayerResiduals(String layer, double primal, double dual, float threshold) {}
