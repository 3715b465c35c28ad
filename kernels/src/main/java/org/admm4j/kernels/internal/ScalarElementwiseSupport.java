package org.admm4j.kernels.internal;

/** Plain-Java element-wise ops. */
class ScalarElementwiseSupport implements ElementwiseSupport {

  @Override
  public void relu(int n, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v > 0f ? v : 0f;
    }
  }

  @Override
  public void reluBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] = y[yOff + i] > 0f ? dy[dyOff + i] : 0f;
    }
  }

  @Override
  public void addRowBias(int rows, int cols, float[] bias, float[] y, int yOff) {
    for (int r = 0; r < rows; r++) {
      int o = yOff + r * cols;
      for (int c = 0; c < cols; c++) {
        y[o + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(int channels, int spatial, float[] bias, float[] y, int yOff) {
    for (int c = 0; c < channels; c++) {
      float b = bias[c];
      int o = yOff + c * spatial;
      for (int s = 0; s < spatial; s++) {
        y[o + s] += b;
      }
    }
  }

  @Override
  public void accumulateChannelSums(int channels, int spatial, float[] dy, int dyOff, float[] db) {
    for (int c = 0; c < channels; c++) {
      float sum = 0f;
      int o = dyOff + c * spatial;
      for (int s = 0; s < spatial; s++) {
        sum += dy[o + s];
      }
      db[c] += sum;
    }
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(int n, float alpha, float[] x, int xOff) {
    for (int i = 0; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += x[xOff + i] * y[yOff + i];
    }
    return sum;
  }

  @Override
  public float sumOfSquares(int n, float[] x, int xOff) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      sum += v * v;
    }
    return sum;
  }

  @Override
  public float sumOfSquaredDeviations(int n, float[] x, int xOff, float mean) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float d = x[xOff + i] - mean;
      sum += d * d;
    }
    return sum;
  }

  @Override
  public float dotDeviations(int n, float[] dy, int dyOff, float[] x, int xOff, float mean) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += dy[dyOff + i] * (x[xOff + i] - mean);
    }
    return sum;
  }

  @Override
  public void affine(int n, float scale, float shift, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = scale * x[xOff + i] + shift;
    }
  }

  @Override
  public void affineGradient(int n, float a, float[] dy, int dyOff, float b, float[] x, int xOff, float c,
      float[] dx, int dxOff) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] = a * dy[dyOff + i] + b * x[xOff + i] + c;
    }
  }
}
