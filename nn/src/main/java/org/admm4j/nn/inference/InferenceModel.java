package org.admm4j.nn.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.SparseBlas;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModel;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.compact.CompactModels;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.Linear;

/**
 * A trained (typically pruned) model for JVM services: load it once, then classify images from any
 * number of threads at once.
 *
 * <pre>{@code
 * InferenceModel model = InferenceModel.load(Path.of("runs/x/model.safetensors"));
 * int digit = model.predict(image);            // image: 1×28×28 floats, normalised as in training
 * int[] digits = model.predictBatch(images, n); // n images back to back
 * }</pre>
 *
 * <p>The weights are copied at load and never change, so the model holds no shared mutable state; each
 * calling thread gets its own activation buffers (a {@link ThreadLocal}, made on the thread's first call),
 * and a call allocates nothing but its result on the sparse layers (dense layers run the training stack's
 * kernels, which may allocate a few ForkJoin tasks when they split a large product: JMH {@code -prof gc}
 * shows 5 B per batch-1 call and about 200 B per batch of 64 besides the result, for a 40×-pruned LeNet-5). Convolutions and fully connected layers run on the sparse
 * kernels where their weights are sparse enough ({@link Execution#AUTO}; see
 * {@code KernelParameters.SPARSE_*}), on the dense Java path otherwise. Batches run in chunks of
 * {@link #CHUNK} images on the calling thread.
 */
public final class InferenceModel {

  /** Images per forward pass: {@link #predictBatch} runs larger batches chunk by chunk. */
  public static final int CHUNK = 64;

  private final Model model;
  private final InferenceStep[] steps;
  private final ThreadLocal<Scratch> scratch;

