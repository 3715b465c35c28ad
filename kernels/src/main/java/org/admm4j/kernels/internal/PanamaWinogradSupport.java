package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;
import static org.admm4j.kernels.internal.WinogradPlan.TILE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.admm4j.kernels.ConvShape;

/**
 * Vector API Winograd F(2×2, 3×3), one block of tile rows at a time (see {@link WinogradPlan}):
 * <ol>
 *   <li>Input transform, one vector of horizontally adjacent tiles at a time. Tile tx reads input columns
 *       2tx − p … 2tx − p + 3, so each input row is first split into its even and odd columns (zero
 *       padded); the four taps of a tile row are then plain loads at tx and tx + 1 of those two halves.
 *       A ring of four split rows serves consecutive tile rows, which share two input rows.</li>
 *   <li>16 products {@code M[ξ] = U[ξ]·V[ξ]} ([oc × ic]·[ic × tiles]) by an 8 × 2-vector register tile;
 *       U is packed in 8-row panels ({@code [ξ][oc/8][ic][8]}, zero rows at the end), so the product
 *       needs no edge cases: M has the padded rows and the columns up to the next 2-vector step.</li>
 *   <li>Output transform over a vector of consecutive tiles, bias and ReLU, then each tile's 2×2 written
 *       into y, cropped at the bottom and right edges.</li>
 * </ol>
 * Workspace: {@code V[16][ic][ld]}, {@code M[16][oc'][ld]}, four split rows and a 4 × L output tile.
 */
final class PanamaWinogradSupport implements WinogradSupport {

  private static final VectorSpecies<Float> F = FLOATS;
  private static final int L = F.length();

  /** Output channels per register tile of the product. */
  private static final int R = 8;

  /** Tiles per register tile of the product: two vectors. */
  private static final int COLS = 2 * L;

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

  /** Floats of one split row: even columns, then odd ones, each with a vector's slack past the last tile. */
  private static int splitRow(WinogradPlan p) {
    return 2 * (p.tilesWide + L);
  }

  @Override
  public long workspaceSize(WinogradPlan p, int count) {
    long ld = ld(p, count);
    return (long) TILE * (p.shape.inChannels() + p.outPadded) * ld + 4L * splitRow(p) + 4L * L;
  }

  @Override
  public void forward(WinogradPlan p, int count, float[] x, float[] bias, boolean relu, float[] y, float[] ws) {
    ConvShape s = p.shape;
    int ic = s.inChannels();
    int rows = p.rows(count), ld = ld(p, count);
    int vOff = 0, mOff = TILE * ic * ld, rowOff = mOff + TILE * p.outPadded * ld, tileOff = rowOff + 4 * splitRow(p);
    int totalRows = count * p.tilesHigh;
    for (int g0 = 0; g0 < totalRows; g0 += rows) {
      int g1 = Math.min(g0 + rows, totalRows);
      int tiles = (g1 - g0) * p.tilesWide;
      inputTransform(p, x, g0, g1, ws, vOff, ld, rowOff);
      products(p, tiles, ws, vOff, mOff, ld);
      outputTransform(p, g0, g1, bias, relu, y, ws, mOff, ld, tileOff);
    }
  }

  // ---- input transform -------------------------------------------------------------------------------

  private static void inputTransform(WinogradPlan p, float[] x, int g0, int g1, float[] ws, int vOff, int ld,
      int rowOff) {
    ConvShape s = p.shape;
    int ic = s.inChannels(), h = s.inHeight(), w = s.inWidth();
    int split = splitRow(p);
    for (int c = 0; c < ic; c++) {
      int s0 = rowOff, s1 = rowOff + split, s2 = rowOff + 2 * split, s3 = rowOff + 3 * split;
      int lastB = -1, lastTy = -2;
      for (int g = g0; g < g1; g++) {
        int b = g / p.tilesHigh, ty = g % p.tilesHigh;
        int plane = (b * ic + c) * h * w;
        int r0 = 2 * ty - s.padding();
        if (b == lastB && ty == lastTy + 1) {
          // the previous tile row's lower two input rows are this one's upper two
          int t = s0;
          s0 = s2;
          s2 = t;
          t = s1;
          s1 = s3;
          s3 = t;
        } else {
          splitRow(p, x, plane, r0, ws, s0);
          splitRow(p, x, plane, r0 + 1, ws, s1);
        }
        splitRow(p, x, plane, r0 + 2, ws, s2);
        splitRow(p, x, plane, r0 + 3, ws, s3);
        lastB = b;
        lastTy = ty;
        tileRow(p, ws, s0, s1, s2, s3, vOff + c * ld + (g - g0) * p.tilesWide, ic * ld);
      }
    }
  }

