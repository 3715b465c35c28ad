package org.admm4j.kernels.internal;

/**
 * Packing buffers of one thread's SGEMM, grown on demand and then reused, so a steady stream of
 * products allocates nothing. {@link #acquire} hands out the calling thread's workspace, or a fresh
 * one when that is already in use further up the stack (a GEMM started from inside another GEMM's
 * task on the same thread).
 */
final class GemmWorkspace {

  private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

  /** Packed op(A) block: MR-tall row panels (Panama) or unused (scalar). */
  float[] packedA = new float[0];
  /** Packed op(B) block: NR-wide column panels (Panama) or a dense KC×NC block (scalar). */
  float[] packedB = new float[0];
  /** One register tile, for write-back at the edges of C. */
  float[] tile = new float[0];

  private boolean inUse;

  static GemmWorkspace acquire() {
    GemmWorkspace ws = PER_THREAD.get();
    if (ws.inUse) {
      ws = new GemmWorkspace();
    }
    ws.inUse = true;
    return ws;
  }

  void release() {
    inUse = false;
  }

  float[] packedA(int size) {
    if (packedA.length < size) {
      packedA = new float[size];
    }
    return packedA;
  }

  float[] packedB(int size) {
    if (packedB.length < size) {
      packedB = new float[size];
    }
    return packedB;
  }

  float[] tile(int size) {
    if (tile.length < size) {
      tile = new float[size];
    }
    return tile;
  }
}
