package org.admm4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.admm4j.admm.AdmmSolver;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.LayerTargets;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.StageTargets;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.admm.pipeline.AdmmIterationRecord;
import org.admm4j.admm.pipeline.DataFit;
import org.admm4j.admm.pipeline.Divergence;
import org.admm4j.admm.pipeline.EpochRecord;
import org.admm4j.admm.pipeline.LayerSummary;
import org.admm4j.admm.pipeline.Optimizers;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.RunRecords;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * A pruning run on Spark: the plan of a local {@link org.admm4j.admm.pipeline.PruneRun} (dense training, ADMM,
 * hard pruning, masked retraining) with the data split into P partitions. An epoch is, by default, P passes
 * over a partition's shard: the local epoch's optimizer steps ({@link EpochLength}). Dense training and
 * retraining average the partitions' tensors after every pass ({@link ParameterAveraging}); ADMM is global
 * consensus ({@link ConsensusAdmm}), the W-step beside each shard, the Z-step on the driver. The driver keeps the
 * consensus model, evaluates it on the test set after every epoch and iteration, and writes the same
 * report.json as a local run, with {@code admm_iterations[i].spark} added.
 *
 * <p>One partition with the local run's thread count gives the local run's bits. Not yet here: progressive
 * stages, distillation, and resuming a killed driver (a failed task is recomputed by Spark from the cached
 * or checkpointed states).
 */
public final class SparkPruneRun {

  private final JavaSparkContext sc;
  private final PrunePlan plan;
  private final SparkModelFactory models;
  private final ShardSource source;
  private final TrainingData data;
  private final int partitions;
  private final int threads;
  private Path out;
  private RunListener log = RunListener.SILENT;
  private String command = "";
  private int checkpointEvery = 5;
  private int syncBatches;
  private EpochLength epochLength = EpochLength.LOCAL_STEPS;
  private int trainLimit;
  private int testLimit;
  private final List<SparkFigures> figures = new ArrayList<>();

  private SparkPruneRun(JavaSparkContext sc, PrunePlan plan, SparkModelFactory models, ShardSource source,
      TrainingData data, int partitions, int threads) {
    this.sc = sc;
    this.plan = plan;
    this.models = models;
    this.source = source;
    this.data = data;
    this.partitions = partitions;
    this.threads = threads;
  }

  /**
   * @param source where the executors read the data (the same as {@code data}, which the driver holds for
   *     the test set and the report)
   * @param partitions P, the data partitions and tasks per round (≥ 1)
   * @param threads the kernel pool of every task's JVM (and the driver's)
   */
  public static SparkPruneRun of(JavaSparkContext sc, PrunePlan plan, SparkModelFactory models, ShardSource source,
      TrainingData data, int partitions, int threads) {
    if (partitions < 1 || threads < 1) {
      throw new IllegalArgumentException("partitions and threads must be at least 1, got " + partitions + " and "
          + threads);
    }
    return new SparkPruneRun(sc, plan, models, source, data, partitions, threads);
  }

  /** Model files and report.json go to {@code runFolder}. */
  public SparkPruneRun writeTo(Path runFolder) {
    this.out = runFolder;
    return this;
  }

  public SparkPruneRun log(RunListener listener) {
    this.log = listener;
    return this;
  }

  public SparkPruneRun command(String commandLine) {
    this.command = commandLine;
    return this;
  }

