package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.admm4j.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * Which CPU architecture and vector width the kernel tests ran on, printed for the log. A run that
 * means to test one platform (scripts/arm-tests.sh: aarch64 at NEON's 128 bits) says so with
 * {@code -Dadmm4j.test.expectArch} and {@code -Dadmm4j.test.expectVectorBits}, so that a JVM that fell
 * back to plain Java or picked another width (an emulated CPU with SVE) fails instead of passing.
 */
class VectorPlatformTest {

  @Test
  void kernelsRunOnTheExpectedPlatform() {
    int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    System.out.println("kernel tests on " + System.getProperty("os.arch") + ", "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + ": "
        + Kernels.describe() + " (FloatVector.SPECIES_PREFERRED: " + preferred + " bits)");
    boolean overridden = Integer.getInteger("admm4j.vectorBitSize", 0) != 0
        || !System.getProperty(KernelProvider.IMPL_PROPERTY, "").isEmpty();
    if (!overridden) {
      assertEquals(preferred, Kernels.vectorBitSize(), "with no override the kernels use the preferred species");
    }
    String arch = System.getProperty("admm4j.test.expectArch", "");
    if (!arch.isEmpty()) {
      assertEquals(arch, System.getProperty("os.arch"), "os.arch");
    }
    int bits = Integer.getInteger("admm4j.test.expectVectorBits", 0);
    if (bits != 0) {
      assertEquals("panama", Kernels.implementation(), "kernel implementation");
      assertEquals(bits, Kernels.vectorBitSize(), "kernel vector width in bits");
      assertEquals(bits, preferred, "FloatVector.SPECIES_PREFERRED bits");
    }
  }
}
