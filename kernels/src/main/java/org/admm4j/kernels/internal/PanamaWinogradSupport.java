package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;
import static org.admm4j.kernels.internal.WinogradPlan.TILE;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.admm4j.kernels.ConvShape;

/**
 * Vector API Winograd F(2×2, 3×3), one block of tile rows at a time (see {@link WinogradPlan}):
 * <ol>
 *   <li>Input transform, one vector of horizontally adjacent tiles at a time. Tile tx reads input columns
 *       2tx − p … 2tx − p + 3, so the block's input rows of each channel are first zero padded and split
 *       into their even and odd columns (two permutes and a blend per vector); the four taps of a tile row
 *       are then plain loads at tx and tx + 1 of those two halves.</li>
 *   <li>16 products {@code M[ξ] = U[ξ]·V[ξ]} ([oc × ic]·[ic × tiles]) by an 8 × 2-vector register tile;
 *       U is packed in 8-row panels ({@code [ξ][oc/8][ic][8]}, zero rows at the end), so the product
 *       needs no edge cases: M has the padded rows and the columns up to the next 2-vector step.</li>
 *   <li>Output transform over a vector of a tile row's tiles, bias and ReLU; the tiles' left and right
 *       columns are zipped into output rows by two permutes and a blend and stored as vectors, cropped at
 *       the bottom and right edges.</li>
 * </ol>
 * Workspace: {@code V[16][ic][ld]}, {@code M[16][oc'][ld]}, the padded and split input rows, and 16 vectors of transform in flight.
 */
final class PanamaWinogradSupport implements WinogradSupport {

  private static final VectorSpecies<Float> F = FLOATS;
  private static final int L = F.length();

  /**
   * Output channels per register tile of the product: the GEMM's rule for this machine's registers
   * ({@link GemmTuning#defaultTileRows}, 8 or 6); the sums are the same either way.
   */
  private static final int R = GemmTuning.defaultTileRows();

  /** Tiles per register tile of the product: two vectors. */
  private static final int COLS = 2 * L;

  /**
   * Floats between consecutive ξ planes of V and M beyond their rows: one cache line, so that the 16
   * planes, read and written together by the transforms, do not all map to one L1 set (with ld a multiple
   * of 2L, ic·ld floats is a multiple of 4 KiB for 32 channels).
   */
  private static final int SKEW = 16;

  /** Lane i takes lane i/2 (of a tile row's left or right output column): the first half of a zip. */
  private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(F, i -> i / 2);

  /** Lane i takes lane L/2 + i/2: the second half of a zip. */
  private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(F, i -> L / 2 + i / 2);

  /** The odd lanes: where a zip takes the right column. */
  private static final VectorMask<Float> ODD = VectorMask.fromValues(F, lanes(i -> i % 2 == 1));

  /** Lane i takes lane 2i mod L: the even columns of two vectors, the first's in the lower half. */
  private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(F, i -> 2 * i % L);

  /** Lane i takes lane (2i + 1) mod L: the odd columns. */
  private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(F, i -> (2 * i + 1) % L);

  /** The upper half of the lanes: where an unzip takes the second vector. */
  private static final VectorMask<Float> UPPER = VectorMask.fromValues(F, lanes(i -> i >= L / 2));

  private static boolean[] lanes(java.util.function.IntPredicate set) {
    boolean[] b = new boolean[L];
    for (int i = 0; i < L; i++) {
      b[i] = set.test(i);
    }
    return b;
  }

  @Override
  public WinogradPlan prepare(ConvShape s, float[] w) {
    int oc = s.outChannels(), ic = s.inChannels();
    int ocPad = (oc + R - 1) / R * R;
    float[] u = new float[TILE * ocPad * ic];
    for (int o = 0; o < oc; o++) {
      for (int c = 0; c < ic; c++) {
        WinogradTransforms.filter(w, (o * ic + c) * 9, u, (o / R) * ic * R + c * R + o % R, ocPad * ic);
      }
    }
    return new WinogradPlan(s, u, ocPad, COLS);
  }

  /** Row stride of V and M: the block's tiles, room for the last row's overhanging vector, whole column steps. */
  private static int ld(WinogradPlan p, int count) {
    int tiles = p.rows(count) * p.tilesWide + L;
    return (tiles + COLS - 1) / COLS * COLS;
  }

  /** Floats of a padded input row: even and odd halves of tilesWide + 1 each. */
  private static int paddedRow(WinogradPlan p) {
    return 2 * (p.tilesWide + 1);
  }

