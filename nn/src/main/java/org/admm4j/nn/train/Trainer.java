package org.admm4j.nn.train;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.NnParameters;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.Workspace;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.optim.GradientFill;
import org.admm4j.nn.optim.Optimizer;

/**
 * Mini-batch training and evaluation of a {@link Model} with an {@link Optimizer}.
 *
 * <p>Parallelism ({@link Parallelism}): by default ({@link Parallelism#KERNELS}) the whole batch runs
 * through one {@link Workspace} whose backward writes straight into the parameters' gradients, and the
 * kernels split their work over {@link KernelThreads#pool()} (resized to {@code threads} workers).
 * With {@link Parallelism#DATA} each of {@code threads} shards owns a contiguous slice of the batch
 * ({@code [k·count/threads, (k+1)·count/threads)}), a workspace and its own gradient arrays; the
 * shards run on the pool and their gradients are summed in shard order. Either way a seed gives the same
 * bits for a given {@code threads}; in KERNELS mode also for any {@code threads}.
 */
public final class Trainer {

  private final Model model;
  private final Optimizer optimizer;
  private final int threads;
  private final int batchSize;
  private final Parallelism parallelism;
  private final Workspace[] shards;
  private final int[] shardCounts;
  private final Layer.Context[] mergeScratch;
  private final double[] shardLoss;
  private final int[] shardCorrect;
  private final List<Parameter> parameters;
  private final ShardTask[] tasks;
  private final ParallelStep parallelStep;
  private final java.util.IdentityHashMap<Parameter, Integer> parameterIndex = new java.util.IdentityHashMap<>();
  private final List<Parameter> untrained = new java.util.ArrayList<>();
  /** Weights whose gradient the shards leave to {@link #sumShards} ({@link Layer#deferrableWeight}), with their layer index. */
  private final java.util.IdentityHashMap<Parameter, Integer> deferred = new java.util.IdentityHashMap<>();
  private final GradientFill shardSum = this::sumShards;
  private Evaluator evaluator;
  private long step;

  // knowledge distillation: a frozen teacher run on each shard's input
  private Model teacher;
  private Workspace[] teacherShards;
  private float distillWeight;
  private float distillTemperature;

  private Augmentation augmentation = Augmentation.NONE;

  // the batch the shard tasks work on
  private float[] images;
  private byte[] labels;
  private int[] order;
  private int batchFrom;
  private int batchCount;

  /** A trainer in the default mode, {@link Parallelism#DATA} (the faster one measured). */
  public Trainer(Model model, Optimizer optimizer, int threads, int batchSize) {
    this(model, optimizer, threads, batchSize, Parallelism.DATA);
  }

