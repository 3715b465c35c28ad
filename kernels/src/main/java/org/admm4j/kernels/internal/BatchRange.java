package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Runs a body over {@code [0, n)} on a ForkJoin pool, split in halves down to a fixed grain. The convolution
 * and pooling bodies write disjoint outputs per index, so the result does not depend on how the range is cut;
 * the grain is still fixed by the caller (never by the pool size) so that any body that reduces stays
 * deterministic.
 */
final class BatchRange extends RecursiveAction {

  /** The work for indices {@code [lo, hi)}; must be the same single-threaded code the sequential path runs. */
  interface Body {
    void run(int lo, int hi);
  }

  private static final long serialVersionUID = 1L;

  private final transient Body body;
  private final int lo;
  private final int hi;
  private final int grain;

  private BatchRange(Body body, int lo, int hi, int grain) {
    this.body = body;
    this.lo = lo;
    this.hi = hi;
    this.grain = grain;
  }

  /** {@code body.run} over {@code [0, n)}: on {@code pool} when it has more than one worker, else inline. */
  static void run(ForkJoinPool pool, int n, int grain, Body body) {
    if (pool == null || pool.getParallelism() < 2 || n <= grain) {
      body.run(0, n);
    } else if (ForkJoinTask.getPool() == pool) {
      // already a worker of this pool (e.g. data-parallel training): fork here rather than block on invoke
      new BatchRange(body, 0, n, Math.max(1, grain)).compute();
    } else {
      pool.invoke(new BatchRange(body, 0, n, Math.max(1, grain)));
    }
  }

  @Override
  protected void compute() {
    if (hi - lo <= grain) {
      body.run(lo, hi);
      return;
    }
    int mid = (lo + hi) >>> 1;
    invokeAll(new BatchRange(body, lo, mid, grain), new BatchRange(body, mid, hi, grain));
  }
}
