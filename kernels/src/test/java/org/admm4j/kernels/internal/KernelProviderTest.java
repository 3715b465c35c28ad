package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelProviderTest {

  /** The build passes --add-modules to Surefire; without it every Panama comparison would be skipped. */
  @Test
  void buildRunsTheVectorKernels() {
    assertNull(KernelProvider.panamaUnavailableReason(), "the test JVM should have the Vector API");
    assertEquals("panama", KernelProvider.getInstance().name());
    assertTrue(KernelProvider.getInstance().vectorBitSize() >= 128);
  }

  @Test
  void scalarSetHasNoVectors() {
    KernelProvider p = KernelProvider.scalar();
    assertEquals("scalar", p.name());
    assertEquals(0, p.vectorBitSize());
  }

  @Test
  void vectorWidthFollowsMaxVectorSize() {
    // Surefire's narrower executions pass -XX:MaxVectorSize=16 or 32; the species must follow.
    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:MaxVectorSize=")) {
        int bytes = Integer.parseInt(arg.substring("-XX:MaxVectorSize=".length()));
        assertEquals(bytes * 8, KernelProvider.panama().vectorBitSize());
      }
    }
  }
}
