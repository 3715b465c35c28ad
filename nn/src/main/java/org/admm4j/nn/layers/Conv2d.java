package org.admm4j.nn.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;

/** 2-D convolution over NCHW batches: {@code weight [out, in, k, k]}, {@code bias [out]}, PyTorch's layout. */
public final class Conv2d extends Layer {

  private final Parameter weight;
  /** Null for a convolution without bias. */
  private final Parameter bias;
  /** What the kernels add when there is no bias: zeros, never written. */
  private final float[] biasValues;
  private final ConvShape single;
  private final int stride;
  private final int padding;

  /**
   * @param inputShape {@code [inChannels, height, width]}
   * @param random initialises weight and bias as PyTorch does (U(±1/√(in·k·k)))
   */
  public Conv2d(String name, int[] inputShape, int outChannels, int kernelSize, int stride, int padding,
      SplittableRandom random) {
    this(name, inputShape, outChannels, kernelSize, stride, padding, true, random);
  }

  /** As above; without {@code bias} the layer has no bias tensor (PyTorch's {@code bias=False}). */
  public Conv2d(String name, int[] inputShape, int outChannels, int kernelSize, int stride, int padding,
      boolean bias, SplittableRandom random) {
    this(name, inputShape, new ConvShape(1, inputShape[0], inputShape[1], inputShape[2], outChannels,
        kernelSize, kernelSize, stride, padding), stride, padding, bias, random);
  }

  private Conv2d(String name, int[] inputShape, ConvShape single, int stride, int padding, boolean hasBias,
      SplittableRandom random) {
    super(name, inputShape, new int[] {single.outChannels(), single.outHeight(), single.outWidth()});
    this.single = single;
    this.stride = stride;
    this.padding = padding;
    int spatial = single.outHeight() * single.outWidth();
    weight = Parameter.weight(name + ".weight", LayerKind.CONV, spatial, single.outChannels(),
        single.inChannels(), single.kernelHeight(), single.kernelWidth());
    bias = hasBias ? Parameter.other(name + ".bias", LayerKind.CONV, single.outChannels()) : null;
    biasValues = hasBias ? bias.data() : new float[single.outChannels()];
    Init.uniformFanIn(weight.data(), hasBias ? bias.data() : null,
        single.inChannels() * single.kernelHeight() * single.kernelWidth(), random);
  }

  /** Output channels. */
  public int outChannels() {
    return single.outChannels();
  }

  /** The (square) kernel size. */
  public int kernelSize() {
    return single.kernelHeight();
  }

  public int stride() {
    return stride;
  }

  public int padding() {
    return padding;
  }

  /** The shape of one sample's convolution (batch 1). */
  public ConvShape singleShape() {
    return single;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Conv2d(localName(), single.outChannels(), single.kernelHeight(), stride, padding,
        bias != null);
  }

  /** The weight tensor. */
  public Parameter weight() {
    return weight;
  }

  /** The bias, or null for a convolution without one. */
  public Parameter bias() {
    return bias;
  }

  /** The bias values, zeros when there is no bias tensor (what the kernels add). */
  public float[] biasValues() {
    return biasValues;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
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
    Convolution.forward(shape, x, weight.data(), biasValues, s.output, s.workspace(shape));
    s.workspaceHoldsForward = true;
    s.forwardBatch = count;
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    State s = (State) context;
    ConvShape shape = s.shape(count);
    float[] ws = s.workspace(shape);
    // right after forward the workspace still holds its patch matrix: backward-weights reuses it
    if (s.workspaceHoldsForward && shape.batch() == s.forwardBatch) {
      Convolution.backwardWeightsAfterForward(shape, s.input, dy, s.gradients[0], s.biasGradient, ws);
    } else {
      Convolution.backwardWeights(shape, s.input, dy, s.gradients[0], s.biasGradient, ws);
    }
    s.workspaceHoldsForward = false;
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
    /** Whether the workspace is as the last forward left it (set by forward, cleared by backward). */
    boolean workspaceHoldsForward;
    int forwardBatch;

    /** The bias gradient array, or scratch that nothing reads when there is no bias. */
    final float[] biasGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      biasGradient = bias != null ? gradients[1] : new float[single.outChannels()];
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
