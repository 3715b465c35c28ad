package org.admm4j.spark;

import java.io.Serializable;

/**
 * The local step of consensus ADMM on one partition's data: {@code W_k = argmin f_k(W) + ρ/2 ‖W − Z + U_k‖²}
 * (exactly, or approximately by a few epochs of SGD). Runs inside a Spark task, so it is serialised with the
 * task: it holds settings only, never a Spark context.
 *
 * @param <D> one partition's data
 */
@FunctionalInterface
public interface LocalSolver<D> extends Serializable {

  /**
   * @param state the partition's state: W_k, U_k, free tensors, solver state (do not modify)
   * @param z Z per consensus block (do not modify)
   * @param freeMean the mean of the partitions' free tensors, to start from
   * @param iteration 0-based ADMM iteration
   * @return the new state, with W_k and the solver state after the step and U_k as given
   */
  ConsensusState solve(D data, ConsensusState state, float[][] z, float[][] freeMean, double rho, int iteration);
}
