package org.admm4j.kernels.internal;

/**
 * Blocking sizes of the packed SGEMM (BLIS/GotoBLAS loop nest), sized for cores with a 32–48 KiB L1d
 * and a 1–2 MiB L2 (the measurements behind them are in bench/RESULTS.md). The Panama micro-tile is
 * {@link #MR} rows by {@code NR_VECTORS·lanes} columns, so it adapts to 128-, 256- and 512-bit vectors.
 */
final class GemmBlocking {

  /**
   * Rows of the register tile (one broadcast of packed A per row and k); also the A panel height: 8 where
   * there are 32 vector registers, 6 where there are 16 ({@link GemmTuning#defaultTileRows}), or tuned.
   */
  static final int MR;

  /** Vectors per register-tile row: NR = NR_VECTORS·lanes columns (2·MR accumulators in all). */
  static final int NR_VECTORS = 2;

  /**
   * K slice. 256 measured best of 128–512 on an Intel Xeon with 48 KiB L1d and 2 MiB L2 (KC = 512, the
   * earlier choice on Zen 5, gave 94 GFLOP/s at m = 50, n = 2048, k = 500 and 149 at 512³; 256 gave
   * 110 and 160; LeNet-5 training step −4.5%): the KC×NR B panel (32 KiB at 16 lanes) then stays in L1
   * while the A panels stream by. A machine's tuned choice ({@link GemmTuning}) or {@code -Dadmm4j.gemm.kc=N}
   * replaces it; a different slice changes the order of the sums and so the low bits of every result.
   */
  static final int KC;

  /** Rows of op(A) packed per block: the MC×KC A block stays in L2. Multiple of MR ({@code -Dadmm4j.gemm.mc}). */
  static final int MC;

  static {
    // the tuned choice of this machine, if any ({@link GemmTuning}); fixed for the JVM's life
    GemmTuning.Choice c = GemmTuning.resolve();
    MR = c.mr();
    KC = c.kc();
    MC = c.mc();
  }

  /** Columns of op(B) packed per block: the KC×NC B block (2 MiB) lives in L3. Multiple of every NR. */
  static final int NC = 1024;

  // Up to MC rows of C, full NR-wide panels of an untransposed B are read in place instead of packed: each
  // panel then serves at most MC/MR tiles, too few to repay the copy (+10–15 % at 64×500×800 and
  // 96×512×512). Above it, packing wins (in place, 1024³ lost 25 % to 4 KiB strides).

  /**
   * B is read in place only when its row stride is not a multiple of this many floats (1 KiB). Rows a
   * large power of two apart fall into a few cache sets, and a panel read down K evicts itself from
   * L1 and L2: m = 50, n = 2048, k = 500 (LeNet-5's conv2 forward at batch 32) ran at 56 GFLOP/s in
   * place against 100 at n = 2000 (Intel Xeon, 48 KiB L1d, 2 MiB L2). Packing such a B costs less.
   */
  static final int DIRECT_B_ALIASING_STRIDE = 256;

  /** K slice of the plain-Java kernel: its KC×SCALAR_NC packed B block (256 KiB) stays in L2. */
  static final int SCALAR_KC = 128;

  /** Columns of the plain-Java kernel's packed B block; a C row segment of this length stays in L1. */
  static final int SCALAR_NC = 512;

  private GemmBlocking() {}

  /** Makes sure the blocking has been chosen (its class initialised). */
  static void touch() {
    // reading a field of a class that is not a constant initialises it
    if (KC < 0) {
      throw new AssertionError();
    }
  }
}
