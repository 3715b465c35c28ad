package org.admm4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one ForkJoin pool the kernels run their parallel work on. Default: as many workers as cores.
 * Kernels never create pools; the CLI's {@code --threads} sets this one.
 *
 * <p>Neither {@link #setThreads} nor {@link #setPool} shuts down or resizes a pool: the pool a change
 * replaces stays usable. Kernels and models read {@link #pool()} on every call and then submit to it, so
 * another thread may hold the pool being replaced and be about to submit: shutting it down would make that
 * call fail ({@code RejectedExecutionException}, or {@code CancellationException} when the submission
 * met the pool's termination). A pool installed with {@code setPool} stays the caller's, who may put
 * the previous one back afterwards; a replaced pool's workers end by themselves once idle for the pool's
 * keep-alive time (60 s), and the pool is then garbage.
 */
public final class KernelThreads {

  private static volatile ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  /** Per thread: how many {@link #beginInline} calls are open (a one-element counter, no boxing). */
  private static final ThreadLocal<int[]> INLINE = ThreadLocal.withInitial(() -> new int[1]);

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
    return INLINE.get()[0] > 0 ? null : p;
  }

  /**
   * Until the matching {@link #endInline}, every kernel called on this thread runs on it, forking no
   * task: for calls too small to pay a fork and a join (one image through a small network takes tens of
   * microseconds; waking a worker takes about as long). Calls nest. The results' bits do not change.
   */
  public static void beginInline() {
    INLINE.get()[0]++;
  }

  /**
   * Closes the innermost {@link #beginInline} of this thread.
   *
   * @throws IllegalStateException when none is open
   */
  public static void endInline() {
    int[] depth = INLINE.get();
    if (depth[0] == 0) {
      throw new IllegalStateException("endInline without beginInline on this thread");
    }
    depth[0]--;
  }

  /** Number of workers of {@link #pool()}. */
  public static int threads() {
    return pool.getParallelism();
  }

  /**
   * Makes the kernels use {@code threads} workers: keeps the current pool when it already has that
   * many, else installs a new pool; the one it replaces is left running (see the class comment).
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
    pool = new ForkJoinPool(threads);
  }

  /**
   * Uses {@code custom} for parallel kernels. It stays the caller's: never shut down or resized here;
   * the pool it replaces is not shut down either, so the caller can put it back afterwards.
   *
   * @throws IllegalArgumentException if custom is null
   */
  public static synchronized void setPool(ForkJoinPool custom) {
    if (custom == null) {
      throw new IllegalArgumentException("pool must not be null");
    }
    pool = custom;
  }
}