  /**
   * @param threads workers of {@link KernelThreads#pool()} (set to this many if it differs) and, in
   *     {@link Parallelism#DATA} mode, the number of shards (≥ 1)
   * @param batchSize samples per step (≥ 1)
   */
  public Trainer(Model model, Optimizer optimizer, int threads, int batchSize, Parallelism parallelism) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.model = model;
    this.optimizer = optimizer;
    this.threads = threads;
    this.batchSize = batchSize;
    this.parameters = model.parameters();
    if (parallelism == null) {
      throw new IllegalArgumentException("parallelism must be KERNELS or DATA, not null");
    }
    this.parallelism = parallelism;
    if (KernelThreads.threads() != threads) {
      KernelThreads.setThreads(threads);
    }
    int shardCount = parallelism == Parallelism.DATA ? Math.min(threads, batchSize) : 1;
    int capacity = (batchSize + shardCount - 1) / shardCount;
    shards = new Workspace[shardCount];
    tasks = new ShardTask[shardCount];
    for (int k = 0; k < shardCount; k++) {
      // shard 0 writes the parameters' own gradient arrays: the sum then only adds the other shards
      shards[k] = model.newWorkspace(capacity, k == 0);
      tasks[k] = new ShardTask(k);
    }
    java.util.Set<Parameter> optimized = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    optimized.addAll(optimizer.parameters());
    for (int i = 0; i < parameters.size(); i++) {
      parameterIndex.put(parameters.get(i), i);
      if (!optimized.contains(parameters.get(i))) {
        untrained.add(parameters.get(i));
      }
    }
    if (shardCount > 1) {
      deferLinearWeightGradients(optimized);
    }
    shardCounts = new int[shardCount];
    mergeScratch = new Layer.Context[shardCount];
    shardLoss = new double[shardCount];
    shardCorrect = new int[shardCount];
    parallelStep = new ParallelStep();
  }

  public Model model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public int threads() {
    return threads;
  }

  public int batchSize() {
    return batchSize;
  }

  public Parallelism parallelism() {
    return parallelism;
  }

  /**
   * Trains against a mix of the labels and {@code teacher}'s softened predictions (see
   * {@link org.admm4j.nn.layers.SoftmaxCrossEntropy#distillationLossAndGradient}); the teacher runs in
   * inference mode on the same (augmented) images and is never changed. {@code teacher == null} or
   * {@code weight == 0} turns distillation off. Losses reported while it is on are the mixed loss.
   *
   * @param weight α in [0, 1], the soft term's share
   * @param temperature T &gt; 0
   */
  public void setTeacher(Model teacher, float weight, float temperature) {
    if (teacher == null || weight == 0) {
      this.teacher = null;
      this.teacherShards = null;
      return;
    }
    if (teacher == model) {
      throw new IllegalArgumentException("the teacher must be a separate model, not the one being trained");
    }
    if (teacher.inputSize() != model.inputSize() || teacher.classes() != model.classes()) {
      throw new IllegalArgumentException("teacher takes " + teacher.inputSize() + " inputs and gives "
          + teacher.classes() + " classes; the model takes " + model.inputSize() + " and gives " + model.classes());
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("distillation weight must be in [0, 1], got " + weight);
    }
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException("distillation temperature must be a positive number, got " + temperature);
    }
    teacher.setTraining(false);
    this.teacher = teacher;
    this.distillWeight = weight;
    this.distillTemperature = temperature;
    teacherShards = new Workspace[shards.length];
    for (int k = 0; k < shards.length; k++) {
      teacherShards[k] = teacher.newWorkspace(shards[k].capacity());
    }
  }

  /**
   * Shifts every training image by a random whole number of pixels, up to {@code maxShift} in each
   * direction (independently along x and y), filling the uncovered border with {@code fill} (the
   * normalised value of a blank pixel). The shift of a sample is a hash of (seed, optimizer step,
   * sample index), so a seed gives the same images for any thread count and on resume. 0 turns it off.
   */
  public void setAugmentation(int maxShift, float fill, long seed) {
    setAugmentation(Augmentation.shift(maxShift, fill, seed));
  }

  /** Changes the training images as {@code augmentation} draws them ({@link Augmentation#NONE}: off). */
  public void setAugmentation(Augmentation augmentation) {
    augmentation.check(model.inputChannels(), model.inputHeight(), model.inputWidth());
    this.augmentation = augmentation;
  }

  /** Optimizer steps taken so far (seeds dropout masks; restore it with {@link #setSteps} on resume). */
  public long steps() {
    return step;
  }

  public void setSteps(long steps) {
    this.step = steps;
  }

  /**
   * One pass over {@code order} in batches of {@link #batchSize()} (the last one may be shorter), one
   * optimizer step per batch.
   *
   * @param images {@code count × C·H·W} normalised floats
   * @param labels one class per image
   * @param order the sample indices of this epoch, in the order to train them
   */
  public EpochStats trainEpoch(float[] images, byte[] labels, int count, int[] order, ProgressListener listener) {
    checkData(images, labels, count);
    for (int idx : order) {
      if (idx < 0 || idx >= count) {
        throw new IllegalArgumentException("order holds sample " + idx + " outside 0.." + (count - 1));
      }
    }
    if (shards.length > 1 && !onPoolWorker()) {
      // The whole epoch runs as one task on a worker: each step's shards then fork from inside the
      // pool, one of them on this worker, instead of waking two workers from an outside thread that
      // then waits beside them (measured: +11% images/s at 2 threads, LeNet-5 batch 64).
      return pool().invoke(ForkJoinTask.adapt(() -> runEpoch(images, labels, order, listener)));
    }
    return runEpoch(images, labels, order, listener);
  }

  private EpochStats runEpoch(float[] images, byte[] labels, int[] order, ProgressListener listener) {
    long start = System.nanoTime();
    double lossSum = 0;
    long correct = 0;
    int total = order.length;
    model.setTraining(true);
    for (int from = 0; from < total; from += batchSize) {
      int n = Math.min(batchSize, total - from);
      lossSum += trainBatch(images, labels, order, from, n);
      for (int c : shardCorrect) {
        correct += c;
      }
      if (listener != null) {
        listener.batchDone(from + n, total, (float) (lossSum / (from + n)));
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new EpochStats(total == 0 ? 0 : lossSum / total, total == 0 ? 0 : 100.0 * correct / total,
        wall > 0 ? total / wall : 0, wall, total);
  }

  /**
   * One optimizer step on the samples {@code order[from .. from+count)}; returns their summed loss
   * (before the update). Gradients are those of the batch's mean loss. Runs in the model's current
   * mode ({@link Model#setTraining}; {@link #trainEpoch} switches to training mode first).
   */
  public double trainBatch(float[] images, byte[] labels, int[] order, int from, int count) {
    if (count < 1 || count > batchSize) {
      throw new IllegalArgumentException("batch of " + count + " samples; this trainer takes 1.." + batchSize);
    }
    this.images = images;
    this.labels = labels;
    this.order = order;
    this.batchFrom = from;
    this.batchCount = count;
    int k = shards.length;
    for (int s = 0; s < k; s++) {
      shardCounts[s] = (int) ((long) (s + 1) * count / k) - (int) ((long) s * count / k);
    }
    if (k == 1) {
      tasks[0].run();
    } else {
      parallelStep.reinitialize();
      pool().invoke(parallelStep);
    }
    if (!model.buffers().isEmpty()) {
      Workspace.mergeStatistics(shards, shardCounts, mergeScratch);
    }
    if (k == 1) {
      optimizer.step();
    } else {
      // the shards' gradients are summed block by block inside the optimizer's pass
      optimizer.step(shardSum);
      reduceUntrained();
    }
    step++;
    double loss = 0;
    for (int s = 0; s < k; s++) {
      loss += shardLoss[s];
    }
    this.images = null;
    this.labels = null;
    this.order = null;
    return loss;
  }

  /**
   * The optimized weights of layers that can defer them ({@link Layer#deferrableWeight}: linear layers) get
   * their gradients in the optimizer's pass
   * ({@link #sumShards}), each block computed over every shard's samples while the block is in cache:
   * LeNet-5's fc1 then skips two 1.6 MB gradients per step, written by the shards and read back to be
   * summed (measured: +3–7 % images/s at 2 threads, three alternations). The bits are those of the shards' sum.
   */
  private void deferLinearWeightGradients(java.util.Set<Parameter> optimized) {
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Parameter w = layers.get(i).deferrableWeight();
      if (w != null && optimized.contains(w)) {
        for (Workspace ws : shards) {
          layers.get(i).deferWeightGradient(ws.context(i));
        }
        deferred.put(w, i);
      }
    }
  }

  /**
   * Writes {@code p.grad()[from, to)} = the sum of the shards' gradients, shard 0 first for every
   * element, so the sum does not depend on which worker takes a block.
   */
  private void sumShards(Parameter p, int from, int to) {
    Integer layer = deferred.get(p);
    if (layer != null) {
      Layer owner = model.layers().get(layer);
      boolean first = true;
      for (int s = 0; s < shards.length; s++) {
        if (shardCounts[s] > 0) {
          owner.addWeightGradient(shards[s].context(layer), p.grad(), from, to, first);
          first = false;
        }
      }
      return;
    }
    int param = parameterIndex.get(p);
    float[] g = p.grad();
    float[] first = shards[0].gradients()[param];
    if (first != g) {
      System.arraycopy(first, from, g, from, to - from);
    }
    for (int s = 1; s < shards.length; s++) {
      Elementwise.axpy(to - from, 1f, shards[s].gradients()[param], from, g, from);
    }
  }

  /** Sums the gradients the optimizer does not read (frozen parameters), so every grad() is the batch's. */
  private void reduceUntrained() {
    for (Parameter p : untrained) {
      sumShards(p, 0, p.size());
    }
  }

  /**
   * Percent of {@code count} samples the model classifies right (evaluation mode); the samples are
   * split over as many shards as training uses.
   */
  public double accuracy(float[] images, byte[] labels, int count) {
    checkData(images, labels, count);
    if (evaluator == null) {
      evaluator = new Evaluator(model, shards.length, shards[0].capacity());
    }
    return evaluator.accuracy(images, labels, count);
  }

  private void checkData(float[] images, byte[] labels, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative sample count " + count);
    }
    if ((long) count * model.inputSize() > images.length) {
      throw new IllegalArgumentException(count + " samples of " + model.inputSize() + " floats need "
          + ((long) count * model.inputSize()) + " floats, images has " + images.length);
    }
    if (count > labels.length) {
      throw new IllegalArgumentException(count + " samples but only " + labels.length + " labels");
    }
  }

  private static boolean onPoolWorker() {
    Thread t = Thread.currentThread();
    return t instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) t).getPool() == pool();
  }

  private static ForkJoinPool pool() {
    return KernelThreads.pool();
  }

  /** Forward, loss and backward of one shard's slice of the current batch. */
  private final class ShardTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final int shard;

    ShardTask(int shard) {
      this.shard = shard;
    }

    @Override
    protected void compute() {
      run();
    }

    void run() {
      Workspace ws = shards[shard];
      int k = shards.length;
      int lo = (int) ((long) shard * batchCount / k);
      int n = shardCounts[shard];
      if (n == 0) {
        // a last batch shorter than the shard count leaves this shard idle
        for (float[] g : ws.gradients()) {
          java.util.Arrays.fill(g, 0f);
        }
        shardLoss[shard] = 0;
        shardCorrect[shard] = 0;
        return;
      }
      int size = model.inputSize();
      float[] in = ws.input();
      int[] targets = ws.targets();
      for (int i = 0; i < n; i++) {
        int idx = order[batchFrom + lo + i];
        if (!augmentation.active()) {
          System.arraycopy(images, idx * size, in, i * size, size);
        } else {
          augmentation.copy(images, idx, step, in, i, model.inputChannels(), model.inputHeight(),
              model.inputWidth());
        }
        int label = labels[idx] & 0xFF;
        if (label >= model.classes()) {
          throw new IllegalArgumentException("label " + label + " of sample " + idx + " is not below the model's "
              + model.classes() + " classes");
        }
        targets[i] = label;
      }
      ws.setPosition(step, lo);
      float[] logits = ws.forward(n, model.isTraining());
      int classes = model.classes();
      int correct = 0;
      for (int i = 0; i < n; i++) {
        if (Model.argmax(logits, i * classes, classes) == targets[i]) {
          correct++;
        }
      }
      shardCorrect[shard] = correct;
      if (teacher != null) {
        float[] soft = teacherShards[shard].forward(in, n, false);
        shardLoss[shard] = ws.distillationLossAndBackward(n, 1f / batchCount, soft, distillWeight,
            distillTemperature);
      } else {
        shardLoss[shard] = ws.lossAndBackward(n, 1f / batchCount);
      }
    }
  }

  /** Runs every shard task on the pool and waits for all of them. */
  private final class ParallelStep extends RecursiveAction {
    private static final long serialVersionUID = 1L;

    @Override
    protected void compute() {
      for (ShardTask t : tasks) {
        t.reinitialize();
      }
      invokeAll(tasks);
    }
  }
}
