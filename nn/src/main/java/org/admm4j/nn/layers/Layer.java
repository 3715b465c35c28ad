package org.admm4j.nn.layers;

import java.util.Arrays;
import java.util.List;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;

/**
 * One stage of a feed-forward network. A layer holds its parameters and knows its per-sample input and
 * output shapes; everything that depends on the batch (activations, saved inputs, kernel scratch) lives
 * in a {@link Context} made once per batch capacity by {@link #newContext}, so a training step allocates
 * nothing. Several contexts of one layer can run at once on different threads (data parallelism): each
 * owns its buffers and the gradient arrays it writes.
 */
public abstract class Layer {

  private final String name;
  private final int[] inputShape;
  private final int[] outputShape;

  /**
   * @param name prefix of the parameter names ({@code conv1}); may be empty for parameter-free layers
   * @param inputShape per-sample input dimensions ({@code [C, H, W]} or {@code [features]})
   * @param outputShape per-sample output dimensions
   */
  protected Layer(String name, int[] inputShape, int[] outputShape) {
    this.name = name;
    this.inputShape = inputShape.clone();
    this.outputShape = outputShape.clone();
  }

  /** The layer's name, the prefix of its parameters' names. */
  public final String name() {
    return name;
  }

  /** Per-sample input dimensions (a copy). */
  public final int[] inputShape() {
    return inputShape.clone();
  }

  /** Per-sample output dimensions (a copy). */
  public final int[] outputShape() {
    return outputShape.clone();
  }

  /** Floats per input sample. */
  public final int inputSize() {
    return volume(inputShape);
  }

  /** Floats per output sample. */
  public final int outputSize() {
    return volume(outputShape);
  }

  /** The layer's last name component: {@code conv1} for {@code block1.conv1}. */
  public final String localName() {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** The spec entry that rebuilds this layer (shapes come from the input it is given). */
  public abstract LayerSpec spec();

  /** Trainable tensors, in checkpoint order. */
  public List<Parameter> parameters() {
    return List.of();
  }

  /** Non-trainable state saved with the model (running statistics). */
  public List<Parameter> buffers() {
    return List.of();
  }

  /**
   * Buffers for batches of up to {@code capacity} samples.
   *
   * @param gradients one array per {@link #parameters()} entry, same sizes, that backward overwrites
   */
  public abstract Context newContext(int capacity, float[][] gradients);

  /**
   * Forward pass over {@code count ≤ capacity} samples of {@code x} ({@code count·inputSize()} floats).
   * Returns the output, which may be a context buffer or {@code x} itself; it stays valid until the next
   * forward call on the same context. Keeps what backward needs.
   */
  public abstract float[] forward(Context context, float[] x, int count, boolean training);

  /**
   * Backward pass for the last forward call: writes the parameter gradients of this batch into the
   * context's gradient arrays (overwriting them) and returns {@code ∂L/∂x} when {@code needInputGradient},
   * otherwise null. {@code dy} may be overwritten.
   */
  public abstract float[] backward(Context context, float[] dy, int count, boolean needInputGradient);

  /**
   * The weight whose gradient this layer can leave to {@link #addWeightGradient} (a data-parallel trainer
   * then computes it once over all its shards, block by block inside the optimizer's pass), or null.
   */
  public Parameter deferrableWeight() {
    return null;
  }

  /** From now on {@code context}'s backward leaves {@link #deferrableWeight()}'s gradient to {@link #addWeightGradient}. */
  public void deferWeightGradient(Context context) {
    throw new UnsupportedOperationException(name + " computes its weight gradients in backward");
  }

  /**
   * Elements {@code [from, to)} of {@link #deferrableWeight()}'s gradient of {@code context}'s last backward
   * pass, written to {@code dw} ({@code overwrite}) or added to it.
   */
  public void addWeightGradient(Context context, float[] dw, int from, int to, boolean overwrite) {
    throw new UnsupportedOperationException(name + " computes its weight gradients in backward");
  }

  /**
   * After a data-parallel step: folds batch statistics of the shards (in shard order) into the layer's
   * buffers. Default: nothing to fold.
   */
  public void mergeStatistics(Context[] shards, int[] counts) {}

  /** Product of the dimensions. */
  public static int volume(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
    }
    return (int) n;
  }

  static float[][] checkGradients(List<Parameter> params, float[][] gradients) {
    if (gradients.length != params.size()) {
      throw new IllegalArgumentException("expected " + params.size() + " gradient arrays, got " + gradients.length);
    }
    for (int i = 0; i < gradients.length; i++) {
      if (gradients[i].length != params.get(i).size()) {
        throw new IllegalArgumentException("gradient of " + params.get(i).name() + " has " + gradients[i].length
            + " floats, expected " + params.get(i).size());
      }
    }
    return gradients;
  }

  /**
   * Per-batch state of one layer: buffers sized for {@code capacity} samples and the gradient arrays
   * backward writes. Subclasses add their buffers.
   */
  public static class Context {

    /** Most samples a forward call may carry. */
    public final int capacity;

    /** Gradient arrays, one per parameter of the layer, in {@link Layer#parameters()} order. */
    public final float[][] gradients;

    /** Training step number and index of the first sample in the whole batch: seeds dropout masks. */
    long step;
    int firstSample;

    protected Context(int capacity, float[][] gradients) {
      if (capacity < 1) {
        throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
      }
      this.capacity = capacity;
      this.gradients = gradients;
    }

    /** Sets what seeds random masks for the next forward call: the step and the first sample's position. */
    public void setPosition(long step, int firstSample) {
      this.step = step;
      this.firstSample = firstSample;
    }

    void checkCount(int count) {
      if (count < 1 || count > capacity) {
        throw new IllegalArgumentException("batch of " + count + " samples; this context holds 1.." + capacity);
      }
    }
  }
}
