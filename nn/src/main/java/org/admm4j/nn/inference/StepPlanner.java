package org.admm4j.nn.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.SparseBlas;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.layers.BatchNorm;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Dropout;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.Linear;
import org.admm4j.nn.layers.ReLU;
import org.admm4j.nn.layers.Residual;

/**
 * Decides how each layer of an evaluation-mode network runs: a BatchNorm right after a convolution or a
 * linear layer is folded into that layer's weights and bias (the same affine map, one pass less); conv
 * and linear layers run on the sparse kernels where their weights are sparse enough ({@link Execution}), on
 * inference-laid-out dense steps otherwise, with a ReLU right after them (or after their BatchNorm) applied
 * in the same step;
 * residual blocks run their branches step by step; dropout, the identity in evaluation, is dropped.
 */
final class StepPlanner {

  private StepPlanner() {}

  static List<InferenceStep> plan(List<Layer> layers, Execution execution) {
    List<InferenceStep> steps = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Layer next = i + 1 < layers.size() ? layers.get(i + 1) : null;
      if (layer instanceof Dropout) {
        continue;
      }
      if (layer instanceof Conv2d || layer instanceof Linear) {
        Layer weightedLayer = layer;
        String note = "";
        if (next instanceof BatchNorm bn) {
          weightedLayer = fold(layer, bn);
          note = " (" + bn.localName() + " folded in)";
          i++;
        }
        boolean relu = i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU;
        if (relu) {
          i++;
        }
        steps.add(weighted(weightedLayer, execution, note, relu));
      } else if (layer instanceof Residual r) {
        steps.add(new ResidualStep(r.name(), plan(r.body(), execution), plan(r.shortcut(), execution),
            r.outputSize()));
      } else {
        steps.add(new LayerStep(layer, layer.name() + ": " + layer.getClass().getSimpleName()));
      }
    }
    return steps;
  }

  /** A conv or linear layer's step: sparse or dense by {@code execution}, with a following ReLU fused if asked. */
  private static InferenceStep weighted(Layer layer, Execution execution, String note, boolean relu) {
    String name = layer.name() + note;
    if (layer instanceof Linear linear) {
      int[] shape = linear.weight().shape();
      CsrMatrix w = CsrMatrix.fromDense(shape[0], shape[1], linear.weight().data());
      if (execution == Execution.SPARSE || (execution == Execution.AUTO && SparseBlas.prefersSparseLinear(w))) {
        return new SparseLinearStep(name, w, linear.biasValues(), relu);
      }
      return new DenseLinearStep(name, shape[0], shape[1], linear.weight().data(), linear.biasValues(), relu,
          w.density());
    }
    Conv2d conv = (Conv2d) layer;
    int[] shape = conv.weight().shape();
    CsrMatrix w = CsrMatrix.fromDense(shape[0], shape[1] * shape[2] * shape[3], conv.weight().data());
    if (execution == Execution.SPARSE || (execution == Execution.AUTO && SparseBlas.prefersSparseConv(w))) {
      return new SparseConvStep(name, conv.singleShape(), w, conv.biasValues(), relu);
    }
    return new DenseConvStep(name, conv.singleShape(), conv.weight().data(), conv.biasValues(), relu, w.density());
  }

  /**
   * A copy of {@code layer} with {@code bn}'s evaluation transform folded in: each output channel's
   * weights times {@code γ/√(var+ε)}, its bias {@code (b − mean)·γ/√(var+ε) + β}, computed in double.
   * Zero weights stay zero, so the sparsity is unchanged.
   */
  static Layer fold(Layer layer, BatchNorm bn) {
    float[] gamma = bn.parameters().get(0).data(), beta = bn.parameters().get(1).data();
    float[] mean = bn.buffers().get(0).data(), var = bn.buffers().get(1).data();
    Layer folded;
    Parameter w;
    Parameter b;
    float[] bias;
    SplittableRandom unused = new SplittableRandom(0);
    if (layer instanceof Conv2d c) {
      Conv2d f = new Conv2d(c.name(), c.inputShape(), c.outChannels(), c.kernelSize(), c.stride(), c.padding(), true,
          unused);
      folded = f;
      w = f.weight();
      b = f.bias();
      System.arraycopy(c.weight().data(), 0, w.data(), 0, w.size());
      bias = c.biasValues();
    } else {
      Linear l = (Linear) layer;
      Linear f = new Linear(l.name(), l.inputSize(), l.outFeatures(), true, unused);
      folded = f;
      w = f.weight();
      b = f.bias();
      System.arraycopy(l.weight().data(), 0, w.data(), 0, w.size());
      bias = l.biasValues();
    }
    int channels = b.size();
    int per = w.size() / channels;
    float[] wd = w.data(), bd = b.data();
    for (int o = 0; o < channels; o++) {
      double scale = gamma[o] / Math.sqrt((double) var[o] + bn.eps());
      for (int j = o * per; j < (o + 1) * per; j++) {
        wd[j] = (float) (wd[j] * scale);
      }
      bd[o] = (float) ((bias[o] - (double) mean[o]) * scale + beta[o]);
    }
    return folded;
  }
}
