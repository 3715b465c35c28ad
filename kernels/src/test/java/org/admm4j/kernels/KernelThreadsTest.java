package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KernelThreadsTest {

  private int threadsBefore;
  private ForkJoinPool custom;

  @BeforeEach
  void remember() {
    threadsBefore = KernelThreads.threads();
  }

  /** Leaves a pool made by KernelThreads, with the size it had, whatever the test installed. */
  @AfterEach
  void restore() {
    int away = Math.max(threadsBefore, custom == null ? 1 : custom.getParallelism()) + 1;
    KernelThreads.setThreads(away);
    KernelThreads.setThreads(threadsBefore);
    if (custom != null) {
      custom.shutdownNow();
    }
  }

  @Test
  void setThreadsLeavesTheCallersPoolRunning() throws Exception {
    custom = new ForkJoinPool(3);
    KernelThreads.setPool(custom);
    assertSame(custom, KernelThreads.pool());

    KernelThreads.setThreads(5);

    assertNotSame(custom, KernelThreads.pool());
    assertEquals(5, KernelThreads.threads());
    assertFalse(custom.isShutdown(), "setThreads shut down a pool it was given");
    assertEquals(3, custom.getParallelism(), "setThreads resized a pool it was given");
    assertEquals(42, custom.submit(() -> 6 * 7).get(), "the caller's pool no longer runs tasks");
  }

  @Test
  void setThreadsKeepsTheCallersPoolWhenItHasThatManyWorkers() {
    custom = new ForkJoinPool(3);
    KernelThreads.setPool(custom);

    KernelThreads.setThreads(3);

    assertSame(custom, KernelThreads.pool());
    assertFalse(custom.isShutdown());
  }

  /**
   * A kernel on another thread may have read the pool just before it is replaced: its submission must
   * still run, so the replaced pool is not shut down (a shut-down pool rejects it).
   */
  @Test
  void aPoolReplacedBySetThreadsStillRunsTheTasksOfWhoeverHoldsIt() throws Exception {
    KernelThreads.setThreads(threadsBefore + 1);
    ForkJoinPool held = KernelThreads.pool();

    KernelThreads.setThreads(threadsBefore + 2);

    assertNotSame(held, KernelThreads.pool());
    assertFalse(held.isShutdown(), "setThreads shut down a pool another thread may be submitting to");
    assertEquals(42, held.invoke(ForkJoinTask.adapt(() -> 6 * 7)));
  }

  /** The scoped pattern a library run uses: install the caller's pool, then put the previous one back. */
  @Test
  void thePoolSetPoolReplacesCanBePutBack() throws Exception {
    KernelThreads.setThreads(threadsBefore + 1);
    ForkJoinPool previous = KernelThreads.pool();
    custom = new ForkJoinPool(2);
    KernelThreads.setPool(custom);
    assertFalse(previous.isShutdown(), "setPool shut down the pool a caller will put back");
    KernelThreads.setPool(previous);
    assertSame(previous, KernelThreads.pool());
    assertEquals(42, previous.submit(() -> 6 * 7).get());
    assertFalse(custom.isShutdown());
  }

  @Test
  void handingBackTheCurrentPoolChangesNothing() {
    KernelThreads.setThreads(threadsBefore + 1);
    ForkJoinPool made = KernelThreads.pool();

    KernelThreads.setPool(made);

    assertSame(made, KernelThreads.pool());
    assertFalse(made.isShutdown());
  }

  @Test
  void rejectsBadArguments() {
    assertEquals("threads must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> KernelThreads.setThreads(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> KernelThreads.setPool(null));
  }

  @Test
  void insideAnInlineScopeKernelsForkNothingAndScopesNest() throws Exception {
    custom = new ForkJoinPool(2);
    KernelThreads.setPool(custom);
    assertSame(custom, KernelThreads.forkPool());
    KernelThreads.beginInline();
    try {
      assertEquals(null, KernelThreads.forkPool());
      KernelThreads.beginInline();
      KernelThreads.endInline();
      assertEquals(null, KernelThreads.forkPool(), "still inside the outer scope");
      // the scope is this thread's: another thread still forks
      ForkJoinPool[] seen = new ForkJoinPool[1];
      Thread other = new Thread(() -> seen[0] = KernelThreads.forkPool());
      other.start();
      other.join();
      assertSame(custom, seen[0]);
    } finally {
      KernelThreads.endInline();
    }
    assertSame(custom, KernelThreads.forkPool());
    IllegalStateException e = assertThrows(IllegalStateException.class, KernelThreads::endInline);
    assertTrue(e.getMessage().contains("without beginInline"), e.getMessage());
  }
}
