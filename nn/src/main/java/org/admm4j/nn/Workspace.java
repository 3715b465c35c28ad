package org.admm4j.nn;

import java.util.List;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.SoftmaxCrossEntropy;

/**
 * Everything one forward/backward pass over a batch of up to {@link #capacity()} samples needs,
 * allocated once: the input buffer, each layer's context and the gradient arrays backward writes. A
 * workspace is used by one thread at a time; data-parallel training gives each shard its own.
 */
public final class Workspace {

  private final Model model;
  private final int capacity;
  private final Layer.Context[] contexts;
  private final float[][] gradients;
  private final float[] input;
  private final int[] targets;
  private final float[] dLogits;
  private final int firstTrainable;
  private float[] logits;

  Workspace(Model model, int capacity, boolean useParameterGradients) {
    if (capacity < 1) {
      throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
    }
    this.model = model;
    this.capacity = capacity;
    List<Layer> layers = model.layers();
    List<Parameter> params = model.parameters();
    gradients = new float[params.size()][];
    for (int i = 0; i < gradients.length; i++) {
      gradients[i] = useParameterGradients ? params.get(i).grad() : new float[params.get(i).size()];
    }
    contexts = new Layer.Context[layers.size()];
    int g = 0;
    int first = layers.size();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      int np = layer.parameters().size();
      float[][] own = new float[np][];
      System.arraycopy(gradients, g, own, 0, np);
      g += np;
      if (np > 0 && first == layers.size()) {
        first = i;
      }
      contexts[i] = layer.newContext(capacity, own);
    }
    firstTrainable = first;
    input = new float[capacity * model.inputSize()];
    targets = new int[capacity];
    dLogits = new float[capacity * model.classes()];
  }

  /** The model this workspace runs. */
  public Model model() {
    return model;
  }

  /** Most samples per pass. */
  public int capacity() {
    return capacity;
  }

  /** Input buffer {@code [capacity × C·H·W]}: fill the first count samples before {@link #forward(int, boolean)}. */
  public float[] input() {
    return input;
  }

  /** Target class per sample, read by {@link #lossAndBackward}. */
  public int[] targets() {
    return targets;
  }

  /** Gradient arrays, in {@link Model#parameters()} order. */
  public float[][] gradients() {
    return gradients;
  }

  /** The context of layer {@code i} (for folding statistics across shards). */
  public Layer.Context context(int i) {
    return contexts[i];
  }

  /** Seeds random masks (dropout) of the next pass: training step and the first sample's batch position. */
  public void setPosition(long step, int firstSample) {
    for (Layer.Context c : contexts) {
      c.setPosition(step, firstSample);
    }
  }

  /** Forward pass of the first {@code count} samples of {@link #input()}; returns the logits buffer. */
  public float[] forward(int count, boolean training) {
    return forward(input, count, training);
  }

  /** Forward pass of {@code x}; returns the logits {@code [count × classes]} (a workspace buffer). */
  public float[] forward(float[] x, int count, boolean training) {
    float[] a = x;
    List<Layer> layers = model.layers();
    for (int i = 0; i < contexts.length; i++) {
      a = layers.get(i).forward(contexts[i], a, count, training);
    }
    logits = a;
    return a;
  }

  /**
   * Softmax cross-entropy of the last forward pass against {@link #targets()}, then backward with
   * {@code ∂L/∂logits} scaled by {@code gradScale} (1/batch for the batch mean). Returns the summed loss.
   */
  public double lossAndBackward(int count, float gradScale) {
    double loss = SoftmaxCrossEntropy.lossAndGradient(logits, count, model.classes(), targets, 0, gradScale,
        dLogits);
    backward(dLogits, count, false);
    return loss;
  }

  /**
   * As {@link #lossAndBackward(int, float)} with the distillation loss of
   * {@link SoftmaxCrossEntropy#distillationLossAndGradient} against {@code teacherLogits}
   * {@code [count × classes]}.
   */
  public double distillationLossAndBackward(int count, float gradScale, float[] teacherLogits, float alpha,
      float temperature) {
    double loss = SoftmaxCrossEntropy.distillationLossAndGradient(logits, teacherLogits, count, model.classes(),
        targets, 0, alpha, temperature, gradScale, dLogits);
    backward(dLogits, count, false);
    return loss;
  }

  /**
   * Backward pass from {@code dLogits} (may be overwritten) for the last forward pass. Writes every
   * parameter gradient; returns {@code ∂L/∂input} when {@code needInputGradient}, else null.
   */
  public float[] backward(float[] dLogits, int count, boolean needInputGradient) {
    List<Layer> layers = model.layers();
    float[] d = dLogits;
    int stop = needInputGradient ? 0 : firstTrainable;
    for (int i = contexts.length - 1; i >= stop; i--) {
      d = layers.get(i).backward(contexts[i], d, count, needInputGradient || i > firstTrainable);
    }
    return needInputGradient ? d : null;
  }

  /**
   * Folds the batch statistics of {@code shards} (in order) into the model's buffers. {@code scratch}
   * has {@code shards.length} entries (reused, so a training step allocates nothing).
   */
  public static void mergeStatistics(Workspace[] shards, int[] counts, Layer.Context[] scratch) {
    if (scratch.length != shards.length || counts.length != shards.length) {
      throw new IllegalArgumentException(shards.length + " shards need as many counts and scratch entries, got "
          + counts.length + " and " + scratch.length);
    }
    Model model = shards[0].model;
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).buffers().isEmpty()) {
        continue;
      }
      for (int k = 0; k < shards.length; k++) {
        scratch[k] = shards[k].contexts[i];
      }
      layers.get(i).mergeStatistics(scratch, counts);
    }
  }
}
