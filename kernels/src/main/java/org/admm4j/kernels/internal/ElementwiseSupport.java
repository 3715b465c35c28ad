package org.admm4j.kernels.internal;

/** Element-wise ops and reductions that training needs. */
public interface ElementwiseSupport {

  /** {@code y[i] = max(x[i], 0)}. */
  void relu(int n, float[] x, int xOff, float[] y, int yOff);

  /** {@code dx[i] = y[i] > 0 ? dy[i] : 0}, where y is the ReLU's output (or input). */
  void reluBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);

  /** {@code y[r·cols + c] += bias[c]} for r &lt; rows: a bias per column (fully connected layers). */
  void addRowBias(int rows, int cols, float[] bias, float[] y, int yOff);

  /** {@code y[c·spatial + s] += bias[c]} for c &lt; channels: a bias per channel plane (NCHW). */
  void addChannelBias(int channels, int spatial, float[] bias, float[] y, int yOff);

  /** {@code db[c] += Σ_s dy[c·spatial + s]}: the bias gradient of one NCHW sample. */
  void accumulateChannelSums(int channels, int spatial, float[] dy, int dyOff, float[] db);

  /** {@code y[i] += alpha·x[i]}. */
  void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

  /** {@code x[i] *= alpha}. */
  void scale(int n, float alpha, float[] x, int xOff);

  /** {@code Σ x[i]·y[i]}. */
  float dot(int n, float[] x, int xOff, float[] y, int yOff);

  /** {@code Σ x[i]²}. */
  float sumOfSquares(int n, float[] x, int xOff);

  /** {@code Σ (x[i] − mean)²}: a variance's numerator without the cancellation of {@code Σx² − n·mean²}. */
  float sumOfSquaredDeviations(int n, float[] x, int xOff, float mean);

  /** {@code Σ dy[i]·(x[i] − mean)}. */
  float dotDeviations(int n, float[] dy, int dyOff, float[] x, int xOff, float mean);

  /** {@code y[i] = scale·x[i] + shift} (y may be x): batch normalisation folded to one multiply-add. */
  void affine(int n, float scale, float shift, float[] x, int xOff, float[] y, int yOff);

  /** {@code dx[i] = a·dy[i] + b·x[i] + c} (dx may be dy): batch normalisation's input gradient. */
  void affineGradient(int n, float a, float[] dy, int dyOff, float b, float[] x, int xOff, float c, float[] dx,
      int dxOff);
}