  /** Input rows one sample contributes to a block of {@code rows} tile rows. */
  private static int inputRows(WinogradPlan p, int count) {
    return 2 * Math.min(p.rows(count), p.tilesHigh) + 2;
  }

  @Override
  public long workspaceSize(WinogradPlan p, int count) {
    long ld = ld(p, count);
    long padded = (long) inputRows(p, count) * paddedRow(p) + 2 * L;
    return (long) TILE * ((p.shape.inChannels() + p.outPadded) * ld + 2 * SKEW) + 2 * padded + TILE * L;
  }

  @Override
  public void forward(WinogradPlan p, int count, float[] x, float[] bias, boolean relu, float[] y, float[] ws) {
    ConvShape s = p.shape;
    int ic = s.inChannels();
    int rows = p.rows(count), ld = ld(p, count);
    int padded = inputRows(p, count) * paddedRow(p) + 2 * L;
    int vPlane = ic * ld + SKEW, mPlane = p.outPadded * ld + SKEW;
    int vOff = 0, mOff = TILE * vPlane, padOff = mOff + TILE * mPlane, tileOff = padOff + 2 * padded;
    int totalRows = count * p.tilesHigh;
    for (int g0 = 0; g0 < totalRows; g0 += rows) {
      int g1 = Math.min(g0 + rows, totalRows);
      int tiles = (g1 - g0) * p.tilesWide;
      inputTransform(p, x, g0, g1, ws, vOff, ld, padOff, padded, tileOff);
      products(p, tiles, ws, vOff, mOff, ld);
      outputTransform(p, g0, g1, bias, relu, y, ws, mOff, ld, tileOff);
    }
  }

  // ---- input transform -------------------------------------------------------------------------------

  /**
   * Per input channel and sample of the block: its input rows zero-padded to {@link #paddedRow} floats
   * (at ws[padOff]), split into even and odd columns (at ws[padOff + padded] and half of that further),
   * then transformed tile row by tile row.
   */
  private static void inputTransform(WinogradPlan p, float[] x, int g0, int g1, float[] ws, int vOff, int ld,
      int padOff, int padded, int tile) {
    ConvShape s = p.shape;
    int ic = s.inChannels(), h = s.inHeight(), w = s.inWidth(), pad = s.padding();
    int half = p.tilesWide + 1, even = padOff + padded, odd = even + padded / 2, vPlane = ic * ld + SKEW;
    for (int c = 0; c < ic; c++) {
      for (int b = g0 / p.tilesHigh; b * p.tilesHigh < g1; b++) {
        int tyLo = Math.max(g0 - b * p.tilesHigh, 0), tyHi = Math.min(g1 - b * p.tilesHigh, p.tilesHigh);
        int rows = 2 * (tyHi - tyLo) + 2, r0 = 2 * tyLo - pad;
        int plane = (b * ic + c) * h * w;
        for (int r = 0; r < rows; r++) {
          padRow(x, plane, r0 + r, h, w, pad, ws, padOff + r * 2 * half, 2 * half);
        }
        unzip(ws, padOff, rows * 2 * half, even, odd);
        for (int ty = tyLo; ty < tyHi; ty++) {
          int e = even + 2 * (ty - tyLo) * half;
          tileRow(p, ws, e, e + half, e + 2 * half, e + 3 * half, odd - even,
              vOff + c * ld + (b * p.tilesHigh + ty - g0) * p.tilesWide, vPlane, tile);
        }
      }
    }
  }

  /** Input row r of the plane at x[plane], shifted right by pad, zero-filled to n floats (all zero outside the plane). */
  private static void padRow(float[] x, int plane, int r, int h, int w, int pad, float[] ws, int off, int n) {
    if (r < 0 || r >= h) {
      Arrays.fill(ws, off, off + n, 0f);
      return;
    }
    int lead = Math.min(pad, n), copied = Math.min(w, n - lead);
    Arrays.fill(ws, off, off + lead, 0f);
    System.arraycopy(x, plane + r * w, ws, off + lead, copied);
    Arrays.fill(ws, off + lead + copied, off + n, 0f);
  }

  /**
   * {@code even[k] = ws[from + 2k]}, {@code odd[k] = ws[from + 2k + 1]} for 2k &lt; n, by vectors of 2L
   * (reading up to 2L − 1 floats past n and writing up to L − 1 past n/2: slack in the workspace).
   */
  private static void unzip(float[] ws, int from, int n, int even, int odd) {
    for (int i = 0; i < n; i += 2 * L) {
      FloatVector a = FloatVector.fromArray(F, ws, from + i), b = FloatVector.fromArray(F, ws, from + i + L);
      a.rearrange(EVENS).blend(b.rearrange(EVENS), UPPER).intoArray(ws, even + i / 2);
      a.rearrange(ODDS).blend(b.rearrange(ODDS), UPPER).intoArray(ws, odd + i / 2);
    }
  }

