package org.admm4j.nn;

import java.lang.management.ManagementFactory;

/**
 * The bytes the current thread allocates while a piece of code runs, once the JIT has compiled it.
 *
 * <p>Vector API code allocates its vectors until C2 compiles it and escape analysis removes them; on a
 * loaded 2-core machine that compilation can take thousands of calls. A fixed warm-up therefore makes
 * an allocation bound flaky: the meter instead measures rounds until one round stays under the bound
 * (or the rounds run out) and reports the best round. Code that allocates on every call never gets a
 * clean round, so the bound still fails where it should.
 */
public final class AllocationMeter {
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs {@code round} up to {@code maxRounds} times (stopping early after {@code seconds}) and returns
   * the fewest bytes one round allocated on this thread; stops at the first round under {@code bound}.
   */
  public long bestRound(Runnable round, long bound, int maxRounds, double seconds) {
    long tid = Thread.currentThread().getId();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long best = Long.MAX_VALUE;
    for (int r = 0; r < maxRounds && best >= bound && (r == 0 || System.nanoTime() < deadline); r++) {
      long before = threads.getThreadAllocatedBytes(tid);
      round.run();
      best = Math.min(best, threads.getThreadAllocatedBytes(tid) - before);
    }
    return best;
  }
}
