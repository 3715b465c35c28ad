package org.admm4j.spark;

import org.admm4j.kernels.KernelThreads;

/**
 * The kernel pool of a task's JVM. Tasks of one executor (and in local mode the driver) share the JVM's one
 * pool, so every task asks for the same size; the {@code Trainer} then finds it as it wants it and replaces
 * nothing while another task computes on it. The result's bits depend on the size, never on who shares it.
 */
final class TaskKernels {

  private TaskKernels() {}

  static synchronized void use(int threads) {
    if (KernelThreads.threads() != threads) {
      KernelThreads.setThreads(threads);
    }
  }
}
