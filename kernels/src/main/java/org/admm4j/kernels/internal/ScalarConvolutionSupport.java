package org.admm4j.kernels.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.PoolShape;

/** Plain-Java convolution and pooling. */
class ScalarConvolutionSupport implements ConvolutionSupport {

  // TODO(conv): im2col + GEMM over the batch; these are direct loops.
  final BlasSupport blas;

  ScalarConvolutionSupport(BlasSupport blas) {
    this.blas = blas;
  }

  @Override
  public int workspaceSize(ConvShape shape) {
    return 0;
  }

  @Override
  public void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    int oh = s.outHeight(), ow = s.outWidth();
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            float sum = bias == null ? 0f : bias[oc];
            for (int ic = 0; ic < s.inChannels(); ic++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                int r = i * s.stride() - s.padding() + p;
                if (r < 0 || r >= s.inHeight()) {
                  continue;
                }
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int col = j * s.stride() - s.padding() + q;
                  if (col < 0 || col >= s.inWidth()) {
                    continue;
                  }
                  sum += x[((b * s.inChannels() + ic) * s.inHeight() + r) * s.inWidth() + col]
                      * w[((oc * s.inChannels() + ic) * s.kernelHeight() + p) * s.kernelWidth() + q];
                }
              }
            }
            y[((b * s.outChannels() + oc) * oh + i) * ow + j] = sum;
          }
        }
      }
    }
  }

  @Override
  public void backwardData(ConvShape s, float[] dy, float[] w, float[] dx, float[] workspace,
      ForkJoinPool pool) {
    int oh = s.outHeight(), ow = s.outWidth();
    Arrays.fill(dx, 0, s.inputSize(), 0f);
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            float g = dy[((b * s.outChannels() + oc) * oh + i) * ow + j];
            for (int ic = 0; ic < s.inChannels(); ic++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                int r = i * s.stride() - s.padding() + p;
                if (r < 0 || r >= s.inHeight()) {
                  continue;
                }
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int col = j * s.stride() - s.padding() + q;
                  if (col < 0 || col >= s.inWidth()) {
                    continue;
                  }
                  dx[((b * s.inChannels() + ic) * s.inHeight() + r) * s.inWidth() + col] +=
                      g * w[((oc * s.inChannels() + ic) * s.kernelHeight() + p) * s.kernelWidth() + q];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void backwardWeights(ConvShape s, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] workspace, ForkJoinPool pool) {
    int oh = s.outHeight(), ow = s.outWidth();
    Arrays.fill(dw, 0, s.weightSize(), 0f);
    if (dbias != null) {
      Arrays.fill(dbias, 0, s.outChannels(), 0f);
    }
    for (int b = 0; b < s.batch(); b++) {
      for (int oc = 0; oc < s.outChannels(); oc++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            float g = dy[((b * s.outChannels() + oc) * oh + i) * ow + j];
            if (dbias != null) {
              dbias[oc] += g;
            }
            for (int ic = 0; ic < s.inChannels(); ic++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                int r = i * s.stride() - s.padding() + p;
                if (r < 0 || r >= s.inHeight()) {
                  continue;
                }
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int col = j * s.stride() - s.padding() + q;
                  if (col < 0 || col >= s.inWidth()) {
                    continue;
                  }
                  dw[((oc * s.inChannels() + ic) * s.kernelHeight() + p) * s.kernelWidth() + q] +=
                      g * x[((b * s.inChannels() + ic) * s.inHeight() + r) * s.inWidth() + col];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void maxPoolForward(PoolShape s, float[] x, float[] y, int[] argmax) {
    int oh = s.outHeight(), ow = s.outWidth();
    for (int plane = 0; plane < s.batch() * s.channels(); plane++) {
      int in = plane * s.inHeight() * s.inWidth();
      int out = plane * oh * ow;
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int best = in + (i * s.stride()) * s.inWidth() + j * s.stride();
          for (int p = 0; p < s.size(); p++) {
            for (int q = 0; q < s.size(); q++) {
              int idx = in + (i * s.stride() + p) * s.inWidth() + j * s.stride() + q;
              if (x[idx] > x[best]) {
                best = idx;
              }
            }
          }
          y[out + i * ow + j] = x[best];
          argmax[out + i * ow + j] = best;
        }
      }
    }
  }

  @Override
  public void maxPoolBackward(PoolShape s, float[] dy, int[] argmax, float[] dx) {
    Arrays.fill(dx, 0, s.inputSize(), 0f);
    for (int i = 0, n = s.outputSize(); i < n; i++) {
      dx[argmax[i]] += dy[i];
    }
  }
}