  /**
   * {@code V = Bᵀ d B} for the tiles of one tile row from its four split input rows (even halves at
   * ws[s0..s3], odd halves n further), stored at
   * {@code ws[v + ξ·stride + tx]}; the last vector runs past the row into columns that the next row
   * overwrites (or that the products ignore). {@code d·B} goes through 16 vectors at ws[tile].
   */
  private static void tileRow(WinogradPlan p, float[] ws, int s0, int s1, int s2, int s3, int n, int v,
      int stride, int tile) {
    for (int tx = 0; tx < p.tilesWide; tx += L) {
      rowTransform(ws, s0 + tx, n, tile);
      rowTransform(ws, s1 + tx, n, tile + 4 * L);
      rowTransform(ws, s2 + tx, n, tile + 8 * L);
      rowTransform(ws, s3 + tx, n, tile + 12 * L);
      for (int j = 0; j < 4; j++) {
        columnTransform(ws, tile + j * L, v + tx + j * stride, stride);
      }
    }
  }

  // NOTE: the transform steps are small methods that pass vectors through the workspace: C2 stops
  // inlining ordinary callees of a large method, and a vector passed to a call that is not inlined, or
  // one computed in a method too large to inline the Vector API into, is boxed.

  /**
   * Columns j = 0..3 of d·B for one input row, {@code (e − e⁺, o + e⁺, e⁺ − o, o − o⁺)} with e, o the
   * split row's halves at ws[e], ws[e + n] and e⁺, o⁺ one tile to the right, to ws[out + j·L].
   */
  private static void rowTransform(float[] ws, int e, int n, int out) {
    FloatVector e0 = FloatVector.fromArray(F, ws, e), e1 = FloatVector.fromArray(F, ws, e + 1);
    FloatVector o0 = FloatVector.fromArray(F, ws, e + n), o1 = FloatVector.fromArray(F, ws, e + n + 1);
    e0.sub(e1).intoArray(ws, out);
    o0.add(e1).intoArray(ws, out + L);
    e1.sub(o0).intoArray(ws, out + 2 * L);
    o0.sub(o1).intoArray(ws, out + 3 * L);
  }

  /** Bᵀ on column j of d·B (rows r0..r3 at ws[in + 4L·i]): rows ξ = j, 4 + j, 8 + j, 12 + j of V at ws[at]. */
  private static void columnTransform(float[] ws, int in, int at, int stride) {
    FloatVector r0 = FloatVector.fromArray(F, ws, in), r1 = FloatVector.fromArray(F, ws, in + 4 * L);
    FloatVector r2 = FloatVector.fromArray(F, ws, in + 8 * L), r3 = FloatVector.fromArray(F, ws, in + 12 * L);
    r0.sub(r2).intoArray(ws, at);
    r1.add(r2).intoArray(ws, at + 4 * stride);
    r2.sub(r1).intoArray(ws, at + 8 * stride);
    r1.sub(r3).intoArray(ws, at + 12 * stride);
  }

  // ---- products --------------------------------------------------------------------------------------

  private static void products(WinogradPlan p, int tiles, float[] ws, int vOff, int mOff, int ld) {
    int ic = p.shape.inChannels(), ocPad = p.outPadded;
    int vPlane = ic * ld + SKEW, mPlane = ocPad * ld + SKEW;
    int cols = (tiles + COLS - 1) / COLS * COLS;
    for (int xi = 0; xi < TILE; xi++) {
      int u = xi * ocPad * ic, v = vOff + xi * vPlane, m = mOff + xi * mPlane;
      // a strip of V (ic × 2 vectors) stays in L1 while every panel of U passes over it
      for (int col = 0; col < cols; col += COLS) {
        for (int ob = 0; ob < ocPad; ob += R) {
          if (R == 8) {
            kernel8(ic, p.u, u + ob * ic, ws, v + col, ld, m + ob * ld + col);
          } else {
            kernel6(ic, p.u, u + ob * ic, ws, v + col, ld, m + ob * ld + col);
          }
        }
      }
    }
  }

