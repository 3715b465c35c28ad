package org.admm4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.admm.pipeline.DataFit;
import org.admm4j.admm.pipeline.Divergence;
import org.admm4j.admm.pipeline.EpochRecord;
import org.admm4j.admm.pipeline.LayerSummary;
import org.admm4j.admm.pipeline.Optimizers;
import org.admm4j.admm.pipeline.Phase;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneListener.Control;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.RunRecords;
import org.admm4j.admm.pipeline.RunState;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
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
 * <p>With a run folder, the driver writes a local run's checkpoint ({@link Checkpoint}) after every dense epoch,
 * ADMM iteration and retraining epoch, before the event that announces it ({@link #listener}): the consensus
 * model, Z and the mean U, the masks, the records, and every partition's W_k, U_k and optimizer state collected
 * from the executors ({@link PartitionTensors}, {@link SparkRunState}). A new driver continues from it
 * ({@link #resume}) with the bits of the uninterrupted run: the data order depends only on (partition seed,
 * pass index), the learning rate and ρ only on the index, and everything else that changes is saved. One
 * partition with the local run's thread count gives the local run's bits. The run folder may be on a Hadoop file
 * system ({@link #writeTo(HadoopRunFolder)}): the driver writes a local staging folder and publishes every
 * checkpoint there, so a driver on another machine can resume it. Not yet here: progressive stages and
 * distillation.
 */
public final class SparkPruneRun {

  /** {@code local}, {@code local[N]}, {@code local[N,F]}: the cores are the shape, F (task retries) is not. */
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[([^,\\]]+)(?:,[^\\]]*)?])?");

  private final JavaSparkContext sc;
  private final PrunePlan plan;
  private final SparkModelFactory models;
  private final ShardSource source;
  private final TrainingData data;
  private final int partitions;
  private final int threads;
  private final boolean resuming;
  private Path out;
  /** The Hadoop folder the run folder is published to, or null (a local folder). */
  private HadoopRunFolder remote;
  private RunListener log = RunListener.SILENT;
  private PruneListener events = PruneListener.NONE;
  private String command = "";
  private int checkpointEvery = 5;
  private int syncBatches;
  private EpochLength epochLength = EpochLength.LOCAL_STEPS;
  private int trainLimit;
  private int testLimit;
  private final List<SparkFigures> figures = new ArrayList<>();

  // one run's pieces, set by run()
  private Model model;
  private List<PrunedLayer> pruned;
  private List<String> blockNames;
  private ModelLayout consensus;
  private RunRecords records;
  private Checkpoint checkpoint;
  private final List<Broadcast<ConsensusState>> restored = new ArrayList<>();

  private SparkPruneRun(JavaSparkContext sc, PrunePlan plan, SparkModelFactory models, ShardSource source,
      TrainingData data, int partitions, int threads, Path resumeFrom, HadoopRunFolder remote) {
    this.sc = sc;
    this.plan = plan;
    this.models = models;
    this.source = source;
    this.data = data;
    this.partitions = partitions;
    this.threads = threads;
    this.resuming = resumeFrom != null;
    this.out = resumeFrom;
    this.remote = remote;
  }

  /**
   * @param source where the executors read the data (the same as {@code data}, which the driver holds for
   *     the test set and the report)
   * @param partitions P, the data partitions and tasks per round (≥ 1)
   * @param threads the kernel pool of every task's JVM (and the driver's)
   */
  public static SparkPruneRun of(JavaSparkContext sc, PrunePlan plan, SparkModelFactory models, ShardSource source,
      TrainingData data, int partitions, int threads) {
    check(partitions, threads);
    return new SparkPruneRun(sc, plan, models, source, data, partitions, threads, null, null);
  }

  /**
   * Continues the Spark run whose checkpoint is in {@code runFolder}, with its saved plan, epoch length and
   * averaging interval, on as many partitions and threads as it ran on and a master of the same shape (the
   * cores of {@code local[N]}, the workers of {@code local-cluster[W,C,MB]}, the cluster manager otherwise),
   * so that its report describes one cluster.
   *
   * @throws RunException if that run has finished, did not run on Spark, or ran on another partition count,
   *     pool size or master shape (naming what it ran on and what this one has)
   */
  public static SparkPruneRun resume(JavaSparkContext sc, Path runFolder, SparkModelFactory models,
      ShardSource source, TrainingData data, int partitions, int threads) throws IOException, RunException {
    return resume(sc, runFolder, null, models, source, data, partitions, threads);
  }

  /**
   * {@link #resume(JavaSparkContext, Path, SparkModelFactory, ShardSource, TrainingData, int, int)} for the run in
   * a Hadoop folder, {@link HadoopRunFolder#download downloaded} to its staging folder; it publishes there again.
   */
  public static SparkPruneRun resume(JavaSparkContext sc, HadoopRunFolder folder, SparkModelFactory models,
      ShardSource source, TrainingData data, int partitions, int threads) throws IOException, RunException {
    return resume(sc, folder.local(), folder, models, source, data, partitions, threads);
  }

  private static SparkPruneRun resume(JavaSparkContext sc, Path runFolder, HadoopRunFolder remote,
      SparkModelFactory models, ShardSource source, TrainingData data, int partitions, int threads)
      throws IOException, RunException {
    check(partitions, threads);
    String shown = remote != null ? remote.uri() : runFolder.toString();
    RunState saved = PruneRun.saved(runFolder);
    if (saved.phase() == Phase.DONE) {
      throw new RunException("the run in " + shown + " has already finished; nothing to resume");
    }
    SparkRunState spark = SparkRunState.of(saved, runFolder);
    if (spark.partitions() != partitions) {
      throw new RunException("the run in " + shown + " ran on " + spark.partitions() + " partitions, this one"
          + " has " + partitions + ": resume it on " + spark.partitions() + " (each partition's W, U and optimizer"
          + " state belong to its shard of the data)");
    }
    if (!masterShape(sc.master()).equals(masterShape(spark.master()))) {
      throw new RunException("the run in " + shown + " ran on Spark master " + spark.master() + ", this one on "
          + sc.master() + ": resume it on a master of the shape " + masterShape(spark.master()) + " (found "
          + masterShape(sc.master()) + ")");
    }
    if (saved.threads() != threads) {
      throw new RunException("the run in " + shown + " ran on " + saved.threads() + " threads per task; resume"
          + " it on as many (this run has " + threads + "), or the bits would differ");
    }
    SparkPruneRun r = new SparkPruneRun(sc, saved.plan(), models, source, data, partitions, threads, runFolder,
        remote);
    r.syncBatches = spark.syncBatches();
    r.epochLength = spark.epochLength();
    r.trainLimit = saved.data().trainLimit();
    r.testLimit = saved.data().testLimit();
    return r;
  }

  private static void check(int partitions, int threads) {
    if (partitions < 1 || threads < 1) {
      throw new IllegalArgumentException("partitions and threads must be at least 1, got " + partitions + " and "
          + threads);
    }
  }

  /**
   * What a resume holds a master to: {@code local[N]} (plain {@code local} is {@code local[1]}; the retries of
   * {@code local[N,F]} are no part of it), {@code local-cluster[W,C,MB]} as written, and for a cluster manager its
   * kind ({@code spark://}, {@code yarn}, {@code k8s://}): a restarted driver may reach it at another address.
   */
  static String masterShape(String master) {
    String m = master.strip();
    Matcher local = LOCAL.matcher(m);
    if (local.matches()) {
      return "local[" + (local.group(1) == null ? "1" : local.group(1).strip()) + "]";
    }
    if (LocalClusters.isLocalCluster(m)) {
      return m.replace(" ", "");
    }
    int scheme = m.indexOf("://");
    return scheme > 0 ? m.substring(0, scheme + 3) : m;
  }

  /** Checkpoints, model files and report.json go to {@code runFolder}. */
  public SparkPruneRun writeTo(Path runFolder) {
    if (resuming) {
      throw new IllegalStateException("a resumed run writes to the folder it resumes");
    }
    this.out = runFolder;
    this.remote = null;
    return this;
  }

  /**
   * The run folder on a Hadoop file system: the run writes {@code folder}'s staging folder and
   * {@link HadoopRunFolder#publish publishes} it after every checkpoint and at the end.
   */
  public SparkPruneRun writeTo(HadoopRunFolder folder) {
    writeTo(folder.local());
    this.remote = folder;
    return this;
  }

  public SparkPruneRun log(RunListener listener) {
    this.log = listener;
    return this;
  }

  /** Typed events after every epoch and ADMM iteration (and its checkpoint); the handler may stop the run. */
  public SparkPruneRun listener(PruneListener listener) {
    this.events = Objects.requireNonNull(listener, "listener");
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
    keptByResume("averaging interval");
    this.syncBatches = batches;
    return this;
  }

  /**
   * What an epoch of every phase is on a partition (default {@link EpochLength#LOCAL_STEPS}: P passes over the
   * shard, the local run's optimizer steps).
   */
  public SparkPruneRun epochLength(EpochLength length) {
    keptByResume("epoch length");
    this.epochLength = Objects.requireNonNull(length, "epoch length");
    return this;
  }

  /** The image limits applied to the data, for the report. */
  public SparkPruneRun dataLimits(int train, int test) {
    keptByResume("data limits");
    this.trainLimit = train;
    this.testLimit = test;
    return this;
  }

  private void keptByResume(String what) {
    if (resuming) {
      throw new IllegalStateException("a resumed run keeps the " + what + " it was started with");
    }
  }

  /** Spark's figures of every ADMM iteration so far. */
  public List<SparkFigures> sparkFigures() {
    return List.copyOf(figures);
  }

  /** Runs (or resumes) the plan; a listener's {@link Control#STOP} ends it after a checkpoint, unfinished. */
  public PruneResult run() throws IOException, RunException, ConfigException {
    if (!plan.stages().isEmpty()) {
      throw new RunException("progressive stages are not supported on Spark yet; run the plan's stages one by one");
    }
    if (plan.distillation().activeIn("admm") || plan.distillation().activeIn("retrain")) {
      if (plan.distillation().weight() > 0) {
        throw new RunException("distillation is not supported on Spark yet; set its weight to 0");
      }
    }
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
    pruned = prunedLayers(model);
    blockNames = pruned.stream().map(l -> l.weight().name()).collect(Collectors.toList());
    ModelLayout all = ModelLayout.allFree(model);
    consensus = ModelLayout.of(model, blockNames);
    int passes = epochLength.passes(partitions);
    TaskSettings task = TaskSettings.of(plan, models, threads, syncBatches, passes);
    int rounds = task.roundsPerEpoch((data.trainCount() + partitions - 1) / partitions);
    checkpoint = out == null ? null : new Checkpoint(out.resolve("checkpoint"));

    Phase phase = Phase.DENSE;
    int next = 0;
    SafeTensorsFile saved = null;
    SparkRunState savedSpark = null;
    if (resuming) {
      Checkpoint.Saved s = checkpoint.read();
      // a kill leaves the fresh files of the writes it interrupted
      checkpoint.removeUnreferenced();
      AtomicFile.removeLeftovers(out);
      if (s.state().phase() == Phase.DONE) {
        throw new RunException("the run in " + where() + " has already finished; nothing to resume");
      }
      records = RunRecords.resume(s.state(), out, data);
      savedSpark = SparkRunState.of(s.state(), out);
      phase = s.state().phase();
      next = s.state().next();
      saved = s.tensors();
      Checkpoint.loadModel(saved, model);
      figures.addAll(savedSpark.figures());
      int last = phase == Phase.DENSE ? plan.dense().epochs() : phase == Phase.ADMM ? plan.admmIterations(0)
          : plan.retrain(0).epochs();
      String unit = phase == Phase.ADMM ? "ADMM iteration" : phase.name().toLowerCase(Locale.ROOT) + " epoch";
      log.line("resuming " + where() + (next < last ? " at " + unit + " " + (next + 1) : " after the last " + unit));
    } else {
      records = new RunRecords(plan, data, threads, command, trainLimit, testLimit);
    }
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
    TrainingSchedule w = plan.admm();
    int iterations = plan.admmIterations(0);
    TrainingSchedule r = plan.retrain(0);
    ConsensusAdmm<Shard> admm = null;
    float[][] ubar = null;
    if (phase == Phase.DENSE) {
      JavaRDD<ConsensusState> states = saved != null ? restore(shards, saved, savedSpark, false, dense)
          : shards.map(s -> ConsensusState.start(s.partition(), new float[0][], new float[0][], null));
      ParameterAveraging<Shard> averaging = new ParameterAveraging<>(sc, shards, states, all.free(model),
          NetworkTraining.averaging(task, TaskSettings.Schedule.of(dense), all, 0, null, null, rounds),
          checkpointEvery);
      dropRestoredCopies();
      if (averagedEpochs(Phase.DENSE, dense, averaging, all, next, rounds)) {
        return stopped(shards);
      }
      List<EpochRecord> done = records.denseRecords();
      double baseline = dense.epochs() == 0 || done.isEmpty() ? accuracy(model) : done.get(done.size() - 1).accuracy();
      records.baseline(baseline);
      if (out != null) {
        SafeTensors.saveModel(model, out.resolve("dense.safetensors"),
            ModelMetadata.of(model, data.normalization(), Map.of("phase", "dense")));
      }
      log.line(String.format(Locale.ROOT, "baseline (dense) test accuracy %.2f%%", baseline));

      // ADMM from the dense consensus model, each partition's step count carried on
      records.histogramsBefore(pruned);
      float[][] x0 = consensus.consensus(model);
      JavaRDD<ConsensusState> admmStart = dense.epochs() == 0
          ? shards.map(s -> ConsensusState.start(s.partition(), x0, new float[0][], new LocalTraining(null, 0)))
          : averaging.states().map(s -> ConsensusState.start(s.partition(), x0, new float[0][],
              new LocalTraining(null, ((LocalTraining) s.local()).steps())));
      admm = new ConsensusAdmm<>(sc, shards, admmStart, keepOf(pruned), x0, consensus.free(model),
          wStep(task, passes), checkpointEvery);
      averaging.close();
      // mean U, tracked on the driver (ū' = mean(W + U) − Z), to evaluate mean W = mean(W + U) − ū each iteration
      ubar = zeros(x0);
      phase = Phase.ADMM;
      next = 0;
      saved = null;
    } else if (phase == Phase.ADMM) {
      float[][] z = new float[pruned.size()][];
      ubar = new float[pruned.size()][];
      for (int j = 0; j < pruned.size(); j++) {
        PrunedLayer l = pruned.get(j);
        z[j] = new float[l.size()];
        ubar[j] = new float[l.size()];
        Checkpoint.copy(saved, "z/" + l.name(), z[j]);
        Checkpoint.copy(saved, "u/" + l.name(), ubar[j]);
      }
      // the free tensors' mean is the driver's model (every W-step starts from it)
      admm = ConsensusAdmm.resume(sc, shards, restore(shards, saved, savedSpark, true, w), keepOf(pruned), z,
          consensus.free(model), wStep(task, passes), checkpointEvery);
      dropRestoredCopies();
    }

    JavaRDD<ConsensusState> retrainStart;
    if (phase == Phase.ADMM) {
      // ADMM: global consensus, the sparsity set as Z's constraint
      for (int k = next; k < iterations; k++) {
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
        // the checkpoint's z/ and u/: Z and the mean U, in the pruned layers' own arrays
        for (int j = 0; j < pruned.size(); j++) {
          System.arraycopy(z[j], 0, pruned.get(j).z(), 0, z[j].length);
          System.arraycopy(ubar[j], 0, pruned.get(j).u(), 0, ubar[j].length);
        }
        save(Phase.ADMM, k + 1, admm.states(), true);
        if (events.onAdmmIteration(new PruneListener.AdmmIterationEvent(iterations, rec, 1)) == Control.STOP) {
          admm.close();
          return stopped(shards);
        }
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
      retrainStart = admm.states().map(s -> ConsensusState.start(s.partition(), new float[0][], new float[0][],
          new LocalTraining(null, ((LocalTraining) s.local()).steps())));
      next = 0;
    } else {
      // resumed during retraining: the masks come from the checkpoint
      new AdmmSolver(pruned).restoreMasks(Checkpoint.masks(saved, pruned));
      retrainStart = restore(shards, saved, savedSpark, false, r);
    }

    // masked retraining, the pruned weights exactly 0 on every partition
    float[][] masks = new float[pruned.size()][];
    for (int j = 0; j < masks.length; j++) {
      masks[j] = pruned.get(j).mask();
    }
    int retrainOffset = (plan.dense().epochs() + iterations * w.epochs()) * passes;
    ParameterAveraging<Shard> retrain = new ParameterAveraging<>(sc, shards, retrainStart, all.free(model),
        NetworkTraining.averaging(task, TaskSettings.Schedule.of(r), all, retrainOffset, consensus, masks, rounds),
        checkpointEvery);
    dropRestoredCopies();
    // the retraining states are computed (from the ADMM ones, whose step counts they carry)
    if (admm != null) {
      admm.close();
    }
    if (averagedEpochs(Phase.RETRAIN, r, retrain, all, next, rounds)) {
      return stopped(shards);
    }
    retrain.close();
    shards.unpersist(false);
    PruneResult result = records.finish(model, pruned, out, log);
    if (result.reportJson() != null) {
      SparkReport.add(result.reportJson(), new SparkReport.Run(sc.master(), sc.version(), partitions, threads,
          epochLength, passes, syncBatches),
          figures);
    }
    if (checkpoint != null) {
      records.done(checkpoint);
      publish();
    }
    return result;
  }

  /**
   * The epochs {@code from}… of a phase trained by parameter averaging (dense training, retraining): each epoch's
   * rounds, the mean into the driver's model, the divergence check, the record, the log line, the checkpoint and
   * the listener's event.
   *
   * @param phase {@link Phase#DENSE} or {@link Phase#RETRAIN}; its settings are {@code schedule}
   * @return true when the listener stopped the run (then {@code averaging} is closed)
   */
  private boolean averagedEpochs(Phase phase, TrainingSchedule schedule, ParameterAveraging<Shard> averaging,
      ModelLayout all, int from, int rounds) throws IOException, RunException {
    String name = phase == Phase.DENSE ? "dense" : "retrain";
    for (int e = from; e < schedule.epochs(); e++) {
      EpochRounds round = epoch(averaging, e, rounds);
      all.load(model, null, round.mean());
      diverged(name + " epoch " + (e + 1) + "/" + schedule.epochs(), round.loss(), model,
          Divergence.lower(name + ".lr", schedule.lr()));
      double acc = accuracy(model);
      EpochRecord rec = new EpochRecord(e + 1, round.loss(), acc, schedule.lrAt(e, schedule.epochs()),
          round.samples() / round.seconds(), round.seconds());
      if (phase == Phase.DENSE) {
        records.dense(rec);
      } else {
        records.retrain(rec);
      }
      log.line(String.format(Locale.ROOT, "%-7s epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          name, e + 1, schedule.epochs(), rec.loss(), rec.imagesPerSecond(), acc, rec.seconds()));
      save(phase, e + 1, averaging.states(), false);
      if (events.onEpoch(new PruneListener.EpochEvent(phase, schedule.epochs(), rec, 1)) == Control.STOP) {
        averaging.close();
        return true;
      }
    }
    return false;
  }

  private NetworkTraining wStep(TaskSettings task, int passes) {
    TrainingSchedule w = plan.admm();
    return NetworkTraining.wStep(task, TaskSettings.Schedule.of(w).times(passes), consensus,
        plan.admmIterations(0) * w.epochs() * passes, plan.dense().epochs() * passes);
  }

  private static int[] keepOf(List<PrunedLayer> layers) {
    return layers.stream().mapToInt(PrunedLayer::keep).toArray();
  }

  private PruneResult stopped(JavaRDD<Shard> shards) {
    shards.unpersist(false);
    return PruneResult.stopped(model, out);
  }

  /**
   * Writes a checkpoint when the run has a folder: the driver's state and every partition's, collected from the
   * cached {@code states} (without their free tensors, which the next step takes from the model).
   */
  private void save(Phase phase, int next, JavaRDD<ConsensusState> states, boolean admm) throws IOException {
    if (checkpoint == null) {
      return;
    }
    List<ConsensusState> all = new ArrayList<>(states.map(s -> new ConsensusState(s.partition(), s.x(), s.u(),
        new float[0][], s.local(), TaskFigures.NONE)).collect());
    all.sort(Comparator.comparingInt(ConsensusState::partition));
    long[] steps = new long[partitions];
    for (ConsensusState s : all) {
      steps[s.partition()] = ((LocalTraining) s.local()).steps();
    }
    SparkRunState spark = new SparkRunState(sc.master(), partitions, epochLength, syncBatches, steps, figures);
    records.save(checkpoint, phase, next, model, pruned, admm, spark.toJson(),
        PartitionTensors.of(all, admm ? blockNames : List.of()));
    publish();
  }

  /** The run folder as messages name it: the URI where there is one. */
  private String where() {
    return remote != null ? remote.uri() : String.valueOf(out);
  }

  /** Copies the run folder's new checkpoint (and outputs) to its Hadoop folder, if it has one. */
  private void publish() throws IOException {
    if (remote != null) {
      remote.publish();
    }
  }

  /**
   * The partitions' states of a checkpoint as an RDD beside {@code shards} (state k with shard k), the optimizer
   * states checked on the driver against {@code schedule}'s optimizer so that a damaged one is named here, not in
   * a failed task.
   */
  private JavaRDD<ConsensusState> restore(JavaRDD<Shard> shards, SafeTensorsFile saved, SparkRunState spark,
      boolean admm, TrainingSchedule schedule) throws IOException {
    int[] sizes = pruned.stream().mapToInt(PrunedLayer::size).toArray();
    List<ConsensusState> states = PartitionTensors.read(saved, spark.steps(), admm ? blockNames : List.of(),
        admm ? sizes : new int[0]);
    for (ConsensusState s : states) {
      LocalTraining local = (LocalTraining) s.local();
      if (local.optimizer() != null) {
        try {
          Optimizers.create(schedule, model.parameters()).loadState(local.optimizer());
        } catch (IllegalArgumentException e) {
          throw new IOException(saved.file() + ": partition " + s.partition() + "'s optimizer state: "
              + e.getMessage(), e);
        }
      }
    }
    // one broadcast per partition: a task carries handles only, and an executor fetches the states of its own
    // partitions (in the task itself they would count against spark.rpc.message.maxSize)
    List<Broadcast<ConsensusState>> parts = new ArrayList<>();
    for (ConsensusState s : states) {
      parts.add(sc.broadcast(s));
    }
    restored.addAll(parts);
    return shards.map(s -> parts.get(s.partition()).value());
  }

  /**
   * Drops the executors' copies of the restored states once the phase has cached its own (the driver keeps
   * them: a lost block is recomputed from its lineage, which reads them).
   */
  private void dropRestoredCopies() {
    for (Broadcast<ConsensusState> b : restored) {
      b.unpersist(false);
    }
    restored.clear();
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
   * Stops the run after a phase step whose loss or mean tensors are not finite, with the local run's message,
   * before that step's checkpoint: the last one stays the last good one.
   */
  private void diverged(String where, double loss, Model model, String remedy) throws RunException {
    Divergence.check(where, loss, model, remedy, checkpoint == null ? null : checkpoint.dir(),
        checkpoint != null && checkpoint.lastTensorFile() != null);
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
