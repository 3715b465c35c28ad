package org.admm4j.kernels.internal;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;

/**
 * One layer prepared for {@link WinogradSupport}: the transformed filters and the tiling. Tiles are 2×2
 * output pixels; a tile row is the {@link #tilesWide} tiles of two output rows of one sample, and a
 * block is {@link #rowsPerBlock} consecutive tile rows of the batch (crossing samples on small images).
 * Immutable once built.
 */
public final class WinogradPlan {

  /** Entries of a transformed 4×4 tile. */
  static final int TILE = 16;

  final ConvShape shape;
  /** The transformed filters, in the layout of the implementation that built the plan. */
  final float[] u;
  /** Output channels rounded up to the implementation's register tile. */
  final int outPadded;
  /** Tile columns rounded up to this many by the implementation (its product's column step). */
  final int columnStep;
  final int tilesHigh;
  final int tilesWide;
  final int rowsPerBlock;

  WinogradPlan(ConvShape shape, float[] u, int outPadded, int columnStep) {
    this.shape = shape.withBatch(1);
    this.u = u;
    this.outPadded = outPadded;
    this.columnStep = columnStep;
    this.tilesHigh = (shape.outHeight() + 1) / 2;
    this.tilesWide = (shape.outWidth() + 1) / 2;
    long perTile = (long) TILE * (shape.inChannels() + outPadded);
    long tiles = Math.max(1, KernelParameters.WINOGRAD_BLOCK_FLOATS / perTile);
    this.rowsPerBlock = (int) Math.max(1, tiles / tilesWide);
  }

  /** The layer's geometry for one sample. */
  public ConvShape shape() {
    return shape;
  }

  /** Tile rows per block for a call over {@code count} samples. */
  int rows(int count) {
    return (int) Math.min(rowsPerBlock, (long) count * tilesHigh);
  }
}
