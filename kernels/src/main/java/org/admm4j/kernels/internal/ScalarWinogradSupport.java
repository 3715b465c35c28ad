package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.WinogradPlan.TILE;

import org.admm4j.kernels.ConvShape;

/**
 * The plain-Java Winograd convolution, the reference: one tile at a time through
 * {@link WinogradTransforms}, and the 16 products as i-p-j loops whose inner axpy over the tiles C2
 * auto-vectorises. Filters are laid out {@code U[ξ][oc][ic]}; the workspace holds
 * {@code V[16][ic][tiles]}, {@code M[16][oc][tiles]} and a 4×4 tile.
 */
final class ScalarWinogradSupport implements WinogradSupport {

  @Override
  public WinogradPlan prepare(ConvShape s, float[] w) {
    int oc = s.outChannels(), ic = s.inChannels();
    float[] u = new float[TILE * oc * ic];
    for (int o = 0; o < oc; o++) {
      for (int c = 0; c < ic; c++) {
        WinogradTransforms.filter(w, (o * ic + c) * 9, u, o * ic + c, oc * ic);
      }
    }
    return new WinogradPlan(s, u, oc, 1);
  }

  @Override
  public long workspaceSize(WinogradPlan p, int count) {
    long tiles = (long) p.rows(count) * p.tilesWide;
    return (long) TILE * (p.shape.inChannels() + p.shape.outChannels()) * tiles + TILE;
  }

  @Override
  public void forward(WinogradPlan p, int count, float[] x, float[] bias, boolean relu, float[] y, float[] ws) {
    ConvShape s = p.shape;
    int ic = s.inChannels(), oc = s.outChannels();
    int rows = p.rows(count), ld = rows * p.tilesWide;
    int vOff = 0, mOff = TILE * ic * ld, dOff = mOff + TILE * oc * ld;
    int totalRows = count * p.tilesHigh;
    for (int g0 = 0; g0 < totalRows; g0 += rows) {
      int g1 = Math.min(g0 + rows, totalRows);
      int tiles = (g1 - g0) * p.tilesWide;
      // input transform: V[ξ][c][t]
      for (int g = g0, t = 0; g < g1; g++) {
        for (int tx = 0; tx < p.tilesWide; tx++, t++) {
          for (int c = 0; c < ic; c++) {
            gather(s, x, g / p.tilesHigh, c, 2 * (g % p.tilesHigh), 2 * tx, ws, dOff);
            WinogradTransforms.input(ws, dOff, ws, vOff + c * ld + t, ic * ld);
          }
        }
      }
      // M[ξ][o][t] = Σ_c U[ξ][o][c]·V[ξ][c][t]
      for (int xi = 0; xi < TILE; xi++) {
        for (int o = 0; o < oc; o++) {
          int m = mOff + (xi * oc + o) * ld;
          for (int t = 0; t < tiles; t++) {
            ws[m + t] = 0f;
          }
          for (int c = 0; c < ic; c++) {
            float u = p.u[(xi * oc + o) * ic + c];
            int v = vOff + (xi * ic + c) * ld;
            for (int t = 0; t < tiles; t++) {
              ws[m + t] += u * ws[v + t];
            }
          }
        }
      }
      // output transform, bias and ReLU, cropped to the output
      for (int g = g0, t = 0; g < g1; g++) {
        for (int tx = 0; tx < p.tilesWide; tx++, t++) {
          for (int o = 0; o < oc; o++) {
            WinogradTransforms.output(ws, mOff + o * ld + t, oc * ld, ws, dOff);
            scatter(s, ws, dOff, bias == null ? 0f : bias[o], relu, y, g / p.tilesHigh, o,
                2 * (g % p.tilesHigh), 2 * tx);
          }
        }
      }
    }
  }

  /** The 4×4 input tile of sample b, channel c, whose output tile starts at (oy, ox); zero outside x. */
  private static void gather(ConvShape s, float[] x, int b, int c, int oy, int ox, float[] d, int dOff) {
    int h = s.inHeight(), w = s.inWidth(), pad = s.padding();
    int plane = (b * s.inChannels() + c) * h * w;
    for (int i = 0; i < 4; i++) {
      int r = oy - pad + i;
      for (int j = 0; j < 4; j++) {
        int col = ox - pad + j;
        d[dOff + 4 * i + j] = r >= 0 && r < h && col >= 0 && col < w ? x[plane + r * w + col] : 0f;
      }
    }
  }

  /** Writes the 2×2 tile {@code t[tOff..tOff+3]} plus bias (ReLU'd) at (oy, ox), dropping what sticks out. */
  private static void scatter(ConvShape s, float[] t, int tOff, float bias, boolean relu, float[] y, int b, int o,
      int oy, int ox) {
    int oh = s.outHeight(), ow = s.outWidth();
    int plane = (b * s.outChannels() + o) * oh * ow;
    for (int i = 0; i < 2 && oy + i < oh; i++) {
      for (int j = 0; j < 2 && ox + j < ow; j++) {
        float v = t[tOff + 2 * i + j] + bias;
        y[plane + (oy + i) * ow + ox + j] = relu ? Math.max(v, 0f) : v;
      }
    }
  }
}
