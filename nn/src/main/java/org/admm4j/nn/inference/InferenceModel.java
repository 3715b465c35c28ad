package org.admm4j.nn.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.spec.ModelSpec;

/**
 * A trained (typically pruned) model for JVM services: load it once, then classify images from any
 * number of threads at once.
 *
 * <pre>{@code
 * InferenceModel model = InferenceModel.load(Path.of("runs/x/model.safetensors")); // any network
 * int digit = model.predict(image);            // image: C×H×W floats, normalised as model.normalization() says
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
 * {@link #CHUNK} images.
 *
 * <p>Threads: a call whose work is small (under {@link #INLINE_MACS} multiply-adds, e.g. one image through
 * a pruned LeNet-5) runs on the calling thread alone, since waking a kernel worker costs as much as the
 * call itself. A chunk with enough work (at least {@link #SLICE_MACS}) is cut into slices of
 * {@link #SLICE} images that the kernel pool ({@code KernelThreads.pool()}) runs side by side, each slice
 * on one worker with the slice's own buffers (made once per calling thread, as its other buffers). Whether a chunk is sliced depends only on the model and
 * the batch size, never on the number of threads, so the logits' bits do not depend on it either.
 */
public final class InferenceModel {

  /** Images per forward pass: {@link #predictBatch} runs larger batches chunk by chunk. */
  public static final int CHUNK = 64;

  /** Images per slice of a chunk run in parallel. */
  static final int SLICE = 16;

  /** Multiply-adds below which a call runs on the calling thread alone. */
  static final long INLINE_MACS = 4_000_000L;

  /** Multiply-adds from which a chunk of more than {@link #SLICE} images is sliced. */
  static final long SLICE_MACS = 4_000_000L;

  /** Multiply-adds of one image: each weight tensor's non-zeros times the positions it is applied at. */
  private final long macsPerImage;

  private final Model model;
  private final InputNormalization normalization;
  private final InferenceStep[] steps;
  private final ThreadLocal<Scratch> scratch;

