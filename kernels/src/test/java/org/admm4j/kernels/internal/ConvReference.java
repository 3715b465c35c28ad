package org.admm4j.kernels.internal;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.PoolShape;

/** Direct, double-accumulating convolution and pooling: the oracle the kernel tests compare against. */
final class ConvReference {

  private ConvReference() {}

  /** Input index of tap (p, q) under output pixel (i, j) of channel c, sample b; -1 in the padding. */
  static int inputIndex(ConvShape s, int b, int c, int i, int j, int p, int q) {
    int r = i * s.stride() - s.padding() + p;
    int col = j * s.stride() - s.padding() + q;
    if (r < 0 || r >= s.inHeight() || col < 0 || col >= s.inWidth()) {
      return -1;
    }
    return ((b * s.inChannels() + c) * s.inHeight() + r) * s.inWidth() + col;
  }

  static int weightIndex(ConvShape s, int oc, int c, int p, int q) {
    return ((oc * s.inChannels() + c) * s.kernelHeight() + p) * s.kernelWidth() + q;
  }

  static int outputIndex(ConvShape s, int b, int oc, int i, int j) {
    return ((b * s.outChannels() + oc) * s.outHeight() + i) * s.outWidth() + j;
  }

  static double[] forward(ConvShape s, double[] x, double[] w, double[] bias) {
    double[] y = new double[s.outputSize()];
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < s.outHeight(); i++) {
          for (int j = 0; j < s.outWidth(); j++) {
            double sum = bias == null ? 0 : bias[oc];
            for (int c = 0; c < s.inChannels(); c++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int xi = inputIndex(s, b, c, i, j, p, q);
                  if (xi >= 0) {
                    sum += x[xi] * w[weightIndex(s, oc, c, p, q)];
                  }
                }
              }
            }
            y[outputIndex(s, b, oc, i, j)] = sum;
          }
        }
      }
    }
    return y;
  }

  static double[] backwardData(ConvShape s, double[] dy, double[] w) {
    double[] dx = new double[s.inputSize()];
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < s.outHeight(); i++) {
          for (int j = 0; j < s.outWidth(); j++) {
            double g = dy[outputIndex(s, b, oc, i, j)];
            for (int c = 0; c < s.inChannels(); c++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int xi = inputIndex(s, b, c, i, j, p, q);
                  if (xi >= 0) {
                    dx[xi] += g * w[weightIndex(s, oc, c, p, q)];
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx;
  }

  /** dw followed by dbias in one array. */
  static double[] backwardWeights(ConvShape s, double[] x, double[] dy) {
    double[] g = new double[s.weightSize() + s.outChannels()];
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < s.outHeight(); i++) {
          for (int j = 0; j < s.outWidth(); j++) {
            double d = dy[outputIndex(s, b, oc, i, j)];
            g[s.weightSize() + oc] += d;
            for (int c = 0; c < s.inChannels(); c++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int xi = inputIndex(s, b, c, i, j, p, q);
                  if (xi >= 0) {
                    g[weightIndex(s, oc, c, p, q)] += d * x[xi];
                  }
                }
              }
            }
          }
        }
      }
    }
    return g;
  }

  /** Max-pool argmax: the first maximum of each window in row-major order. */
  static int[] maxPoolArgmax(PoolShape s, float[] x) {
    int[] arg = new int[s.outputSize()];
    int o = 0;
    for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
      for (int i = 0; i < s.outHeight(); i++) {
        for (int j = 0; j < s.outWidth(); j++) {
          int best = -1;
          for (int p = 0; p < s.size(); p++) {
            for (int q = 0; q < s.size(); q++) {
              int idx = (plane * s.inHeight() + i * s.stride() + p) * s.inWidth() + j * s.stride() + q;
              if (best < 0 || x[idx] > x[best]) {
                best = idx;
              }
            }
          }
          arg[o++] = best;
        }
      }
    }
    return arg;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