  /** {@code M[r][0..2L) = Σ_c U[r][c]·V[c][0..2L)} for the 8 rows of one packed panel (from {@code uo}). */
  private static void kernel8(int ic, float[] u, int uo, float[] ws, int vo, int ld, int mo) {
    // accumulators as separate locals: an array of vectors would not stay in registers
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
    for (int c = 0; c < ic; c++, uo += R, vo += ld) {
      FloatVector b0 = FloatVector.fromArray(F, ws, vo);
      FloatVector b1 = FloatVector.fromArray(F, ws, vo + L);
      FloatVector a = FloatVector.broadcast(F, u[uo]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, u[uo + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, u[uo + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, u[uo + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, u[uo + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, u[uo + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(F, u[uo + 6]);
      c60 = a.fma(b0, c60);
      c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(F, u[uo + 7]);
      c70 = a.fma(b0, c70);
      c71 = a.fma(b1, c71);
    }
    c00.intoArray(ws, mo);
    c01.intoArray(ws, mo + L);
    c10.intoArray(ws, mo + ld);
    c11.intoArray(ws, mo + ld + L);
    c20.intoArray(ws, mo + 2 * ld);
    c21.intoArray(ws, mo + 2 * ld + L);
    c30.intoArray(ws, mo + 3 * ld);
    c31.intoArray(ws, mo + 3 * ld + L);
    c40.intoArray(ws, mo + 4 * ld);
    c41.intoArray(ws, mo + 4 * ld + L);
    c50.intoArray(ws, mo + 5 * ld);
    c51.intoArray(ws, mo + 5 * ld + L);
    c60.intoArray(ws, mo + 6 * ld);
    c61.intoArray(ws, mo + 6 * ld + L);
    c70.intoArray(ws, mo + 7 * ld);
    c71.intoArray(ws, mo + 7 * ld + L);
  }

  /** {@code M[r][0..2L) = Σ_c U[r][c]·V[c][0..2L)} for the 6 rows of one packed panel (from {@code uo}). */
  private static void kernel6(int ic, float[] u, int uo, float[] ws, int vo, int ld, int mo) {
    // accumulators as separate locals: an array of vectors would not stay in registers
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    for (int c = 0; c < ic; c++, uo += R, vo += ld) {
      FloatVector b0 = FloatVector.fromArray(F, ws, vo);
      FloatVector b1 = FloatVector.fromArray(F, ws, vo + L);
      FloatVector a = FloatVector.broadcast(F, u[uo]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(F, u[uo + 1]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(F, u[uo + 2]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(F, u[uo + 3]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(F, u[uo + 4]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(F, u[uo + 5]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
    }
    c00.intoArray(ws, mo);
    c01.intoArray(ws, mo + L);
    c10.intoArray(ws, mo + ld);
    c11.intoArray(ws, mo + ld + L);
    c20.intoArray(ws, mo + 2 * ld);
    c21.intoArray(ws, mo + 2 * ld + L);
    c30.intoArray(ws, mo + 3 * ld);
    c31.intoArray(ws, mo + 3 * ld + L);
    c40.intoArray(ws, mo + 4 * ld);
    c41.intoArray(ws, mo + 4 * ld + L);
    c50.intoArray(ws, mo + 5 * ld);
    c51.intoArray(ws, mo + 5 * ld + L);
  }

  // ---- output transform ------------------------------------------------------------------------------

  /**
   * Planes in memory order (sample, channel, tile row), so that a vector store running past the end of an
   * output row lands in a later row of the same plane, which is written after it; a store that would leave
   * the plane goes through the tile buffer instead.
   */
  private static void outputTransform(WinogradPlan p, int g0, int g1, float[] bias, boolean relu, float[] y,
      float[] ws, int mOff, int ld, int tileOff) {
    ConvShape s = p.shape;
    int oc = s.outChannels(), oh = s.outHeight(), ow = s.outWidth();
    int plane = p.outPadded * ld + SKEW;
    float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
    for (int b = g0 / p.tilesHigh; b * p.tilesHigh < g1; b++) {
      int tyLo = Math.max(g0 - b * p.tilesHigh, 0), tyHi = Math.min(g1 - b * p.tilesHigh, p.tilesHigh);
      for (int o = 0; o < oc; o++) {
        float bo = bias == null ? 0f : bias[o];
        int planeStart = (b * oc + o) * oh * ow, planeEnd = planeStart + oh * ow;
        for (int ty = tyLo; ty < tyHi; ty++) {
          int t = mOff + o * ld + (b * p.tilesHigh + ty - g0) * p.tilesWide;
          int row = planeStart + 2 * ty * ow;
          // the tile row's upper output row, then its lower one: a store's overhang past the upper row
          // must land before the lower row is written
          upperRow(ws, t, plane, p.tilesWide, bo, floor, y, row, ow, planeEnd, tileOff);
          if (2 * ty + 1 < oh) {
            lowerRow(ws, t, plane, p.tilesWide, bo, floor, y, row + ow, ow, planeEnd, tileOff);
          }
        }
      }
    }
  }

  // NOTE: the row methods stay small and hand vectors to zip through the tile buffer: C2 stops inlining
  // ordinary callees of a large method, and a vector passed to a call that is not inlined is boxed.

  /**
   * Output row 2ty of a tile row whose products start at ws[t]: row (1 1 1 0) of Aᵀ M in each column j,
   * times A, plus bias, max with floor (0 for ReLU, else −∞).
   */
  private static void upperRow(float[] ws, int t, int plane, int tiles, float bias, float floor, float[] y,
      int row, int ow, int planeEnd, int tileOff) {
    for (int tx = 0; tx < tiles; tx += L) {
      int m = t + tx;
      FloatVector a0 = sum3(ws, m, plane), a1 = sum3(ws, m + plane, plane);
      FloatVector a2 = sum3(ws, m + 2 * plane, plane), a3 = sum3(ws, m + 3 * plane, plane);
      a0.add(a1).add(a2).add(bias).max(floor).intoArray(ws, tileOff);
      a1.sub(a2).sub(a3).add(bias).max(floor).intoArray(ws, tileOff + L);
      zip(ws, tileOff, y, row, 2 * tx, ow, planeEnd);
    }
  }

  /** Output row 2ty + 1: row (0 1 −1 −1) of Aᵀ M. */
  private static void lowerRow(float[] ws, int t, int plane, int tiles, float bias, float floor, float[] y,
      int row, int ow, int planeEnd, int tileOff) {
    for (int tx = 0; tx < tiles; tx += L) {
      int m = t + tx;
      FloatVector b0 = diff3(ws, m, plane), b1 = diff3(ws, m + plane, plane);
      FloatVector b2 = diff3(ws, m + 2 * plane, plane), b3 = diff3(ws, m + 3 * plane, plane);
      b0.add(b1).add(b2).add(bias).max(floor).intoArray(ws, tileOff);
      b1.sub(b2).sub(b3).add(bias).max(floor).intoArray(ws, tileOff + L);
      zip(ws, tileOff, y, row, 2 * tx, ow, planeEnd);
    }
  }

  /**
   * Output columns col, col + 1, … of the row at y[row] from a vector of tiles' left and right columns
   * (ws[tileOff], ws[tileOff + L]) zipped: {@code left[0], right[0], left[1], …}; whole vectors where they
   * stay inside the plane, else through ws[tileOff + 2L] and cropped to the row.
   */
  private static void zip(float[] ws, int tileOff, float[] y, int row, int col, int ow, int planeEnd) {
    FloatVector left = FloatVector.fromArray(F, ws, tileOff), right = FloatVector.fromArray(F, ws, tileOff + L);
    int at = row + col, spill = tileOff + 2 * L;
    FloatVector lo = left.rearrange(ZIP_LO).blend(right.rearrange(ZIP_LO), ODD);
    if (at + L <= planeEnd) {
      lo.intoArray(y, at);
    } else {
      lo.intoArray(ws, spill);
      copy(ws, spill, y, at, ow - col);
    }
    if (col + L < ow) {
      FloatVector hi = left.rearrange(ZIP_HI).blend(right.rearrange(ZIP_HI), ODD);
      if (at + 2 * L <= planeEnd) {
        hi.intoArray(y, at + L);
      } else {
        hi.intoArray(ws, spill);
        copy(ws, spill, y, at + L, ow - col - L);
      }
    }
  }

  /** The first min(L, n) floats of the tile buffer into y. */
  private static void copy(float[] ws, int tileOff, float[] y, int at, int n) {
    for (int l = 0, end = Math.min(L, n); l < end; l++) {
      y[at + l] = ws[tileOff + l];
    }
  }

  /** Row a of Aᵀ M in column j: m[0][j] + m[1][j] + m[2][j], with the rows of M {@code 4·plane} apart. */
  private static FloatVector sum3(float[] ws, int m, int plane) {
    return FloatVector.fromArray(F, ws, m).add(FloatVector.fromArray(F, ws, m + 4 * plane))
        .add(FloatVector.fromArray(F, ws, m + 8 * plane));
  }

  /** Row b of Aᵀ M in column j: m[1][j] − m[2][j] − m[3][j]. */
  private static FloatVector diff3(float[] ws, int m, int plane) {
    return FloatVector.fromArray(F, ws, m + 4 * plane).sub(FloatVector.fromArray(F, ws, m + 8 * plane))
        .sub(FloatVector.fromArray(F, ws, m + 12 * plane));
  }
}