  /**
   * Input row r of the plane at x[plane] as {@code e[k] = x[2k − p]}, {@code o[k] = x[2k + 1 − p]} (zero
   * outside the row or the plane) for k below tilesWide + L.
   */
  private static void splitRow(WinogradPlan p, float[] x, int plane, int r, float[] ws, int off) {
    int n = p.tilesWide + L, pad = p.shape.padding(), w = p.shape.inWidth();
    int odd = off + n;
    if (r < 0 || r >= p.shape.inHeight()) {
      for (int k = 0; k < 2 * n; k++) {
        ws[off + k] = 0f;
      }
      return;
    }
    int row = plane + r * w;
    int k = 0;
    // left edge, then the columns where both halves are inside the row, then the right edge
    for (; k < n && 2 * k - pad < 0; k++) {
      ws[off + k] = column(x, row, w, 2 * k - pad);
      ws[odd + k] = column(x, row, w, 2 * k + 1 - pad);
    }
    for (; k < n && 2 * k + 1 - pad < w; k++) {
      ws[off + k] = x[row + 2 * k - pad];
      ws[odd + k] = x[row + 2 * k + 1 - pad];
    }
    for (; k < n; k++) {
      ws[off + k] = column(x, row, w, 2 * k - pad);
      ws[odd + k] = column(x, row, w, 2 * k + 1 - pad);
    }
  }

  private static float column(float[] x, int row, int w, int col) {
    return col >= 0 && col < w ? x[row + col] : 0f;
  }

  /**
   * {@code V = Bᵀ d B} for the tiles of one tile row from its four split input rows, stored at
   * {@code ws[v + ξ·stride + tx]}; the last vector runs past the row into columns that the next row
   * overwrites (or that the products ignore).
   */
  private static void tileRow(WinogradPlan p, float[] ws, int s0, int s1, int s2, int s3, int v, int stride) {
    int n = p.tilesWide + L;
    for (int tx = 0; tx < p.tilesWide; tx += L) {
      // d·B per input row i: (e − e⁺, o + e⁺, e⁺ − o, o − o⁺) with e⁺, o⁺ one tile to the right
      FloatVector e0 = FloatVector.fromArray(F, ws, s0 + tx), f0 = FloatVector.fromArray(F, ws, s0 + tx + 1);
      FloatVector o0 = FloatVector.fromArray(F, ws, s0 + n + tx), q0 = FloatVector.fromArray(F, ws, s0 + n + tx + 1);
      FloatVector e1 = FloatVector.fromArray(F, ws, s1 + tx), f1 = FloatVector.fromArray(F, ws, s1 + tx + 1);
      FloatVector o1 = FloatVector.fromArray(F, ws, s1 + n + tx), q1 = FloatVector.fromArray(F, ws, s1 + n + tx + 1);
      FloatVector e2 = FloatVector.fromArray(F, ws, s2 + tx), f2 = FloatVector.fromArray(F, ws, s2 + tx + 1);
      FloatVector o2 = FloatVector.fromArray(F, ws, s2 + n + tx), q2 = FloatVector.fromArray(F, ws, s2 + n + tx + 1);
      FloatVector e3 = FloatVector.fromArray(F, ws, s3 + tx), f3 = FloatVector.fromArray(F, ws, s3 + tx + 1);
      FloatVector o3 = FloatVector.fromArray(F, ws, s3 + n + tx), q3 = FloatVector.fromArray(F, ws, s3 + n + tx + 1);
      int at = v + tx;
      // column 0
      columnTransform(e0.sub(f0), e1.sub(f1), e2.sub(f2), e3.sub(f3), ws, at, stride);
      // column 1
      columnTransform(o0.add(f0), o1.add(f1), o2.add(f2), o3.add(f3), ws, at + stride, stride);
      // column 2
      columnTransform(f0.sub(o0), f1.sub(o1), f2.sub(o2), f3.sub(o3), ws, at + 2 * stride, stride);
      // column 3
      columnTransform(o0.sub(q0), o1.sub(q1), o2.sub(q2), o3.sub(q3), ws, at + 3 * stride, stride);
    }
  }

  /** Bᵀ applied to one column (r0..r3) of d·B: rows ξ = j, 4 + j, 8 + j, 12 + j of V. */
  private static void columnTransform(FloatVector r0, FloatVector r1, FloatVector r2, FloatVector r3, float[] ws,
      int at, int stride) {
    r0.sub(r2).intoArray(ws, at);
    r1.add(r2).intoArray(ws, at + 4 * stride);
    r2.sub(r1).intoArray(ws, at + 8 * stride);
    r1.sub(r3).intoArray(ws, at + 12 * stride);
  }