  private InferenceModel(Model model, InputNormalization normalization, InferenceStep[] steps) {
    this.model = model;
    this.normalization = normalization;
    this.steps = steps;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(this));
    // (Scratch holds no reference back to this model between calls: a value that reached its ThreadLocal key
    // would keep the model, and its buffers, alive in every thread that ever used it)
    long macs = 0;
    for (Parameter p : model.weights()) {
      macs += (long) p.countNonZero() * p.macsPerWeight();
    }
    this.macsPerImage = macs;
  }

  /**
   * Per-thread buffers: step states, the input chunk, the logits of one chunk, and the slice tasks this
   * thread hands to the pool (made once, reinitialised per call, so that a sliced call allocates no task).
   * Nothing here refers to the model once a call returns, so that the thread-local entry goes stale, and is
   * freed, when the model is dropped.
   */
  private static final class Scratch {
    final InferenceStep.State[] states;
    final float[] input;
    final float[] logits;
    final SlicedChunk sliced;

    Scratch(InferenceModel m) {
      states = m.newStates(CHUNK);
      input = new float[CHUNK * m.model.inputSize()];
      logits = new float[CHUNK * m.model.classes()];
      sliced = new SlicedChunk();
    }
  }

  /**
   * One slice of a chunk: its images' logits into the chunk's logits. The slice owns its buffers (made on
   * its first use, for {@link #SLICE} images), so whichever worker runs it needs none of its own: pool
   * threads keep no per-model state that would outlive the model.
   */
  private static final class Slice extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    transient InferenceModel model;
    transient float[] x;
    transient float[] out;
    int from;
    int n;
    private transient InferenceStep.State[] states;
    private transient float[] input;

    @Override
    protected void compute() {
      int size = model.model.inputSize(), k = model.model.classes();
      if (states == null) {
        states = model.newStates(SLICE);
        input = new float[SLICE * size];
      }
      System.arraycopy(x, from * size, input, 0, n * size);
      float[] logits = model.forward(states, input, n);
      System.arraycopy(logits, 0, out, from * k, n * k);
    }
  }

  /** A chunk's slices, forked from inside the pool and joined there. */
  private static final class SlicedChunk extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    final transient Slice[] slices = new Slice[(CHUNK + SLICE - 1) / SLICE];
    int count;

    SlicedChunk() {
      for (int i = 0; i < slices.length; i++) {
        slices[i] = new Slice();
      }
    }

    void prepare(InferenceModel model, float[] x, int n, float[] out) {
      count = (n + SLICE - 1) / SLICE;
      for (int i = 0; i < count; i++) {
        Slice t = slices[i];
        t.reinitialize();
        t.model = model;
        t.x = x;
        t.out = out;
        t.from = i * SLICE;
        t.n = Math.min(SLICE, n - i * SLICE);
      }
    }

    /** Drops the call's model and arrays: the thread's scratch must not keep them alive. */
    void release() {
      for (Slice t : slices) {
        t.model = null;
        t.x = null;
        t.out = null;
      }
    }

    @Override
    protected void compute() {
      for (int i = count - 1; i > 0; i--) {
        slices[i].fork();
      }
      slices[0].compute();
      for (int i = 1; i < count; i++) {
        slices[i].join();
      }
    }
  }

  /** {@link #load(Path, Execution)} with {@link Execution#AUTO}. */
  public static InferenceModel load(Path file) throws IOException {
    return load(file, Execution.AUTO);
  }

  /**
   * Loads any model file admm4j wrote ({@code .safetensors} or compact, told apart by their first bytes):
   * the architecture comes from the file's spec (or the zoo model it names), the input normalisation
   * from its metadata ({@link #normalization()}).
   *
   * @throws IOException when the file cannot be read, is invalid, or carries no architecture it fits
   */
  public static InferenceModel load(Path file, Execution execution) throws IOException {
    StoredModel stored = ModelFiles.read(file);
    return build(stored.model(), stored.normalization(), execution);
  }

  /**
   * An inference model over a copy of {@code model}'s current weights: later changes to {@code model}
   * do not reach it.
   */
  public static InferenceModel of(Model model, Execution execution) {
    return of(model, null, execution);
  }

  /** As {@link #of(Model, Execution)}, recording the input normalisation the model expects (may be null). */
  public static InferenceModel of(Model model, InputNormalization normalization, Execution execution) {
    Model copy = model.spec().build(0);
    for (Parameter p : model.tensors()) {
      System.arraycopy(p.data(), 0, copy.parameter(p.name()).data(), 0, p.size());
    }
    return build(copy, normalization, execution);
  }

  private static InferenceModel build(Model model, InputNormalization normalization, Execution execution) {
    model.setTraining(false);
    List<InferenceStep> steps = StepPlanner.plan(model.layers(), execution);
    return new InferenceModel(model, normalization, steps.toArray(new InferenceStep[0]));
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
    float[] logits = chunk(s, image, 1);
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
      float[] logits = chunk(s, x, n);
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
      float[] logits = chunk(s, x, n);
      System.arraycopy(logits, 0, out, from * k, n * k);
    }
  }

  /** The logits of one chunk of {@code count} ≤ {@link #CHUNK} images: inline, sliced, or as is. */
  private float[] chunk(Scratch s, float[] x, int count) {
    long work = count * macsPerImage;
    if (count > SLICE && work >= SLICE_MACS) {
      ForkJoinPool pool = KernelThreads.forkPool();
      s.sliced.prepare(this, x, count, s.logits);
      try {
        if (pool != null && pool.getParallelism() > 1) {
          s.sliced.reinitialize();
          pool.invoke(s.sliced);
        } else {
          // the same slices one after the other: the same bits as on the pool
          KernelThreads.beginInline();
          try {
            for (int i = 0; i < s.sliced.count; i++) {
              s.sliced.slices[i].compute();
            }
          } finally {
            KernelThreads.endInline();
          }
        }
      } finally {
        s.sliced.release();
      }
      return s.logits;
    }
    if (work < INLINE_MACS) {
      KernelThreads.beginInline();
      try {
        return forward(s.states, x, count);
      } finally {
        KernelThreads.endInline();
      }
    }
    return forward(s.states, x, count);
  }

  private InferenceStep.State[] newStates(int capacity) {
    InferenceStep.State[] states = new InferenceStep.State[steps.length];
    for (int i = 0; i < states.length; i++) {
      states[i] = steps[i].newState(capacity);
    }
    return states;
  }

  private float[] forward(InferenceStep.State[] states, float[] x, int count) {
    float[] a = x;
    for (int i = 0; i < steps.length; i++) {
      a = steps[i].forward(states[i], a, count);
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

  /** The per-sample input shape, {@code [C, H, W]} or {@code [features]}. */
  public int[] inputShape() {
    return model.inputShape();
  }

  /** The architecture this model runs. */
  public ModelSpec spec() {
    return model.spec();
  }

  /**
   * The normalisation the model's inputs need (pixels in [0, 1], then per channel), as its file records
   * it; null when unknown.
   */
  public InputNormalization normalization() {
    return normalization;
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
