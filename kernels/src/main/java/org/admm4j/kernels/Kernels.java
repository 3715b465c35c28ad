package org.admm4j.kernels;

import org.admm4j.kernels.internal.KernelProvider;

/** What the kernels chose at start-up, for logs and reports. */
public final class Kernels {

  private Kernels() {}

  /** {@code "panama"} (Vector API) or {@code "scalar"} (plain Java). */
  public static String implementation() {
    return KernelProvider.getInstance().name();
  }

  /** Float vector width in bits; 0 for plain Java. */
  public static int vectorBitSize() {
    return KernelProvider.getInstance().vectorBitSize();
  }

  /** One line such as {@code "panama, 512-bit vectors, 2 threads"}. */
  public static String describe() {
    KernelProvider p = KernelProvider.getInstance();
    return p.name() + (p.vectorBitSize() > 0 ? ", " + p.vectorBitSize() + "-bit vectors" : "")
        + ", " + KernelThreads.threads() + " threads";
  }
}
