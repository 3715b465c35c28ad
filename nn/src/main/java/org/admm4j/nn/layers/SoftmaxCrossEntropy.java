package org.admm4j.nn.layers;

/**
 * Softmax followed by the negative log-likelihood of the target class, computed stably (the row's
 * maximum is subtracted before exponentiating, log-sum-exp in double).
 */
public final class SoftmaxCrossEntropy {

  private SoftmaxCrossEntropy() {}

  /**
   * Loss of each row of {@code logits [count × classes]} and its gradient.
   *
   * @param targets class index per row, at {@code targets[targetOff + r]}
   * @param gradScale factor of the gradient (1/batch for a mean loss)
   * @param dLogits Modified: {@code gradScale·(softmax(logits) − onehot(target))}; may be null
   * @return the sum of the rows' losses
   */
  public static double lossAndGradient(float[] logits, int count, int classes, int[] targets, int targetOff,
      float gradScale, float[] dLogits) {
    double total = 0;
    for (int r = 0; r < count; r++) {
      int base = r * classes;
      int target = targets[targetOff + r];
      if (target < 0 || target >= classes) {
        throw new IllegalArgumentException("target " + target + " of row " + r + " is outside 0.." + (classes - 1));
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[base + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[base + c] - max);
      }
      double logSum = Math.log(sum);
      total += logSum - (logits[base + target] - max);
      if (dLogits != null) {
        for (int c = 0; c < classes; c++) {
          double p = Math.exp(logits[base + c] - max - logSum);
          dLogits[base + c] = (float) (gradScale * (p - (c == target ? 1.0 : 0.0)));
        }
      }
    }
    return total;
  }
}
