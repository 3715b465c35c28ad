package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemmTuningTest {

  @TempDir
  Path dir;

  private final Random random = new Random(77);

  /** Every blocking the tuner may choose computes the product: all four layouts, sizes across its blocks. */
  @Test
  void everyCandidateBlockingComputesTheProduct() {
    assumeTrue(KernelProvider.panamaUnavailableReason() == null, "Vector API unavailable");
    int[][] sizes = {{1, 1, 1}, {7, 33, 129}, {50, 97, 300}, {97, 65, 513}, {200, 40, 390}};
    for (GemmTuning.Choice ch : GemmTuning.CANDIDATES) {
      for (int op = 0; op < 4; op++) {
        for (int[] s : sizes) {
          GemmCase g = new GemmCase(random, (op & 1) != 0, (op & 2) != 0, s[0], s[1], s[2], 0.5f, op == 3 ? 0.25f : 0f,
              true);
          PanamaBlasSupport.gemmBlocked(ch.mr(), ch.kc(), ch.mc(), g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.aOff,
              g.lda, g.b, g.bOff, g.ldb, g.beta, g.c, g.cOff, g.ldc);
          g.verify(ch + " " + op + " " + java.util.Arrays.toString(s));
        }
      }
    }
  }

  @Test
  void theDefaultBlockingIsTheSequentialKernelsBitForBit() {
    assumeTrue(KernelProvider.panamaUnavailableReason() == null, "Vector API unavailable");
    // the tests run with -Dadmm4j.tuning=off: the JVM's blocking is the default
    assertEquals(GemmTuning.DEFAULT, new GemmTuning.Choice(GemmBlocking.MR, GemmBlocking.KC, GemmBlocking.MC));
    GemmCase g = new GemmCase(random, false, true, 64, 300, 700, 1f, 0f, false);
    GemmCase h = new GemmCase(new Random(77), false, true, 64, 300, 700, 1f, 0f, false);
    PanamaBlasSupport.gemmSequential(false, true, 64, 300, 700, 1f, g.a, 0, g.lda, g.b, 0, g.ldb, 0f, g.c, 0, g.ldc);
    PanamaBlasSupport.gemmBlocked(GemmTuning.DEFAULT.mr(), 256, 96, false, true, 64, 300, 700, 1f, g.a, 0, g.lda, g.b,
        0, g.ldb, 0f, h.c, 0, h.ldc);
    org.junit.jupiter.api.Assertions.assertArrayEquals(g.c, h.c);
  }

  /** The tile height changes no sum: every height gives the same bits, every layout, tails included. */
  @Test
  void everyTileHeightGivesTheSameBits() {
    assumeTrue(KernelProvider.panamaUnavailableReason() == null, "Vector API unavailable");
    int[][] sizes = {{1, 5, 3}, {5, 40, 70}, {50, 97, 300}, {64, 300, 700}, {97, 65, 513}};
    for (int op = 0; op < 4; op++) {
      for (int[] s : sizes) {
        float[] first = null;
        for (int mr : GemmTuning.TILE_ROWS) {
          GemmCase g = new GemmCase(new Random(op * 31 + s[0]), (op & 1) != 0, (op & 2) != 0, s[0], s[1], s[2], 0.5f,
              op == 3 ? 0.25f : 0f, true);
          PanamaBlasSupport.gemmBlocked(mr, 256, 96, g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.aOff, g.lda,
              g.b, g.bOff, g.ldb, g.beta, g.c, g.cOff, g.ldc);
          g.verify("mr " + mr + " op " + op + " " + java.util.Arrays.toString(s));
          if (first == null) {
            first = g.c.clone();
          } else {
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, g.c, "mr " + mr + " differs from the first height");
          }
        }
      }
    }
  }

  @Test
  void theTileHeightFollowsTheRegisterFile() {
    assumeTrue(KernelProvider.panamaUnavailableReason() == null, "Vector API unavailable");
    assertEquals(PanamaConstants.VECTOR_REGISTERS >= 32 ? 8 : 6, GemmTuning.defaultTileRows());
    assertTrue(GemmTuning.CANDIDATES.stream().map(GemmTuning.Choice::mr).distinct().count() == GemmTuning.TILE_ROWS.size(),
        "the tuner tries every tile height");
  }

  @Test
  void aWrittenChoiceReadsBackAndABrokenOneNamesItsKey() throws IOException {
    Path f = dir.resolve("sub/gemm.properties");
    GemmTuning.write(f, new GemmTuning.Choice(6, 384, 144), "line one\nline two");
    assertEquals(new GemmTuning.Choice(6, 384, 144), GemmTuning.read(f));
    assertTrue(Files.readString(f).contains("# line two"));
    try (var files = Files.list(f.getParent())) {
      assertEquals(1, files.count(), "no temporary file left");
    }
    Files.writeString(f, "kc=abc\nmc=96\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTuning.read(f));
    assertTrue(e.getMessage().contains("'kc' = abc"), e.getMessage());
    Files.writeString(f, "kc=256\nmc=100\n");
    e = assertThrows(IllegalArgumentException.class, () -> GemmTuning.read(f));
    assertTrue(e.getMessage().contains("mc = 100"), e.getMessage());
    Files.writeString(f, "mr=7\nkc=256\nmc=96\n");
    e = assertThrows(IllegalArgumentException.class, () -> GemmTuning.read(f));
    assertTrue(e.getMessage().contains("mr = 7"), e.getMessage());
    // a file from before the tile height was tuned: this machine's default height
    Files.writeString(f, "kc=384\nmc=144\n");
    assertEquals(new GemmTuning.Choice(GemmTuning.DEFAULT.mr(), 384, 144), GemmTuning.read(f));
  }

  @Test
  void theCacheFileIsKeyedByMachineWidthAndJdk() {
    String key = GemmTuning.machineKey();
    assertTrue(key.contains(KernelProvider.getInstance().vectorBitSize() + "-bit"), key);
    assertTrue(key.contains("jdk" + Runtime.version().feature()), key);
    String name = GemmTuning.cacheFile().getFileName().toString();
    assertTrue(name.matches("gemm-[a-z0-9-]+\\.properties"), name);
  }
}