  private InferenceModel(Model model, InferenceStep[] steps) {
    this.model = model;
    this.steps = steps;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(this));
  }

  /** Per-thread buffers: step states, the input chunk, and the logits of one chunk. */
  private static final class Scratch {
    final InferenceStep.State[] states;
    final float[] input;
    final float[] logits;

    Scratch(InferenceModel m) {
      states = new InferenceStep.State[m.steps.length];
      for (int i = 0; i < states.length; i++) {
        states[i] = m.steps[i].newState(CHUNK);
      }
      input = new float[CHUNK * m.model.inputSize()];
      logits = new float[CHUNK * m.model.classes()];
    }
  }

  /** {@link #load(Path, Execution)} with {@link Execution#AUTO}. */
  public static InferenceModel load(Path file) throws IOException {
    return load(file, Execution.AUTO);
  }

  /**
   * Loads a model from {@code model.safetensors} or a compact file (told apart by their first bytes); the
   * architecture is the metadata entry {@code model} (e.g. {@code lenet5}).
   *
   * @throws IOException when the file cannot be read, is invalid, names no known model or does not fit it
   */
  public static InferenceModel load(Path file, Execution execution) throws IOException {
    Map<String, String> metadata;
    Map<String, org.admm4j.nn.io.Tensor> tensors;
    if (isCompact(file)) {
      CompactModel m = CompactModelReader.read(file);
      metadata = m.metadata();
      tensors = m.tensors();
    } else {
      SafeTensorsFile f = SafeTensors.read(file);
      metadata = f.metadata();
      tensors = f.tensors();
    }
    String name = metadata.get("model");
    if (name == null || !Models.names().contains(name)) {
      throw new IOException(file + ": metadata entry 'model' is " + (name == null ? "missing" : "'" + name + "'")
          + "; expected one of " + Models.names());
    }
    Model model = Models.create(name, 0);
    CompactModels.copyInto(model, tensors, file.toString());
    return build(model, execution);
  }

  /**
   * An inference model over a copy of {@code model}'s current weights: later changes to {@code model}
   * do not reach it.
   */
  public static InferenceModel of(Model model, Execution execution) {
    Model copy;
    if (Models.names().contains(model.name())) {
      copy = Models.create(model.name(), 0);
      for (Parameter p : model.tensors()) {
        System.arraycopy(p.data(), 0, copy.parameter(p.name()).data(), 0, p.size());
      }
    } else {
      throw new IllegalArgumentException("model '" + model.name() + "' is not one of " + Models.names()
          + ": the inference model rebuilds the architecture by name");
    }
    return build(copy, execution);
  }

  private static boolean isCompact(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return Arrays.equals(head, new byte[] {'A', '4', 'J', 'C'});
    }
  }

  private static InferenceModel build(Model model, Execution execution) {
    model.setTraining(false);
    List<Layer> layers = model.layers();
    InferenceStep[] steps = new InferenceStep[layers.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step(layers.get(i), execution);
    }
    return new InferenceModel(model, steps);
  }

  private static InferenceStep step(Layer layer, Execution execution) {
    if (layer instanceof Linear linear) {
      int[] shape = linear.weight().shape();
      CsrMatrix w = CsrMatrix.fromDense(shape[0], shape[1], linear.weight().data());
      if (execution == Execution.SPARSE || (execution == Execution.AUTO && SparseBlas.prefersSparseLinear(w))) {
        return new SparseLinearStep(layer.name(), w, linear.bias().data());
      }
      return new LayerStep(layer, String.format("%s: dense linear, %.2f%% of weights non-zero", layer.name(),
          100 * w.density()));
    }
    if (layer instanceof Conv2d conv) {
      int[] shape = conv.weight().shape();
      CsrMatrix w = CsrMatrix.fromDense(shape[0], shape[1] * shape[2] * shape[3], conv.weight().data());
      if (execution == Execution.SPARSE || (execution == Execution.AUTO && SparseBlas.prefersSparseConv(w))) {
        ConvShape single = convShape(conv);
        if (single != null) {
          return new SparseConvStep(layer.name(), single, w, conv.bias().data());
        }
      }
      return new LayerStep(layer, String.format("%s: dense conv, %.2f%% of weights non-zero", layer.name(),
          100 * w.density()));
    }
    return new LayerStep(layer, layer.name() + ": " + layer.getClass().getSimpleName());
  }

  /**
   * The layer's stride and padding, which {@code Conv2d} does not expose: the (stride, padding) pairs that
   * give its output size are tried in order, each checked against the layer's own forward pass on a
   * random image; null (stay dense) when none reproduces it.
   */
  static ConvShape convShape(Conv2d conv) {
    int[] in = conv.inputShape(), out = conv.outputShape(), w = conv.weight().shape();
    int k = w[2];
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[conv.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    float[] expected = null;
    for (int stride = 1; stride <= k; stride++) {
      for (int pad = 0; pad < k; pad++) {
        if ((in[1] + 2 * pad - k) / stride + 1 != out[1] || (in[2] + 2 * pad - w[3]) / stride + 1 != out[2]
            || in[1] + 2 * pad < k || in[2] + 2 * pad < w[3]) {
          continue;
        }
        ConvShape shape = new ConvShape(1, in[0], in[1], in[2], out[0], k, w[3], stride, pad);
        if (expected == null) {
          LayerStep dense = new LayerStep(conv, "");
          expected = dense.forward(dense.newState(1), x, 1).clone();
        }
        CsrMatrix all = CsrMatrix.fromDense(out[0], in[0] * k * w[3], conv.weight().data());
        float[] y = new float[shape.outputSize()];
        SparseBlas.convForward(all, shape, x, conv.bias().data(), y, new float[SparseBlas.convWorkspaceSize(all, shape)]);
        boolean same = true;
        for (int i = 0; i < y.length && same; i++) {
          same = Math.abs(y[i] - expected[i]) <= 1e-4f * (1 + Math.abs(expected[i]));
        }
        if (same) {
          return shape;
        }
      }
    }
    return null;
  }

  /**
   * The class of one image: the index of the largest logit (the first on ties).
   *
   * @param image Not modified. {@link #inputSize()} floats, normalised as in training.
   * @throws IllegalArgumentException when the image is too short
   */
  public int predict(float[] image) {
    checkImages(image, 1);
    Scratch s = scratch.get();
    float[] logits = forward(s, image, 1);
    return Model.argmax(logits, 0, model.classes());
  }

  /**
   * The class of each of {@code count} images stored back to back.
   *
   * @param images Not modified. count × {@link #inputSize()} floats.
   * @throws IllegalArgumentException when images holds fewer than count images
   */
  public int[] predictBatch(float[] images, int count) {
    checkImages(images, count);
    int[] classes = new int[count];
    Scratch s = scratch.get();
    int size = model.inputSize(), k = model.classes();
    for (int from = 0; from < count; from += CHUNK) {
      int n = Math.min(CHUNK, count - from);
      float[] x = images;
      if (from > 0) {
        System.arraycopy(images, from * size, s.input, 0, n * size);
        x = s.input;
      }
      float[] logits = forward(s, x, n);
      for (int i = 0; i < n; i++) {
        classes[from + i] = Model.argmax(logits, i * k, k);
      }
    }
    return classes;
  }

  /**
   * Logits of {@code count} images into {@code out} (count × {@link #classes()} floats), allocating nothing.
   *
   * @param out Modified.
   */
  public void logits(float[] images, int count, float[] out) {
    checkImages(images, count);
    if (out == null || (long) count * model.classes() > out.length) {
      throw new IllegalArgumentException("out needs " + ((long) count * model.classes()) + " floats, has "
          + (out == null ? "none" : out.length));
    }
    Scratch s = scratch.get();
    int size = model.inputSize(), k = model.classes();
    for (int from = 0; from < count; from += CHUNK) {
      int n = Math.min(CHUNK, count - from);
      float[] x = images;
      if (from > 0) {
        System.arraycopy(images, from * size, s.input, 0, n * size);
        x = s.input;
      }
      float[] logits = forward(s, x, n);
      System.arraycopy(logits, 0, out, from * k, n * k);
    }
  }

  private float[] forward(Scratch s, float[] x, int count) {
    float[] a = x;
    for (int i = 0; i < steps.length; i++) {
      a = steps[i].forward(s.states[i], a, count);
    }
    return a;
  }

  private void checkImages(float[] images, int count) {
    if (images == null) {
      throw new IllegalArgumentException("images is null");
    }
    if (count < 0 || (long) count * model.inputSize() > images.length) {
      throw new IllegalArgumentException("need " + ((long) count * model.inputSize()) + " floats for " + count
          + " images of " + model.inputSize() + ", got " + images.length);
    }
  }

  /** The architecture's name, e.g. {@code lenet5}. */
  public String modelName() {
    return model.name();
  }

  /** Floats per image: C·H·W. */
  public int inputSize() {
    return model.inputSize();
  }

  /** Logits per image. */
  public int classes() {
    return model.classes();
  }

  /** One line per layer saying how it runs (sparse or dense, and its density). */
  public List<String> plan() {
    List<String> lines = new ArrayList<>();
    for (InferenceStep s : steps) {
      lines.add(s.describe());
    }
    return lines;
  }
}
