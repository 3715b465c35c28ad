package org.admm4j.admm.quant;

/** How a layer's levels are chosen. */
public enum QuantizationMode {
  /**
   * Levels {@code s·{−M, …, −1, 0, 1, …, M}} with M = 2^(b−1) − 1 and the per-layer scale s that minimises the
   * squared projection error ({@link UniformScaleSearch}).
   */
  UNIFORM,
  /**
   * Zero and 2^b − 2 free levels, a per-layer codebook fitted by 1-D k-means ({@link CodebookFit}), started from
   * the optimal uniform grid so it is never worse than it.
   */
  CODEBOOK;

  /** Levels fitted to {@code values} (their non-zeros; zeros are the pruned weights and ignored). */
  public LevelGrid fit(float[] tensor, int bits) {
    // the fits read only the non-zeros: a 0.1 %-dense layer's would otherwise scan its zeros every iteration
    float[] values = nonzeros(tensor);
    LevelGrid uniform = UniformScaleSearch.fit(values, bits);
    if (this == UNIFORM) {
      return uniform;
    }
    LevelGrid book = CodebookFit.refine(uniform, values, CodebookFit.MAX_ITERATIONS);
    // Lloyd's steps cannot raise the error, but the float rounding of the means can by an ulp: keep the promise
    return book.error(values) <= uniform.error(values) ? book : LevelGrid.codebook(uniform.nonzeroLevels(), bits);
  }


  /**
   * One cheap refinement of {@code grid} towards {@code values} (one alternation of assignment and scale, or one
   * k-means step): what the straight-through retraining runs after every optimizer step so the levels follow the
   * weights.
   */
  public LevelGrid refine(LevelGrid grid, float[] tensor) {
    float[] values = nonzeros(tensor);
    return this == UNIFORM ? UniformScaleSearch.refine(grid, values) : CodebookFit.refine(grid, values, 1);
  }

  private static float[] nonzeros(float[] a) {
    int n = 0;
    for (float v : a) {
      n += v != 0f ? 1 : 0;
    }
    float[] out = new float[n];
    int i = 0;
    for (float v : a) {
      if (v != 0f) {
        out[i++] = v;
      }
    }
    return out;
  }
}
