package org.admm4j.kernels.internal;

/**
 * The F(2×2, 3×3) transforms in plain Java, shared by both implementations so that their filters are
 * transformed to the same bits:
 * <pre>
 *   G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]        U = G g Gᵀ   (4×4 from the 3×3 filter g)
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]  V = Bᵀ d B  (4×4 from the 4×4 input tile d)
 *   Aᵀ = [1 1 1 0; 0 1 −1 −1]                  Y = Aᵀ M A   (2×2 from M = Σ_c U ⊙ V)
 * </pre>
 * Entries of a 4×4 are indexed ξ = 4·row + column.
 */
final class WinogradTransforms {

  private WinogradTransforms() {}

  /** {@code out[outOff + ξ·stride] = (G g Gᵀ)[ξ]} for the row-major 3×3 filter at {@code w[wOff]}. */
  static void filter(float[] w, int wOff, float[] out, int outOff, int stride) {
    for (int i = 0; i < 4; i++) {
      // row i of G g
      float a0 = gRow(i, w[wOff], w[wOff + 3], w[wOff + 6]);
      float a1 = gRow(i, w[wOff + 1], w[wOff + 4], w[wOff + 7]);
      float a2 = gRow(i, w[wOff + 2], w[wOff + 5], w[wOff + 8]);
      for (int j = 0; j < 4; j++) {
        out[outOff + (4 * i + j) * stride] = gRow(j, a0, a1, a2);
      }
    }
  }

  /** Entry i of G·(g0, g1, g2)ᵀ. */
  private static float gRow(int i, float g0, float g1, float g2) {
    return switch (i) {
      case 0 -> g0;
      case 1 -> 0.5f * (g0 + g1 + g2);
      case 2 -> 0.5f * (g0 - g1 + g2);
      default -> g2;
    };
  }

  /**
   * {@code v[vOff + ξ·stride] = (Bᵀ d B)[ξ]} for the 4×4 tile d (row-major, 16 floats at {@code d[dOff]},
   * overwritten).
   */
  static void input(float[] d, int dOff, float[] v, int vOff, int stride) {
    for (int i = 0; i < 4; i++) {
      // rows of d·B, kept in d
      float d0 = d[dOff + 4 * i], d1 = d[dOff + 4 * i + 1], d2 = d[dOff + 4 * i + 2], d3 = d[dOff + 4 * i + 3];
      d[dOff + 4 * i] = d0 - d2;
      d[dOff + 4 * i + 1] = d1 + d2;
      d[dOff + 4 * i + 2] = d2 - d1;
      d[dOff + 4 * i + 3] = d1 - d3;
    }
    for (int j = 0; j < 4; j++) {
      float r0 = d[dOff + j], r1 = d[dOff + 4 + j], r2 = d[dOff + 8 + j], r3 = d[dOff + 12 + j];
      v[vOff + j * stride] = r0 - r2;
      v[vOff + (4 + j) * stride] = r1 + r2;
      v[vOff + (8 + j) * stride] = r2 - r1;
      v[vOff + (12 + j) * stride] = r1 - r3;
    }
  }

  /**
   * {@code out[outOff..outOff+3] = Aᵀ M A} (the 2×2 output tile, row-major) for the 4×4 M at
   * {@code m[mOff + ξ·stride]}.
   */
  static void output(float[] m, int mOff, int stride, float[] out, int outOff) {
    float a0 = column(m, mOff, stride, 0, true), b0 = column(m, mOff, stride, 0, false);
    float a1 = column(m, mOff, stride, 1, true), b1 = column(m, mOff, stride, 1, false);
    float a2 = column(m, mOff, stride, 2, true), b2 = column(m, mOff, stride, 2, false);
    float a3 = column(m, mOff, stride, 3, true), b3 = column(m, mOff, stride, 3, false);
    out[outOff + 0] = a0 + a1 + a2;
    out[outOff + 1] = a1 - a2 - a3;
    out[outOff + 2] = b0 + b1 + b2;
    out[outOff + 3] = b1 - b2 - b3;
  }

  /** Entry j of row 0 (first) or row 1 of Aᵀ M. */
  private static float column(float[] m, int mOff, int stride, int j, boolean first) {
    float m0 = m[mOff + j * stride], m1 = m[mOff + (4 + j) * stride];
    float m2 = m[mOff + (8 + j) * stride], m3 = m[mOff + (12 + j) * stride];
    return first ? m0 + m1 + m2 : m1 - m2 - m3;
  }
}
