package org.admm4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one ForkJoin pool the kernels run their parallel work on. Default: as many workers as cores.
 * Kernels never create pools; the CLI's {@code --threads} sets this one.
 */
public final class KernelThreads {

  private static volatile ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

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
   * Replaces the pool by one with {@code threads} workers (the old one is shut down).
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
    ForkJoinPool old = pool;
    pool = new ForkJoinPool(threads);
    old.shutdown();
  }

  /** Uses {@code custom} (not owned: never shut down here) for parallel kernels. */
  public static synchronized void setPool(ForkJoinPool custom) {
    if (custom == null) {
      throw new IllegalArgumentException("pool must not be null");
    }
    pool = custom;
  }
}
