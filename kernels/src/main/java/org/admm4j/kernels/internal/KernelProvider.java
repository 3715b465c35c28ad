package org.admm4j.kernels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Chooses the kernel implementations once per JVM: the Vector API ({@code Panama*}) set when
 * {@code jdk.incubator.vector} is in the boot layer and C2 runs, the plain-Java ({@code Scalar*}) set
 * otherwise or when {@code -Dadmm4j.kernels=scalar} (or {@code -Dadmm4j.vectorBitSize=0}) says so.
 */
public abstract class KernelProvider {

  static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

  /** System property that forces an implementation: {@code scalar} or {@code vector}. */
  public static final String IMPL_PROPERTY = "admm4j.kernels";

  KernelProvider() {}

  /** {@code "panama"} or {@code "scalar"}. */
  public abstract String name();

  /** Width of the float vectors used, in bits; 0 for the scalar set. */
  public abstract int vectorBitSize();

  /** Matrix products. */
  public abstract BlasSupport blas();

  /** Element-wise ops and reductions. */
  public abstract ElementwiseSupport elementwise();

  /** Convolution and pooling. */
  public abstract ConvolutionSupport convolution();

  /** Top-k magnitude projection and the fused ADMM Z/U step. */
  public abstract ProjectionSupport projection();

  /** Fused optimizer updates (SGD, Adam) with ADMM penalty and pruning mask. */
  public abstract OptimizerSupport optimizer();

  /** Sparse-weight × dense-activation products for pruned layers at inference. */
  public abstract SparseSupport sparse();

  /** Winograd F(2×2, 3×3) convolution for 3×3 stride-1 layers. */
  public abstract WinogradSupport winograd();

  /** The provider every facade uses, chosen on first use. */
  public static KernelProvider getInstance() {
    return Holder.INSTANCE;
  }

  /** A fresh plain-Java provider, for tests and A/B benchmarks. */
  public static KernelProvider scalar() {
    return new ScalarKernelProvider();
  }

  /**
   * A fresh Vector API provider, for tests and A/B benchmarks.
   *
   * @throws UnsupportedOperationException when the Vector API cannot be used in this JVM, with the reason
   */
  public static KernelProvider panama() {
    String why = panamaUnavailableReason();
    if (why != null) {
      throw new UnsupportedOperationException(why);
    }
    return createPanama();
  }

  /** Why the Vector API set cannot be used here, or null when it can. */
  public static String panamaUnavailableReason() {
    if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      return "the module jdk.incubator.vector is not in the boot layer: pass --add-modules jdk.incubator.vector";
    }
    String vm = System.getProperty("java.vm.name", "");
    if (!vm.toLowerCase(Locale.ROOT).contains("hotspot") && !vm.toLowerCase(Locale.ROOT).contains("openjdk")) {
      return "the Vector API is only fast on HotSpot (this VM: " + vm + ")";
    }
    if (isClientVm()) {
      return "C2 is off (client VM or -XX:TieredStopAtLevel < 4): the Vector API would be interpreted";
    }
    return null;
  }

  private static boolean isClientVm() {
    try {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
          return true;
        }
      }
    } catch (RuntimeException | Error e) {
      // management beans missing (jlinked runtime): assume C2 is there
    }
    return false;
  }

  private static KernelProvider createPanama() {
    try {
      var cls = MethodHandles.lookup().findClass("org.admm4j.kernels.internal.PanamaKernelProvider");
      var ctor = MethodHandles.lookup().findConstructor(cls, MethodType.methodType(void.class));
      return (KernelProvider) ctor.invoke();
    } catch (UnsupportedOperationException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("cannot create the Vector API kernels", t);
    }
  }

  static KernelProvider lookup() {
    String forced = System.getProperty(IMPL_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    String bits = System.getProperty("admm4j.vectorBitSize", "").trim();
    if (forced.equals("scalar") || bits.equals("0")) {
      return new ScalarKernelProvider();
    }
    if (!forced.isEmpty() && !forced.equals("vector") && !forced.equals("panama")) {
      LOG.warning("unknown -D" + IMPL_PROPERTY + "=" + forced + " (expected scalar or vector): using the default");
    }
    String why = panamaUnavailableReason();
    if (why != null) {
      LOG.warning("admm4j kernels fall back to plain Java, several times slower: " + why);
      return new ScalarKernelProvider();
    }
    try {
      return createPanama();
    } catch (UnsupportedOperationException e) {
      LOG.warning("admm4j kernels fall back to plain Java: " + e.getMessage());
      return new ScalarKernelProvider();
    }
  }

  /** Lazy holder: creating the instance in a nested class prevents class-loading deadlocks. */
  private static final class Holder {
    static final KernelProvider INSTANCE = lookup();
  }
}
