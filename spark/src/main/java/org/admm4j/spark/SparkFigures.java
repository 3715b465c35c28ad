package org.admm4j.spark;

/**
 * What Spark cost in one ADMM iteration (report.json {@code admm_iterations[i].spark}).
 *
 * @param wstepSeconds per partition, the local W-step on its executor (the work; everything else is overhead)
 * @param aggregateSeconds the W-step job's wall time on the driver less its slowest task's W-step and broadcast
 *     read: scheduling, task (de)serialisation, sending the W_k + U_k back and summing them
 * @param broadcastSeconds publishing Z (and the mean of the free tensors) on the driver plus the slowest task's
 *     first read of it
 * @param ustepSeconds the U-step job (U_k += W_k − Z on the cached states, residuals aggregated)
 * @param bytes the payload moved: Z and the free tensors to each partition, W_k + U_k and the free tensors from
 *     each, 4 bytes a value (in local mode nothing crosses a network; on a cluster this is what does)
 * @param iterationSeconds the iteration's wall time on the driver
 */
public record SparkFigures(double[] wstepSeconds, double aggregateSeconds, double broadcastSeconds,
    double ustepSeconds, long bytes, double iterationSeconds) {

  public SparkFigures {
    wstepSeconds = wstepSeconds.clone();
  }

  @Override
  public double[] wstepSeconds() {
    return wstepSeconds.clone();
  }

  /** The slowest partition's W-step. */
  public double slowestWstep() {
    double m = 0;
    for (double s : wstepSeconds) {
      m = Math.max(m, s);
    }
    return m;
  }

  /** The iteration's wall time beyond its slowest W-step (Spark's and the driver's share). */
  public double overheadSeconds() {
    return iterationSeconds - slowestWstep();
  }
}
