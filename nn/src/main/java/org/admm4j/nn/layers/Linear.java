package org.admm4j.nn.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.kernels.Blas;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.Transpose;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;

/** {@code y = x·Wᵀ + b} with {@code weight [out, in]} and {@code bias [out]}, PyTorch's {@code nn.Linear}. */
public final class Linear extends Layer {

  private final int in;
  private final int out;
  private final Parameter weight;
  /** Null for a layer without bias. */
  private final Parameter bias;
  private final float[] biasValues;

  /** @param random initialises weight and bias as PyTorch does (U(±1/√in)) */
  public Linear(String name, int in, int out, SplittableRandom random) {
    this(name, in, out, true, random);
  }

  /** As above; without {@code bias} the layer has no bias tensor (PyTorch's {@code bias=False}). */
  public Linear(String name, int in, int out, boolean bias, SplittableRandom random) {
    super(name, new int[] {in}, new int[] {out});
    this.in = in;
    this.out = out;
    weight = Parameter.weight(name + ".weight", LayerKind.LINEAR, 1, out, in);
    this.bias = bias ? Parameter.other(name + ".bias", LayerKind.LINEAR, out) : null;
    biasValues = bias ? this.bias.data() : new float[out];
    Init.uniformFanIn(weight.data(), bias ? this.bias.data() : null, in, random);
  }

  /** Output features. */
  public int outFeatures() {
    return out;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Linear(localName(), out, bias != null);
  }

  /** The bias values, zeros when there is no bias tensor. */
  public float[] biasValues() {
    return biasValues;
  }

  /** The weight tensor {@code [out, in]}. */
  public Parameter weight() {
    return weight;
  }

  /** The bias {@code [out]}, or null for a layer without one. */
  public Parameter bias() {
    return bias;
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
    s.input = x;
    // y[count×out] = x[count×in] · W[out×in]ᵀ, then + bias per row
    Blas.gemm(Transpose.N, Transpose.T, count, out, in, 1f, x, 0, in, weight.data(), 0, in,
        0f, s.output, 0, out);
    if (bias != null) {
      Elementwise.addRowBias(count, out, biasValues, s.output, 0);
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    State s = (State) context;
    s.outputGradient = dy;
    s.backwardCount = count;
    if (!s.deferWeightGradient) {
      // dW[out×in] = dy[count×out]ᵀ · x[count×in]
      Blas.gemm(Transpose.T, Transpose.N, out, in, count, 1f, dy, 0, out, s.input, 0, in,
          0f, s.gradients[0], 0, in);
    }
    // db = column sums of dy
    if (bias != null) {
      float[] db = s.gradients[1];
      java.util.Arrays.fill(db, 0f);
      for (int r = 0; r < count; r++) {
        Elementwise.axpy(out, 1f, dy, r * out, db, 0);
      }
    }
    if (!needInputGradient) {
      return null;
    }
    // dx[count×in] = dy[count×out] · W[out×in]
    Blas.gemm(Transpose.N, Transpose.N, count, in, out, 1f, dy, 0, out, weight.data(), 0, in,
        0f, s.inputGradient(), 0, in);
    return s.inputGradient;
  }

  /**
   * From now on {@code context}'s backward leaves the weight gradient to
   * {@link #addWeightGradient}: a data-parallel trainer then computes it once per element range over
   * all its shards, instead of every shard writing a whole gradient that is summed afterwards.
   */
  @Override
  public Parameter deferrableWeight() {
    return weight;
  }

  @Override
  public void deferWeightGradient(Context context) {
    ((State) context).deferWeightGradient = true;
  }

  /**
   * Elements {@code [from, to)} (row-major {@code [out, in]}) of the weight gradient of {@code context}'s
   * last backward pass, {@code dy[count×out]ᵀ · x[count×in]}, written to {@code dw} ({@code overwrite})
   * or added to it. Each element is the same sum over the samples as backward's own product, so
   * overwriting with one context and adding another's gives the bits of summing the two gradients.
   */
  @Override
  public void addWeightGradient(Context context, float[] dw, int from, int to, boolean overwrite) {
    State s = (State) context;
    if (from < 0 || to > out * in || from > to) {
      throw new IllegalArgumentException("weight gradient range " + from + ".." + to + " outside 0.." + out * in);
    }
    if (s.outputGradient == null) {
      throw new IllegalStateException(name() + ": no backward pass to take the weight gradient of");
    }
    float beta = overwrite ? 0f : 1f;
    int r0 = from / in, r1 = to / in;
    int c0 = from % in, c1 = to % in;
    if (r0 == r1) {
      rowsProduct(s, r0, 1, c0, c1 - c0, beta, dw);
      return;
    }
    if (c0 > 0) {
      // the first, partial row
      rowsProduct(s, r0, 1, c0, in - c0, beta, dw);
      r0++;
    }
    rowsProduct(s, r0, r1 - r0, 0, in, beta, dw);
    if (c1 > 0) {
      rowsProduct(s, r1, 1, 0, c1, beta, dw);
    }
  }

  /** {@code dw[rows r0.., cols c0..]} = dyᵀ·x on that block (+ beta·dw). */
  private void rowsProduct(State s, int r0, int rows, int c0, int cols, float beta, float[] dw) {
    if (rows == 0 || cols == 0) {
      return;
    }
    Blas.gemm(Transpose.T, Transpose.N, rows, cols, s.backwardCount, 1f, s.outputGradient, r0, out, s.input, c0,
        in, beta, dw, r0 * in + c0, in);
  }

  private final class State extends Context {
    final float[] output;
    float[] inputGradient;
    float[] input;
    float[] outputGradient;
    int backwardCount;
    boolean deferWeightGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      output = new float[capacity * out];
    }

    float[] inputGradient() {
      if (inputGradient == null) {
        inputGradient = new float[capacity * in];
      }
      return inputGradient;
    }
  }
}
