package org.admm4j.kernels.internal;

/**
 * Packing buffers of one thread's SGEMM, grown on demand and then reused, so a steady stream of
 * products allocates nothing. {@link #acquire} hands out the calling thread's workspace, or a fresh
 * one when that is already in use further up the stack (a GEMM started from inside another GEMM's
 * task on the same thread).
 */
final class GemmWorkspace {

  private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

  /** Packed op(A) block: MR-tall row panels (Panama). */
  float[] packedA = new float[0];
  /** Packed op(B) block: NR-wide column panels (Panama). */
  float[] packedB = new float[0];
  /** One register tile, for write-back at the edges of C. */
  float[] tile = new float[0];
  /** Packed op(B) block of the plain-Java kernel: one array per row of op(B). */
  float[][] packedRows = new float[0][];
  /** A copy of one C row segment (plain-Java kernel). */
  float[] rowBuffer = new float[0];

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

  float[][] packedRows(int count, int length) {
    if (packedRows.length < count || packedRows[0].length < length) {
      packedRows = new float[Math.max(count, packedRows.length)][Math.max(length,
          packedRows.length == 0 ? 0 : packedRows[0].length)];
    }
    return packedRows;
  }

  float[] rowBuffer(int size) {
    if (rowBuffer.length < size) {
      rowBuffer = new float[size];
    }
    return rowBuffer;
  }

  float[] tile(int size) {
    if (tile.length < size) {
      tile = new float[size];
    }
    return tile;
  }
}