  /** Cut the state RDD's lineage every this many rounds (default 5). */
  public SparkPruneRun checkpointEvery(int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("checkpointEvery must be at least 1, got " + rounds);
    }
    this.checkpointEvery = rounds;
    return this;
  }

  /**
   * Dense training and retraining average the partitions every {@code batches} batches instead of after every
   * pass over the shard (0, the default). More rounds cost one aggregation each.
   */
  public SparkPruneRun syncBatches(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("syncBatches must be at least 0, got " + batches);
    }
    this.syncBatches = batches;
    return this;
  }

  /**
   * What an epoch of every phase is on a partition (default {@link EpochLength#LOCAL_STEPS}: P passes over the
   * shard, the local run's optimizer steps).
   */
  public SparkPruneRun epochLength(EpochLength length) {
    this.epochLength = java.util.Objects.requireNonNull(length, "epoch length");
    return this;
  }

  /** The image limits applied to the data, for the report. */
  public SparkPruneRun dataLimits(int train, int test) {
    this.trainLimit = train;
    this.testLimit = test;
    return this;
  }

  /** Spark's figures of every ADMM iteration so far. */
  public List<SparkFigures> sparkFigures() {
    return List.copyOf(figures);
  }

  public PruneResult run() throws IOException, RunException, ConfigException {
    if (!plan.stages().isEmpty()) {
      throw new RunException("progressive stages are not supported on Spark yet; run the plan's stages one by one");
    }
    if (plan.distillation().activeIn("admm") || plan.distillation().activeIn("retrain")) {
      if (plan.distillation().weight() > 0) {
        throw new RunException("distillation is not supported on Spark yet; set its weight to 0");
      }
    }
    long start = System.nanoTime();
    Model model;
    try {
      model = models.create(plan.model(), plan.seed());
    } catch (IllegalArgumentException e) {
      throw new RunException("model = " + plan.model() + ": " + e.getMessage());
    }
    DataFit.check(model, data, plan.model());
    if (data.trainCount() < partitions || data.testCount() == 0) {
      throw new RunException("dataset " + data.name() + " has " + data.trainCount() + " training images for "
          + partitions + " partitions and " + data.testCount() + " test images");
    }
    TaskKernels.use(threads);
    List<PrunedLayer> pruned = prunedLayers(model);
    List<String> blockNames = pruned.stream().map(l -> l.weight().name()).collect(Collectors.toList());
    ModelLayout all = ModelLayout.allFree(model);
    ModelLayout consensus = ModelLayout.of(model, blockNames);
    int passes = epochLength.passes(partitions);
    TaskSettings task = TaskSettings.of(plan, models, threads, syncBatches, passes);
    int rounds = task.roundsPerEpoch((data.trainCount() + partitions - 1) / partitions);
    RunRecords records = new RunRecords(plan, data, threads, command, trainLimit, testLimit);
    log.line(String.format(Locale.ROOT, "spark %s: %d partitions of ~%d images, %d threads per task, averaging %s,"
        + " %d pass%s over the shard an epoch", sc.master(), partitions,
        data.trainCount() / partitions, threads,
        (syncBatches == 0 ? "after every pass" : "every " + syncBatches + " batches") + " (" + rounds
            + " rounds an epoch)",
        passes, passes == 1 ? "" : "es"));

    ShardSource src = source;
    int p = partitions;
    JavaRDD<Shard> shards = sc.parallelize(IntStream.range(0, p).boxed().collect(Collectors.toList()), p)
        .map(k -> Shard.of(src.load(), k, p)).persist(StorageLevel.MEMORY_ONLY());
    long loaded = shards.map(Shard::count).reduce(Integer::sum);
    if (loaded != data.trainCount()) {
      throw new RunException("the executors read " + loaded + " training images of " + data.name() + ", the driver "
          + data.trainCount() + ": they must see the same data");
    }

    // dense training: parameter averaging
    TrainingSchedule dense = plan.dense();
    JavaRDD<ConsensusState> states = shards.map(s -> ConsensusState.start(s.partition(), new float[0][],
        new float[0][], null));
    ParameterAveraging<Shard> averaging = new ParameterAveraging<>(sc, shards, states, all.free(model),
        NetworkTraining.averaging(task, TaskSettings.Schedule.of(dense), all, 0, null, null, rounds), checkpointEvery);
    double baseline = Double.NaN;
    for (int e = 0; e < dense.epochs(); e++) {
      EpochRounds r = epoch(averaging, e, rounds);
      all.load(model, null, r.mean());
      diverged("dense epoch " + (e + 1) + "/" + dense.epochs(), r.loss(), model,
          Divergence.lower("dense.lr", dense.lr()));
      double acc = accuracy(model);
      baseline = acc;
      EpochRecord rec = new EpochRecord(e + 1, r.loss(), acc, dense.lrAt(e, dense.epochs()),
          r.samples() / r.seconds(), r.seconds());
      records.dense(rec);
      log.line(String.format(Locale.ROOT, "dense   epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, dense.epochs(), rec.loss(), rec.imagesPerSecond(), acc, rec.seconds()));
    }
    if (dense.epochs() == 0) {
      baseline = accuracy(model);
    }
    records.baseline(baseline);
    if (out != null) {
      SafeTensors.saveModel(model, out.resolve("dense.safetensors"),
          ModelMetadata.of(model, data.normalization(), Map.of("phase", "dense")));
    }
    log.line(String.format(Locale.ROOT, "baseline (dense) test accuracy %.2f%%", baseline));

    // ADMM: global consensus, the sparsity set as Z's constraint
    records.histogramsBefore(pruned);
    TrainingSchedule w = plan.admm();
    int iterations = plan.admmIterations(0);
    float[][] x0 = consensus.consensus(model);
    float[][] free0 = consensus.free(model);
    JavaRDD<ConsensusState> admmStart = averaging.states().map(s -> ConsensusState.start(s.partition(), x0,
        new float[0][], new LocalTraining(null, ((LocalTraining) s.local()).steps())));
    if (dense.epochs() == 0) {
      admmStart = shards.map(s -> ConsensusState.start(s.partition(), x0, new float[0][], new LocalTraining(null, 0)));
    }
    int[] keep = pruned.stream().mapToInt(PrunedLayer::keep).toArray();
    ConsensusAdmm<Shard> admm = new ConsensusAdmm<>(sc, shards, admmStart, keep, x0, free0,
        NetworkTraining.wStep(task, TaskSettings.Schedule.of(w).times(passes), consensus,
            iterations * w.epochs() * passes, dense.epochs() * passes),
        checkpointEvery);
    averaging.close();
    // mean U, tracked on the driver (ū' = mean(W + U) − Z), to evaluate mean W = mean(W + U) − ū each iteration
    float[][] ubar = zeros(x0);
    for (int k = 0; k < iterations; k++) {
      double rho = plan.rho(0).at(k);
      // the local problem is min f(W) + ρ/2‖W − Z + U‖² with f the mean loss over all samples, i.e. the mean of
      // the partitions' mean losses f_k; consensus ADMM (Boyd §7.1) sums its f_k, so ρ·P gives the same problem
      ConsensusAdmm.Iteration it = admm.iterate(k, rho * partitions);
      figures.add(it.spark());
      // the mean W the driver evaluates: mean(W + U) − ū_old, and ū_new = mean(W + U) − Z (the U-step's mean)
      float[][] m = admm.meanXPlusU();
      float[][] z = admm.z();
      float[][] wbarApprox = new float[m.length][];
      for (int j = 0; j < m.length; j++) {
        wbarApprox[j] = new float[m[j].length];
        for (int i = 0; i < m[j].length; i++) {
          wbarApprox[j][i] = m[j][i] - ubar[j][i];
          ubar[j][i] = m[j][i] - z[j][i];
        }
      }
      consensus.load(model, wbarApprox, admm.freeMean());
      diverged("admm iteration " + (k + 1) + "/" + iterations, it.loss(), model,
          Divergence.lowerAdmm(w.lr(), rho));
      double acc = accuracy(model);
      Map<String, Double> primal = new LinkedHashMap<>();
      Map<String, Double> dual = new LinkedHashMap<>();
      double primalSq = 0;
      double dualSq = 0;
      for (int j = 0; j < pruned.size(); j++) {
        primal.put(pruned.get(j).name(), it.primal()[j]);
        // back to the mean objective's scale: ρ·sqrt(P)·‖Z − Z_prev‖
        double d = it.dual()[j] / partitions;
        dual.put(pruned.get(j).name(), d);
        primalSq += it.primal()[j] * it.primal()[j];
        dualSq += d * d;
      }
      double sec = it.spark().iterationSeconds();
      AdmmIterationRecord rec = new AdmmIterationRecord(k + 1, rho, it.loss(), acc,
          w.lrAt((k + 1) * w.epochs() - 1, iterations * w.epochs()), it.samples() / sec, primal, dual, sec,
          it.zSeconds());
      records.admm(rec);
      SparkFigures f = it.spark();
      log.line(String.format(Locale.ROOT,
          "admm    iter  %2d/%d  rho %.4g  loss %.4f  test %.2f%%  |W-Z| %.4f  rho|dZ| %.4g  w-step %.2f s  spark %.3f s"
              + " (%.1f%%)",
          k + 1, iterations, rho, it.loss(), acc, Math.sqrt(primalSq), Math.sqrt(dualSq), f.slowestWstep(),
          f.overheadSeconds(), 100 * f.overheadSeconds() / Math.max(1e-9, f.slowestWstep())));
    }

    // hard pruning of the consensus model (mean W) to Z's (or W's) support
    float[][] wbar = admm.meanX();
    consensus.load(model, wbar, admm.freeMean());
    float[][] z = admm.z();
    for (int j = 0; j < pruned.size(); j++) {
      System.arraycopy(z[j], 0, pruned.get(j).z(), 0, z[j].length);
    }
    new AdmmSolver(pruned).hardPrune(plan.hardPrune());
    double hardAcc = accuracy(model);
    records.hardPruned(hardAcc);
    log.line(String.format(Locale.ROOT, "hard-pruned to %s's support: test %.2f%% before retraining",
        plan.hardPrune().name(), hardAcc));

    // masked retraining, the pruned weights exactly 0 on every partition
    float[][] masks = new float[pruned.size()][];
    for (int j = 0; j < masks.length; j++) {
      masks[j] = pruned.get(j).mask();
    }
    int retrainOffset = (dense.epochs() + iterations * w.epochs()) * passes;
    TrainingSchedule r = plan.retrain(0);
    JavaRDD<ConsensusState> retrainStart = admm.states().map(s -> ConsensusState.start(s.partition(),
        new float[0][], new float[0][], new LocalTraining(null, ((LocalTraining) s.local()).steps())));
    ParameterAveraging<Shard> retrain = new ParameterAveraging<>(sc, shards, retrainStart, all.free(model),
        NetworkTraining.averaging(task, TaskSettings.Schedule.of(r), all, retrainOffset, consensus, masks, rounds),
        checkpointEvery);
    // the retraining states are computed (from the ADMM ones, whose step counts they carry)
    admm.close();
    for (int e = 0; e < r.epochs(); e++) {
      EpochRounds round = epoch(retrain, e, rounds);
      all.load(model, null, round.mean());
      diverged("retrain epoch " + (e + 1) + "/" + r.epochs(), round.loss(), model,
          Divergence.lower("retrain.lr", r.lr()));
      double acc = accuracy(model);
      EpochRecord rec = new EpochRecord(e + 1, round.loss(), acc, r.lrAt(e, r.epochs()),
          round.samples() / round.seconds(), round.seconds());
      records.retrain(rec);
      log.line(String.format(Locale.ROOT, "retrain epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, r.epochs(), rec.loss(), rec.imagesPerSecond(), acc, rec.seconds()));
    }
    retrain.close();
    shards.unpersist(false);
    PruneResult result = records.finish(model, pruned, out, (System.nanoTime() - start) / 1e9, log);
    if (result.reportJson() != null) {
      SparkReport.add(result.reportJson(), new SparkReport.Run(sc.master(), sc.version(), partitions, threads,
          epochLength, passes, syncBatches),
          figures);
    }
    return result;
  }

  private static float[][] zeros(float[][] like) {
    float[][] z = new float[like.length][];
    for (int j = 0; j < z.length; j++) {
      z[j] = new float[like[j].length];
    }
    return z;
  }

  /** The pruned layers of the driver's model, with the plan's targets (stage 1). */
  private List<PrunedLayer> prunedLayers(Model model) throws ConfigException {
    List<LayerTargets.Candidate> candidates = new ArrayList<>();
    Map<String, Parameter> prunable = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      if (LayerSummary.isPrunable(p)) {
        candidates.add(new LayerTargets.Candidate(LayerSummary.layerName(p), p.kind(), p.size()));
        prunable.put(LayerSummary.layerName(p), p);
      }
    }
    List<PrunedLayer> layers = new ArrayList<>();
    for (Map.Entry<String, Integer> e : StageTargets.resolve(plan, candidates).get(0).entrySet()) {
      layers.add(new PrunedLayer(e.getKey(), prunable.get(e.getKey()), e.getValue()));
    }
    return layers;
  }

  /**
   * Stops the run after a phase step whose loss or mean tensors are not finite, with the local run's message. A
   * Spark run keeps no resumable checkpoint of its own (its RDD checkpoints only cut lineage).
   */
  private static void diverged(String where, double loss, Model model, String remedy) throws RunException {
    Divergence.check(where, loss, model, remedy, null, false);
  }

  private double accuracy(Model model) {
    Trainer t = new Trainer(model, Optimizers.create(plan.dense(), model.parameters()), threads, plan.batch());
    return t.accuracy(data.testImages(), data.testLabels(), data.testCount());
  }

  /** One epoch's averaging rounds: the mean after the last, the samples, loss and seconds over all of them. */
  private record EpochRounds(float[][] mean, double loss, long samples, double seconds) {}

  private static EpochRounds epoch(ParameterAveraging<Shard> averaging, int epoch, int rounds) {
    float[][] mean = null;
    double loss = 0, seconds = 0;
    long samples = 0;
    for (int i = 0; i < rounds; i++) {
      ParameterAveraging.Round r = averaging.round(epoch * rounds + i);
      mean = r.mean();
      if (r.samples() > 0) {
        loss += r.loss() * r.samples();
      }
      samples += r.samples();
      seconds += r.seconds();
    }
    return new EpochRounds(mean, samples == 0 ? Double.NaN : loss / samples, samples, seconds);
  }

}
