package org.admm4j.nn.inference;

import org.admm4j.kernels.Blas;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.Transpose;

/**
 * A fully connected layer with dense weights, laid out once for inference: {@code y = x·Wᵀ + b}, then
 * ReLU when the planner folded one in.
 *
 * <p>The training stack multiplies by the weights as stored ({@code out × in}, the transposed operand of
 * the product), which makes the GEMM repack all of W on every call: for the convnet's fc1 that is 800 K
 * floats moved for one image's 800 K multiply-adds. Here W is transposed once ({@code in × out}) with a
 * row pitch that is not a multiple of {@link #ALIASING_STRIDE}, so that the GEMM reads it in place for the
 * few-row products of inference (at most one chunk of images) instead of packing it.
 */
final class DenseLinearStep implements InferenceStep {

  /** Row pitches that are multiples of this many floats make the GEMM pack B (its rows alias in cache). */
  static final int ALIASING_STRIDE = 256;

  private final String name;
  private final int in;
  private final int out;
  private final int ld;
  private final float[] transposed;
  private final float[] bias;
  private final boolean relu;
  private final double density;

  /**
   * @param weight Not modified. {@code out × in}, row-major (PyTorch's layout).
   * @param bias Not modified; null for none.
   * @param density the share of non-zero weights, for {@link #describe}
   */
  DenseLinearStep(String name, int out, int in, float[] weight, float[] bias, boolean relu, double density) {
    this.name = name;
    this.in = in;
    this.out = out;
    this.ld = out % ALIASING_STRIDE == 0 ? out + 16 : out;
    this.transposed = new float[in * ld];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        transposed[i * ld + o] = weight[o * in + i];
      }
    }
    this.bias = bias == null ? null : bias.clone();
    this.relu = relu;
    this.density = density;
  }

  private record Output(float[] y) implements State {}

  @Override
  public State newState(int capacity) {
    return new Output(new float[capacity * out]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    float[] y = ((Output) state).y();
    Blas.gemm(Transpose.N, Transpose.N, count, out, in, 1f, x, 0, in, transposed, 0, ld, 0f, y, 0, out);
    if (bias != null) {
      Elementwise.addRowBias(count, out, bias, y, 0);
    }
    if (relu) {
      Elementwise.relu(count * out, y, 0, y, 0);
    }
    return y;
  }

  @Override
  public String describe() {
    return String.format("%s: dense linear %d×%d, %.2f%% of weights non-zero%s", name, out, in, 100 * density,
        relu ? ", ReLU fused" : "");
  }
}
