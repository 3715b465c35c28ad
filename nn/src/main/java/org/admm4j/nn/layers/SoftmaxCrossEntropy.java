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

  /**
   * Knowledge distillation (Hinton et al. 2015): per row {@code (1 − α)·CE(softmax(s), target) +
   * α·T²·KL(softmax(t/T) ‖ softmax(s/T))} for student logits s and teacher logits t. The T² keeps the
   * soft term's gradient on the scale of the hard one, so α weighs the two whatever T is. Gradient per
   * logit: {@code (1 − α)(p − onehot) + α·T·(p_T − q_T)}.
   *
   * @param teacher the teacher's logits, same layout as {@code logits}
   * @param alpha weight of the soft term, in [0, 1]
   * @param temperature T &gt; 0
   * @param dLogits Modified: {@code gradScale ·} the gradient above; may be null
   * @return the sum of the rows' losses
   */
  public static double distillationLossAndGradient(float[] logits, float[] teacher, int count, int classes,
      int[] targets, int targetOff, float alpha, float temperature, float gradScale, float[] dLogits) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("distillation weight must be in [0, 1], got " + alpha);
    }
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("distillation temperature must be a positive number, got " + temperature);
    }
    double invT = 1.0 / temperature;
    double total = 0;
    for (int r = 0; r < count; r++) {
      int base = r * classes;
      int target = targets[targetOff + r];
      if (target < 0 || target >= classes) {
        throw new IllegalArgumentException("target " + target + " of row " + r + " is outside 0.." + (classes - 1));
      }
      float max = Float.NEGATIVE_INFINITY;
      float tmax = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[base + c]);
        tmax = Math.max(tmax, teacher[base + c]);
      }
      double sum = 0;
      double sumT = 0;
      double tSumT = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[base + c] - max);
        sumT += Math.exp((logits[base + c] - max) * invT);
        tSumT += Math.exp((teacher[base + c] - tmax) * invT);
      }
      double logSum = Math.log(sum);
      double logSumT = Math.log(sumT);
      double tLogSumT = Math.log(tSumT);
      double hard = logSum - (logits[base + target] - max);
      // KL(q ‖ p) = Σ q (log q − log p), both at temperature T
      double kl = 0;
      for (int c = 0; c < classes; c++) {
        double logQ = (teacher[base + c] - tmax) * invT - tLogSumT;
        double logP = (logits[base + c] - max) * invT - logSumT;
        kl += Math.exp(logQ) * (logQ - logP);
      }
      total += (1 - alpha) * hard + alpha * temperature * temperature * kl;
      if (dLogits != null) {
        for (int c = 0; c < classes; c++) {
          double p = Math.exp(logits[base + c] - max - logSum);
          double pT = Math.exp((logits[base + c] - max) * invT - logSumT);
          double qT = Math.exp((teacher[base + c] - tmax) * invT - tLogSumT);
          double g = (1 - alpha) * (p - (c == target ? 1.0 : 0.0)) + alpha * temperature * (pT - qT);
          dLogits[base + c] = (float) (gradScale * g);
        }
      }
    }
    return total;
  }
}
