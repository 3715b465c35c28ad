package org.admm4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one ForkJoin pool the kernels run their parallel work on. Default: as many workers as cores.
 * Kernels never create pools; the CLI's {@code --threads} sets this one.
 *
 * <p>Ownership: a pool made here ({@link #setThreads} or the default) is shut down when it is replaced;
 * a pool installed by the caller ({@link #setPool}) is never shut down or resized here, only stopped
 * being used when something else replaces it.
 */
public final class KernelThreads {

  private static volatile ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  /** Whether {@link #pool} was made here, so that replacing it must shut it down. */
  private static boolean owned = true;

  private KernelThreads() {}

  /** The pool parallel kernels use. */
  public static ForkJoinPool pool() {
    return pool;
  }

  /**
   * The pool a kernel called on the current thread splits its work over, or {@code null} to run it on
   * this thread. A kernel called from inside a task of {@link #pool()} runs on its caller's thread: the
   * caller is already one of several parallel tasks (a data-parallel shard, one layer's Z-step, one
   * shard of an evaluation), the other workers are busy with its siblings, and splitting a small product
   * again only adds fork and join costs. The result's bits do not depend on this choice.
   */
  public static ForkJoinPool forkPool() {
    ForkJoinPool p = pool;
    Thread t = Thread.currentThread();
    if (t instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) t).getPool() == p) {
      return null;
    }
    return p;
  }

  /** Number of workers of {@link #pool()}. */
  public static int threads() {
    return pool.getParallelism();
  }

  /**
   * Makes the kernels use {@code threads} workers: keeps the current pool when it already has that
   * many, else replaces it by a new pool made here. The old pool is shut down only if it was made here;
   * a pool given to {@link #setPool} is left running, untouched.
   *
   * @throws IllegalArgumentException if threads &lt; 1
   */
  public static synchronized void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (threads == pool.getParallelism()) {
      return;
    }
    replace(new ForkJoinPool(threads), true);
  }

  /**
   * Uses {@code custom} for parallel kernels. It stays the caller's: never shut down or resized here.
   * A pool made here that it replaces is shut down.
   *
   * @throws IllegalArgumentException if custom is null
   */
  public static synchronized void setPool(ForkJoinPool custom) {
    if (custom == null) {
      throw new IllegalArgumentException("pool must not be null");
    }
    if (custom == pool) {
      return; // already in use (e.g. handed back from pool()): ownership unchanged
    }
    replace(custom, false);
  }

  private static void replace(ForkJoinPool next, boolean madeHere) {
    ForkJoinPool old = pool;
    boolean oldOwned = owned;
    pool = next;
    owned = madeHere;
    if (oldOwned) {
      // tasks already submitted still finish: shutdown() only refuses new ones
      old.shutdown();
    }
  }
}
