package org.admm4j.nn.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Parameter;

/** 2-D convolution over NCHW batches: {@code weight [out, in, k, k]}, {@code bias [out]}, PyTorch's layout. */
public final class Conv2d extends Layer {

  private final Parameter weight;
  private final Parameter bias;
  private final ConvShape single;

  /**
   * @param inputShape {@code [inChannels, height, width]}
   * @param random initialises weight and bias as PyTorch does (U(±1/√(in·k·k)))
   */
  public Conv2d(String name, int[] inputShape, int outChannels, int kernelSize, int stride, int padding,
      SplittableRandom random) {
    this(name, inputShape, new ConvShape(1, inputShape[0], inputShape[1], inputShape[2], outChannels,
        kernelSize, kernelSize, stride, padding), random);
  }

  private Conv2d(String name, int[] inputShape, ConvShape single, SplittableRandom random) {
    super(name, inputShape, new int[] {single.outChannels(), single.outHeight(), single.outWidth()});
    this.single = single;
    int spatial = single.outHeight() * single.outWidth();
    weight = Parameter.weight(name + ".weight", LayerKind.CONV, spatial, single.outChannels(),
        single.inChannels(), single.kernelHeight(), single.kernelWidth());
    bias = Parameter.other(name + ".bias", LayerKind.CONV, single.outChannels());
    Init.uniformFanIn(weight.data(), bias.data(),
        single.inChannels() * single.kernelHeight() * single.kernelWidth(), random);
  }

  /** The weight tensor. */
  public Parameter weight() {
    return weight;
  }

  /** The bias. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    ConvShape shape = s.shape(count);
    s.input = x;
    Convolution.forward(shape, x, weight.data(), bias.data(), s.output, s.workspace(shape));
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    State s = (State) context;
    ConvShape shape = s.shape(count);
    float[] ws = s.workspace(shape);
    Convolution.backwardWeights(shape, s.input, dy, s.gradients[0], s.gradients[1], ws);
    if (!needInputGradient) {
      return null;
    }
    Convolution.backwardData(shape, dy, weight.data(), s.inputGradient(), ws);
    return s.inputGradient;
  }

  private final class State extends Context {
    final ConvShape full;
    ConvShape partial;
    final float[] output;
    float[] workspace;
    float[] inputGradient;
    float[] input;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      full = single.withBatch(capacity);
      output = new float[capacity * outputSize()];
      workspace = new float[Convolution.workspaceSize(full)];
    }

    /** The shape for {@code count} samples; the last, shorter batch of an epoch gets one cached shape. */
    ConvShape shape(int count) {
      if (count == capacity) {
        return full;
      }
      if (partial == null || partial.batch() != count) {
        partial = single.withBatch(count);
      }
      return partial;
    }

    float[] workspace(ConvShape shape) {
      int need = Convolution.workspaceSize(shape);
      if (need > workspace.length) {
        workspace = new float[need];
      }
      return workspace;
    }

    float[] inputGradient() {
      if (inputGradient == null) {
        inputGradient = new float[capacity * inputSize()];
      }
      return inputGradient;
    }
  }
}