  // ---- products --------------------------------------------------------------------------------------

  private static void products(WinogradPlan p, int tiles, float[] ws, int vOff, int mOff, int ld) {
    int ic = p.shape.inChannels(), ocPad = p.outPadded;
    int cols = (tiles + COLS - 1) / COLS * COLS;
    for (int xi = 0; xi < TILE; xi++) {
      int u = xi * ocPad * ic, v = vOff + xi * ic * ld, m = mOff + xi * ocPad * ld;
      // a strip of V (ic × 2 vectors) stays in L1 while every panel of U passes over it
      for (int col = 0; col < cols; col += COLS) {
        for (int ob = 0; ob < ocPad; ob += R) {
          kernel(ic, p.u, u + ob * ic, ws, v + col, ld, m + ob * ld + col);
        }
      }
    }
  }

  /** {@code M[r][0..2L) = Σ_c U[r][c]·V[c][0..2L)} for the 8 rows of one packed panel (from {@code uo}). */
  private static void kernel(int ic, float[] u, int uo, float[] ws, int vo, int ld, int mo) {
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

  // ---- output transform ------------------------------------------------------------------------------

  private static void outputTransform(WinogradPlan p, int g0, int g1, float[] bias, boolean relu, float[] y,
      float[] ws, int mOff, int ld, int tileOff) {
    ConvShape s = p.shape;
    int oc = s.outChannels(), oh = s.outHeight(), ow = s.outWidth();
    int tiles = (g1 - g0) * p.tilesWide, plane = p.outPadded * ld;
    for (int o = 0; o < oc; o++) {
      float bo = bias == null ? 0f : bias[o];
      int g = g0, tx = 0;
      int yRow = rowStart(p, g, o);
      boolean twoRows = 2 * (g % p.tilesHigh) + 1 < oh;
      for (int t0 = 0; t0 < tiles; t0 += L) {
        int m = mOff + o * ld + t0;
        // Aᵀ M: rows a (1 1 1 0) and b (0 1 −1 −1) of each column j
        FloatVector a0 = sum3(ws, m, plane), b0 = diff3(ws, m, plane);
        FloatVector a1 = sum3(ws, m + plane, plane), b1 = diff3(ws, m + plane, plane);
        FloatVector a2 = sum3(ws, m + 2 * plane, plane), b2 = diff3(ws, m + 2 * plane, plane);
        FloatVector a3 = sum3(ws, m + 3 * plane, plane), b3 = diff3(ws, m + 3 * plane, plane);
        FloatVector y00 = a0.add(a1).add(a2).add(bo), y01 = a1.sub(a2).sub(a3).add(bo);
        FloatVector y10 = b0.add(b1).add(b2).add(bo), y11 = b1.sub(b2).sub(b3).add(bo);
        if (relu) {
          y00 = y00.max(0f);
          y01 = y01.max(0f);
          y10 = y10.max(0f);
          y11 = y11.max(0f);
        }
        y00.intoArray(ws, tileOff);
        y01.intoArray(ws, tileOff + L);
        y10.intoArray(ws, tileOff + 2 * L);
        y11.intoArray(ws, tileOff + 3 * L);
        // each tile's 2×2 into y, dropping the column or row that sticks out
        int n = Math.min(L, tiles - t0);
        for (int l = 0; l < n; l++) {
          int at = yRow + 2 * tx;
          boolean twoCols = 2 * tx + 1 < ow;
          y[at] = ws[tileOff + l];
          if (twoCols) {
            y[at + 1] = ws[tileOff + L + l];
          }
          if (twoRows) {
            y[at + ow] = ws[tileOff + 2 * L + l];
            if (twoCols) {
              y[at + ow + 1] = ws[tileOff + 3 * L + l];
            }
          }
          if (++tx == p.tilesWide && ++g < g1) {
            tx = 0;
            yRow = rowStart(p, g, o);
            twoRows = 2 * (g % p.tilesHigh) + 1 < oh;
          }
        }
      }
    }
  }

  /** Offset in y of the first output row of tile row g (sample g / tilesHigh), channel o. */
  private static int rowStart(WinogradPlan p, int g, int o) {
    ConvShape s = p.shape;
    int b = g / p.tilesHigh, ty = g % p.tilesHigh;
    return ((b * s.outChannels() + o) * s.outHeight() + 2 * ty) * s.outWidth();
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
