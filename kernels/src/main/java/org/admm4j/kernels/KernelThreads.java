package org.admm4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one ForkJoin pool the kernels run their parallel work on. Default: as many workers as cores.
 * Kernels never create pools; the CLI's {@code --threads} sets this one.
 *
 * <p>Ownership: {@link #setThreads} shuts down the pool it replaces only when that pool was made here
 * (by an earlier {@code setThreads} or as the default). {@link #setPool} never shuts down or resizes
 * anything: the pool it installs stays the caller's, and the pool it replaces stays usable, so a caller
 * may install its own pool for a while and then put the previous one back. (An idle pool's workers end
 * by themselves after the pool's keep-alive time.)
 */
public final class KernelThreads {

  private static volatile ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  /** The last pool made here; {@link #setThreads} shuts it down when it replaces it in use. */
  private static ForkJoinPool made = pool;

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
   * many, else installs a new pool made here, shutting down the one it replaces if that was made here
   * too; a pool given to {@link #setPool} is left running, untouched.
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
    ForkJoinPool next = new ForkJoinPool(threads);
    pool = next;
    if (old == made) {
      // tasks already submitted still finish: shutdown() only refuses new ones
      old.shutdown();
    }
    made = next;
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
