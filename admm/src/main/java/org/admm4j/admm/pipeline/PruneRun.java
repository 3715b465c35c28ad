package org.admm4j.admm.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.AdmmSolver;
import org.admm4j.admm.allocation.AllocationMethod;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.allocation.LayerAllocation;
import org.admm4j.admm.allocation.LayerAllocator;
import org.admm4j.admm.LayerResiduals;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.admm.config.LayerTargets;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.config.QuantizationTargets;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.StageTargets;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.admm.pipeline.PruneListener.Control;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.surgery.ChannelTensors;
import org.admm4j.nn.train.Trainer;

/**
 * A pruning run: dense training (or a given model), ADMM pruning, hard pruning, masked retraining. Typed
 * events go to a {@link PruneListener} after every dense epoch, ADMM iteration and retraining epoch; the
 * result is a {@link PruneResult}. Files are written only when a run folder is given ({@link #writeTo}):
 * then every event is preceded by a checkpoint, and the run ends with {@code model.safetensors},
 * {@code model.a4jc}, {@code dense.safetensors} and {@code report.json}. After filter pruning the pruned
 * filters are removed physically ({@link Shrink}): the result and {@code model.safetensors} are the smaller
 * dense network, its spec giving the new widths.
 *
 * <p>A resumed run ({@link #resume}) ends with the same bits as an uninterrupted one on a pool of the same
 * size: the data order depends only on (seed, epoch index), learning rates and ρ only on the epoch or
 * iteration index, and everything else that changes (W, Z, U, optimizer state, step counter) is in the
 * checkpoint.
 *
 * <p>The kernels run on the caller's pool, installed with {@link KernelThreads#setPool} for the run and
 * the previous pool put back after it; the run never resizes or shuts down a pool.
 */
public final class PruneRun {

  /** Final but for the layer targets an allocation fills in after dense training. */
  private PrunePlan plan;
  private final ModelFactory models;
  private final TrainingData data;
  private final ForkJoinPool pool;
  private final boolean resuming;
  private Path out;
  private Path from;
  private PruneListener events = PruneListener.NONE;
  private RunListener log = RunListener.SILENT;
  private String command = "";
  private int trainLimit;
  private int testLimit;

  private Checkpoint checkpoint;
  private Model model;
  private List<PrunedLayer> pruned;
  private AdmmSolver solver;
  /** Per stage, the weights each pruned layer keeps (index 0 = stage 1). */
  private List<LinkedHashMap<String, Integer>> stageTargets;
  /** The last stage's quantized layers. */
  private Map<String, QuantizationRule> quantization;
  private Map<String, Parameter> prunable;
  /** Stage 1's rule per pruned layer (its structure). */
  private Map<String, LayerRule> rules;
  private int stage;
  private RunState state;
  private RunHistory history;
  private long trainerSteps;
  private float[][] denseWeights;
  private long lastWallMark;
  private AllocationTarget allocationTarget;

  private PruneRun(PrunePlan plan, ModelFactory models, TrainingData data, ForkJoinPool pool, Path resumeFrom) {
    this.plan = plan;
    this.models = models;
    this.data = data;
    this.pool = pool;
    this.resuming = resumeFrom != null;
    this.out = resumeFrom;
  }

  /** A new run of {@code plan} on {@code data}, its kernels on {@code pool} (whose size fixes the bits). */
  public static PruneRun of(PrunePlan plan, ModelFactory models, TrainingData data, ForkJoinPool pool) {
    return new PruneRun(plan, models, data, pool, null);
  }

  /**
   * Continues the run whose checkpoint is in {@code runFolder}, with its saved plan.
   *
   * @throws RunException if that run has finished, ran on another runner (Spark), or was made on other data or
   *     another pool size
   */
  public static PruneRun resume(Path runFolder, ModelFactory models, TrainingData data, ForkJoinPool pool)
      throws IOException, RunException {
    RunState saved = saved(runFolder);
    if (saved.phase() == Phase.DONE) {
      throw new RunException("the run in " + runFolder + " has already finished; nothing to resume");
    }
    if (saved.runner() != null) {
      // its per-partition state is in the checkpoint, the single optimizer state a local run needs is not
      throw new RunException("the run in " + runFolder + " ran on " + saved.runnerKind() + "; resume it there"
          + " (prune --" + saved.runnerKind() + " MASTER --resume " + runFolder + ")");
    }
    if (saved.threads() != pool.getParallelism()) {
      throw new RunException("the run in " + runFolder + " ran on " + saved.threads() + " threads; resume it on as"
          + " many (this pool has " + pool.getParallelism() + "), or the bits would differ");
    }
    PruneRun r = new PruneRun(saved.plan(), models, data, pool, runFolder);
    // stopped before the allocation: the plan's targets still wait for it
    r.allocationTarget = saved.history().allocation == null ? saved.history().allocationTarget : null;
    r.trainLimit = saved.data().trainLimit();
    r.testLimit = saved.data().testLimit();
    return r;
  }

  /** The state saved in {@code runFolder}'s checkpoint (plan, pool size, data limits, phase). */
  public static RunState saved(Path runFolder) throws IOException {
    return new Checkpoint(runFolder.resolve("checkpoint")).readState();
  }

  /** Checkpoints and outputs go to {@code runFolder} (created if missing; the caller checks it may be used). */
  public PruneRun writeTo(Path runFolder) {
    if (resuming) {
      throw new IllegalStateException("a resumed run writes to the folder it resumes");
    }
    this.out = runFolder;
    return this;
  }

  /** Start from this trained dense model (safetensors) instead of dense training. */
  public PruneRun startFrom(Path denseModel) {
    this.from = denseModel;
    return this;
  }

  /**
   * Allocate the layer targets for a global compression after dense training (or at once, starting from a
   * trained model), replacing the plan's own targets; a resumed run keeps its target and its allocation.
   *
   * @throws IllegalStateException on a resumed run (its checkpoint has the target)
   */
  public PruneRun allocate(AllocationTarget target) {
    if (resuming) {
      throw new IllegalStateException("a resumed run keeps the allocation target it started with");
    }
    this.allocationTarget = target;
    return this;
  }

  /** Typed events; the handler may stop the run. */
  public PruneRun listener(PruneListener listener) {
    this.events = listener;
    return this;
  }

  /** Progress of long phases and one log line per epoch or iteration. */
  public PruneRun log(RunListener listener) {
    this.log = listener;
    return this;
  }

  /** The command line, for the report. */
  public PruneRun command(String commandLine) {
    this.command = commandLine;
    return this;
  }

  /** The image limits the caller applied to {@code data} (≤ 0: none), recorded so a resume loads the same. */
  public PruneRun dataLimits(int train, int test) {
    this.trainLimit = train;
    this.testLimit = test;
    return this;
  }

  /** The plan this run executes. */
  public PrunePlan plan() {
    return plan;
  }

  /** Runs (or resumes) the plan. */
  public PruneResult run() throws IOException, RunException, ConfigException {
    ForkJoinPool previous = KernelThreads.pool();
    KernelThreads.setPool(pool);
    try {
      return execute();
    } finally {
      KernelThreads.setPool(previous);
    }
  }

  private PruneResult execute() throws IOException, RunException, ConfigException {
    lastWallMark = System.nanoTime();
    checkpoint = out == null ? null : new Checkpoint(out.resolve("checkpoint"));
    try {
      model = models.create(plan.model(), plan.seed());
    } catch (IllegalArgumentException e) {
      throw new RunException("model = " + plan.model() + ": " + e.getMessage());
    }
    checkInput();
    resolveTargets();
    Phase phase;
    int next;
    SafeTensorsFile saved = null;
    if (resuming) {
      Checkpoint.Saved s = checkpoint.read();
      // a kill leaves the fresh files of the writes it interrupted
      checkpoint.removeUnreferenced();
      AtomicFile.removeLeftovers(out);
      state = s.state();
      history = state.history();
      phase = state.phase();
      stage = state.stage();
      next = state.next();
      trainerSteps = state.trainerSteps();
      state.data().check(out, data);
      saved = s.tensors();
      Checkpoint.loadModel(saved, model);
      int last = phase.length(plan, stage);
      log.line("resuming " + out + (plan.stages().isEmpty() ? "" : " in stage " + (stage + 1) + "/"
          + plan.stageCount()) + (next < last ? " at " + phase.name().toLowerCase(Locale.ROOT) + " "
          + (phase == Phase.ADMM ? "iteration " : "epoch ") + (next + 1)
          : " after the last " + (phase == Phase.ADMM ? "ADMM iteration" : phase.name().toLowerCase(Locale.ROOT)
          + " epoch")));
    } else {
      history = new RunHistory(Instant.now().toString(), command);
      history.allocationTarget = allocationTarget;
      state = new RunState(Phase.DENSE, 0, 0, 0, plan, pool.getParallelism(), new RunState.DataInfo(data.name(),
          data.trainCount(), data.testCount(), trainLimit, testLimit), history);
      phase = Phase.DENSE;
      next = 0;
      if (from != null) {
        SafeTensors.loadModel(model, from);
        history.from = from.toString();
        log.line("starting from " + from);
      }
    }
    int denseEpochs = history.from != null ? 0 : plan.dense().epochs();
    pruned = stageLayers(stage, supports(saved));
    solver = solver(pruned);

    if (phase == Phase.DENSE) {
      if (dense(next, denseEpochs, saved)) {
        return PruneResult.stopped(model, out);
      }
      phase = Phase.ADMM;
      next = 0;
      saved = null;
    }
    if (history.allocationTarget != null && history.allocation == null) {
      allocateTargets();
    }
    while (true) {
      if (phase == Phase.ADMM) {
        if (admm(next, saved)) {
          return PruneResult.stopped(model, out);
        }
        phase = Phase.RETRAIN;
        next = 0;
        saved = null;
        hardPrune();
      } else {
        // resumed during retraining: the masks come from the checkpoint
        solver.restoreMasks(Checkpoint.masks(saved, pruned));
      }
      if (retrain(next, saved)) {
        return PruneResult.stopped(model, out);
      }
      if (!plan.stages().isEmpty()) {
        recordStage();
      }
      if (stage + 1 >= plan.stageCount()) {
        break;
      }
      // the next stage: ADMM from this retrained, masked model, within this stage's masks
      Map<String, float[]> masks = new LinkedHashMap<>();
      for (PrunedLayer l : pruned) {
        masks.put(l.name(), l.mask());
      }
      stage++;
      if (history.allocationTarget != null && history.allocationTarget.remeasure()) {
        reallocateStage();
      }
      pruned = stageLayers(stage, masks);
      solver = solver(pruned);
      phase = Phase.ADMM;
      next = 0;
      saved = null;
    }
    return finish();
  }

  // ---- phases ----------------------------------------------------------------------------------------

  /** Dense training; returns true when stopped early. */
  private boolean dense(int first, int epochs, SafeTensorsFile saved) throws IOException, RunException {
    Optimizer opt = Optimizers.create(plan.dense(), model.parameters());
    Trainer trainer = trainer(opt, saved, "dense");
    for (int e = first; e < epochs; e++) {
      long t0 = System.nanoTime();
      opt.setLearningRate(plan.dense().lrAt(e, epochs));
      EpochStats s = EpochRunner.run(trainer, data, plan.seed(), e, "dense " + (e + 1) + "/" + epochs, log);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      history.addSeconds("dense", sec);
      EpochRecord rec = epochRecord(e + 1, s, acc, sec, opt.learningRate());
      history.denseEpochs.add(rec);
      log.line(String.format(Locale.ROOT, "dense   epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, epochs, s.meanLoss(), s.imagesPerSecond(), acc, sec));
      diverged("dense epoch " + (e + 1) + "/" + epochs, s.meanLoss(),
          Divergence.lower("dense.lr", opt.learningRate()));
      trainerSteps = trainer.steps();
      save(Phase.DENSE, e + 1, false, opt);
      if (events.onEpoch(new PruneListener.EpochEvent(Phase.DENSE, epochs, rec, 1)) == Control.STOP) {
        return true;
      }
    }
    List<EpochRecord> done = history.denseEpochs;
    history.baselineAccuracy = epochs > 0 && !done.isEmpty() ? done.get(done.size() - 1).accuracy() : accuracy(trainer);
    if (out != null) {
      SafeTensors.saveModel(model, out.resolve("dense.safetensors"),
          ModelMetadata.of(model, data.normalization(), Map.of("phase", "dense")));
    } else {
      denseWeights = snapshot(model);
    }
    log.line(String.format(Locale.ROOT, "baseline (dense) test accuracy %.2f%%", history.baselineAccuracy));
    return false;
  }

  /** The ADMM iterations; returns true when stopped early. */
  private boolean admm(int first, SafeTensorsFile saved) throws IOException, RunException {
    TrainingSchedule w = plan.admm();
    int iterations = plan.admmIterations(stage);
    int totalEpochs = iterations * w.epochs();
    int offset = epochOffset(stage, Phase.ADMM);
    Optimizer opt = Optimizers.create(w, model.parameters());
    Trainer trainer = trainer(opt, saved, "admm");
    // a later stage: W stays 0 outside the previous support, so the Z-step projects within it
    solver.attachSupports(opt);
    String label = plan.stages().isEmpty() ? "" : "stage " + (stage + 1) + " ";
    if (saved == null) {
      if (stage == 0) {
        // before pruning: the dense weights' histograms
        history.recordHistogramsBefore(pruned);
      }
      // Z^0 = Π(W^0), U^0 = 0
      solver.initialize();
    } else {
      for (PrunedLayer l : pruned) {
        Checkpoint.copy(saved, "z/" + l.name(), l.z());
        Checkpoint.copy(saved, "u/" + l.name(), l.u());
      }
    }
    for (int k = first; k < iterations; k++) {
      long t0 = System.nanoTime();
      double rho = plan.rho(stage).at(k);
      // W-step (eq. 4): SGD epochs on f(W) + Σ ρ/2 ‖W − Z + U‖², the penalty fused into the optimizer
      solver.attachPenalty(opt, rho);
      EpochStats s = null;
      double lossSum = 0;
      for (int j = 0; j < w.epochs(); j++) {
        int epoch = k * w.epochs() + j;
        opt.setLearningRate(w.lrAt(epoch, totalEpochs));
        s = EpochRunner.run(trainer, data, plan.seed(), offset + epoch,
            label + "admm " + (k + 1) + "/" + iterations + (w.epochs() > 1 ? " epoch " + (j + 1) : ""), log);
        lossSum += s.meanLoss();
      }
      // before the Z-step, which refuses a NaN W + U
      diverged(label + "ADMM iteration " + (k + 1) + "/" + iterations, lossSum / w.epochs(),
          Divergence.lowerAdmm(opt.learningRate(), rho));
      // Z-step (eq. 6) and U-step (eq. 7), fused per layer, layers in parallel
      long tz = System.nanoTime();
      List<LayerResiduals> res = solver.zAndUStep(rho);
      double zSeconds = seconds(tz);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      history.addSeconds("admm", sec);
      history.addSeconds("zstep", zSeconds);
      // residual checks: primal ‖W − Z‖, dual ρ‖Z − Z_prev‖ per layer
      Map<String, Double> primal = new LinkedHashMap<>();
      Map<String, Double> dual = new LinkedHashMap<>();
      double primalSq = 0;
      double dualSq = 0;
      for (LayerResiduals r : res) {
        primal.put(r.layer(), r.primal());
        dual.put(r.layer(), r.dual());
        primalSq += r.primal() * r.primal();
        dualSq += r.dual() * r.dual();
      }
      AdmmIterationRecord rec = new AdmmIterationRecord(k + 1, rho, lossSum / w.epochs(), acc, opt.learningRate(),
          s.imagesPerSecond(), primal, dual, sec, zSeconds);
      history.admmIterations.add(rec);
      log.line(String.format(Locale.ROOT,
          "%sadmm    iter  %2d/%d  rho %.4g  loss %.4f  %,7.0f img/s  test %.2f%%  |W-Z| %.4f  rho|dZ| %.4g  z-step %.1f ms",
          label, k + 1, iterations, rho, lossSum / w.epochs(), s.imagesPerSecond(), acc, Math.sqrt(primalSq),
          Math.sqrt(dualSq), zSeconds * 1e3));
      trainerSteps = trainer.steps();
      save(Phase.ADMM, k + 1, true, opt);
      if (events.onAdmmIteration(new PruneListener.AdmmIterationEvent(iterations, rec, stage + 1)) == Control.STOP) {
        return true;
      }
    }
    solver.detachPenalty(opt);
    return false;
  }

  private void hardPrune() throws IOException {
    solver.hardPrune(plan.hardPrune());
    Optimizer none = Optimizers.create(plan.retrain(stage), model.parameters());
    history.hardPrunedAccuracy = accuracy(trainer(none, null, "eval"));
    log.line(String.format(Locale.ROOT, "%shard-pruned to %s's support: test %.2f%% before retraining",
        plan.stages().isEmpty() ? "" : "stage " + (stage + 1) + " ", plan.hardPrune().name(),
        history.hardPrunedAccuracy));
    for (Map.Entry<String, org.admm4j.admm.quant.LevelGrid> e : solver.quantized().grids().entrySet()) {
      log.line("  " + e.getKey() + " quantized: " + e.getValue());
    }
  }

  /** Masked retraining; returns true when stopped early. */
  private boolean retrain(int first, SafeTensorsFile saved) throws IOException, RunException {
    TrainingSchedule r = plan.retrain(stage);
    int offset = epochOffset(stage, Phase.RETRAIN);
    String label = plan.stages().isEmpty() ? "" : "stage " + (stage + 1) + " ";
    // quantized layers: straight-through retraining on their levels
    Optimizer opt = solver.quantized().retraining(Optimizers.create(r, model.parameters()), pruned);
    Trainer trainer = trainer(opt, saved, "retrain");
    solver.attachMasks(opt);
    for (int e = first; e < r.epochs(); e++) {
      long t0 = System.nanoTime();
      opt.setLearningRate(r.lrAt(e, r.epochs()));
      EpochStats s = EpochRunner.run(trainer, data, plan.seed(), offset + e,
          label + "retrain " + (e + 1) + "/" + r.epochs(), log);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      history.addSeconds("retrain", sec);
      EpochRecord rec = epochRecord(e + 1, s, acc, sec, opt.learningRate());
      history.retrainEpochs.add(rec);
      log.line(String.format(Locale.ROOT, "%sretrain epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          label, e + 1, r.epochs(), s.meanLoss(), s.imagesPerSecond(), acc, sec));
      diverged(label + "retraining epoch " + (e + 1) + "/" + r.epochs(), s.meanLoss(),
          Divergence.lower(stage == 0 ? "retrain.lr" : "stages." + (stage + 1) + ".retrain.lr", opt.learningRate()));
      trainerSteps = trainer.steps();
      save(Phase.RETRAIN, e + 1, false, opt);
      if (events.onEpoch(new PruneListener.EpochEvent(Phase.RETRAIN, r.epochs(), rec, stage + 1)) == Control.STOP) {
        return true;
      }
    }
    return false;
  }

  private PruneResult finish() throws IOException {
    RunTally tally = RunTally.of(model, pruned, data, history);
    model = tally.model();
    Shrink shrink = tally.shrink();
    List<LayerSummary> layers = tally.layers();
    double wall = history.wallSecondsBefore + seconds(lastWallMark);
    Path json = null;
    if (out != null) {
      json = RunOutputs.write(out, tally.summary(state, data, wall), model);
      state = state.at(Phase.DONE, 0, trainerSteps);
      checkpoint.writeState(state, checkpoint.lastTensorFile());
    }

    log.line("");
    for (String line : shrink.lines()) {
      log.line(line);
    }
    for (String line : LayerSummary.table(layers)) {
      log.line(line);
    }
    long macsDense = layers.stream().mapToLong(LayerSummary::macsDense).sum();
    long macsPruned = layers.stream().mapToLong(LayerSummary::macsPruned).sum();
    log.line(String.format(Locale.ROOT,
        "compression %.1fx (%,d of %,d weights)  baseline %.2f%%  final %.2f%%  MACs %,d -> %,d  wall %.1f s",
        tally.compression(), tally.nonzero(), tally.total(), history.baselineAccuracy,
        tally.accuracies().finalAccuracy(), macsDense, macsPruned, wall));
    double admmSec = history.seconds("admm");
    log.line(String.format(Locale.ROOT, "phases: dense %.1f s, ADMM %.1f s (Z-steps %.3f s = %.2f%%), retrain %.1f s",
        history.seconds("dense"), admmSec, history.seconds("zstep"),
        admmSec > 0 ? 100 * history.seconds("zstep") / admmSec : 0, history.seconds("retrain")));
    if (out != null) {
      log.line("wrote " + out.resolve("model.safetensors") + ", " + out.resolve("model.a4jc") + ", " + json);
    }
    return new PruneResult(true, model, layers, tally.total(), tally.nonzero(), tally.compression(),
        tally.accuracies(), List.copyOf(history.denseEpochs), List.copyOf(history.admmIterations),
        List.copyOf(history.retrainEpochs), out, json, List.copyOf(history.stages));
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  /**
   * Splits the global compression over the layers of the trained model (in a progressive run, every stage's
   * compression, from one sensitivity pass), puts the result in the plan (which the next checkpoint saves)
   * and prepares the ADMM phase's layers for it.
   */
  private void allocateTargets() throws ConfigException {
    AllocationTarget target = history.allocationTarget;
    double[] later = new double[plan.stages().size()];
    for (int i = 0; i < later.length; i++) {
      Stage st = plan.stages().get(i);
      if (st.compression() == 0) {
        throw new ConfigException("compression = " + target.compression() + " allocates every stage's targets, but"
            + " stage " + (i + 2) + " gives layer targets (" + st.describeTargets() + "): give each further stage a"
            + " compression (stages = 150x, 250x, …), or drop the compression");
      }
      later[i] = st.compression();
    }
    long t0 = System.nanoTime();
    HeldBack h = heldBack(target);
    List<LayerAllocation> all = LayerAllocator.allocateStages(model, prunable, target, later, h.images, h.labels,
        h.count);
    history.allocation = all.get(0);
    history.stageAllocations.clear();
    history.stageAllocations.addAll(all.subList(1, all.size()));
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < later.length; i++) {
      stages.add(plan.stages().get(i).withTargets(all.get(i + 1).rules()));
    }
    usePlan(plan.withLayers(history.allocation.rules()).withStages(stages));
    pruned = stageLayers(stage, Map.of());
    solver = solver(pruned);
    double seconds = seconds(t0);
    for (int i = 0; i < all.size(); i++) {
      LayerAllocation a = all.get(i);
      StringBuilder line = new StringBuilder(String.format("allocation%s (%s, %.1f×): ",
          all.size() > 1 ? " of stage " + (i + 1) : "", target.method().setting(), a.compression()));
      for (LayerAllocation.Layer l : a.layers()) {
        line.append(String.format("%s %d/%d (%.3f%%)  ", l.name(), l.kept(), l.weights(), 100 * l.keepFraction()));
      }
      log.line(line.toString().trim() + (i == 0 ? String.format(" (%.1f s)", seconds) : ""));
    }
  }

  /**
   * Allocates the stage about to start from the model it starts from (the stage before, retrained and
   * masked), within that stage's counts; later stages' provisional targets are cut to fit under it. A run
   * resumed before the stage's first checkpoint measures again on the same bits and gets the same targets.
   */
  private void reallocateStage() throws ConfigException {
    long t0 = System.nanoTime();
    Map<String, Integer> current = new LinkedHashMap<>();
    for (PrunedLayer l : pruned) {
      current.put(l.name(), l.keep());
    }
    for (String name : prunable.keySet()) {
      // a layer the stage before left dense keeps all it has
      current.putIfAbsent(name, prunable.get(name).size());
    }
    AllocationTarget target = history.stageAllocations.get(stage - 1).target();
    HeldBack h = heldBack(target);
    LayerAllocation a = LayerAllocator.allocateFrom(model, prunable, target, current, h.images, h.labels, h.count);
    history.stageAllocations.set(stage - 1, a);
    Map<String, Integer> cap = a.keptByLayer();
    List<Stage> stages = new ArrayList<>(plan.stages());
    stages.set(stage - 1, stages.get(stage - 1).withTargets(a.rules()));
    for (int i = stage; i < stages.size(); i++) {
      LayerAllocation provisional = LayerAllocator.capped(history.stageAllocations.get(i), cap);
      history.stageAllocations.set(i, provisional);
      stages.set(i, stages.get(i).withTargets(provisional.rules()));
      cap = provisional.keptByLayer();
    }
    usePlan(plan.withStages(stages));
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "allocation of stage %d re-measured (%s, %.1f×,"
        + " held-back %.2f%%): ", stage + 1, target.method().setting(), a.compression(), 100 * a.baselineAccuracy()));
    for (LayerAllocation.Layer l : a.layers()) {
      line.append(String.format(Locale.ROOT, "%s %d/%d  ", l.name(), l.kept(), current.get(l.name())));
    }
    log.line(line.toString().trim() + String.format(Locale.ROOT, " (%.1f s)", seconds(t0)));
  }

  /** Runs on under {@code allocated} (the plan with allocated targets), which the next checkpoint saves. */
  private void usePlan(PrunePlan allocated) throws ConfigException {
    plan = allocated;
    state = new RunState(state.phase(), state.stage(), state.next(), state.trainerSteps(), plan, state.threads(),
        state.data(), history);
    resolveTargets();
  }

  /** The sensitivity pass's images: the training set's last ones (never the test set). */
  private record HeldBack(float[] images, byte[] labels, int count) {}

  private HeldBack heldBack(AllocationTarget target) {
    int images = Math.min(target.heldBackImages(), data.trainCount());
    int size = data.sampleSize(), first = data.trainCount() - images;
    float[] x = target.method() == AllocationMethod.SENSITIVITY
        ? java.util.Arrays.copyOfRange(data.trainImages(), first * size, (first + images) * size) : null;
    byte[] y = java.util.Arrays.copyOfRange(data.trainLabels(), first, first + images);
    return new HeldBack(x, y, images);
  }

  /** Every stage's per-layer targets, from the model's conv and linear weights. */
  private void resolveTargets() throws ConfigException {
    List<LayerTargets.Candidate> candidates = new ArrayList<>();
    prunable = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      if (LayerSummary.isPrunable(p)) {
        candidates.add(new LayerTargets.Candidate(LayerSummary.layerName(p), p.kind(), p.size(), p.shape()));
        prunable.put(LayerSummary.layerName(p), p);
      }
    }
    if (allocationPending()) {
      // every layer dense until the allocation gives the stages their targets
      stageTargets = new ArrayList<>();
      for (int i = 0; i < plan.stageCount(); i++) {
        stageTargets.add(new LinkedHashMap<>());
      }
    } else {
      stageTargets = StageTargets.resolve(plan, candidates);
    }
    rules = LayerTargets.chosen(plan.layers(), candidates, plan.model());
    // before the allocation every layer may be pruned: the rules are checked against all of them now, and
    // against the allocated last stage once it is known
    quantization = QuantizationTargets.resolve(plan.quantization(), candidates,
        allocationPending() ? prunable.keySet() : stageTargets.get(plan.stageCount() - 1).keySet());
  }

  /** Whether the layer targets wait for the allocation after dense training. */
  private boolean allocationPending() {
    return history != null ? history.allocationTarget != null && history.allocation == null : allocationTarget != null;
  }

  /** A solver for {@code layers}; the last stage's also quantizes (joint pruning and quantization). */
  private AdmmSolver solver(List<PrunedLayer> layers) {
    AdmmSolver s = new AdmmSolver(layers);
    if (stage == plan.stageCount() - 1) {
      s.quantize(quantization);
    }
    return s;
  }

  /** Stage {@code index}'s pruned layers, each within its previous support where {@code supports} has one. */
  private List<PrunedLayer> stageLayers(int index, Map<String, float[]> supports) {
    List<PrunedLayer> layers = new ArrayList<>();
    for (Map.Entry<String, Integer> e : stageTargets.get(index).entrySet()) {
      Parameter w = prunable.get(e.getKey());
      // a layer stage 1 kept whole has no rule of its own: a later stage prunes it weight by weight
      LayerStructure s = rules.containsKey(e.getKey()) ? rules.get(e.getKey()).structure() : LayerStructure.WEIGHT;
      if (s.grouped()) {
        // structured plans have one stage (StageTargets refuses more)
        List<Parameter> companions = s == LayerStructure.FILTER ? ChannelTensors.of(model, e.getKey()) : List.of();
        layers.add(PrunedLayer.structured(e.getKey(), w, s, rules.get(e.getKey()).keptGroupsOf(s.groups(w.shape())),
            companions));
      } else {
        layers.add(new PrunedLayer(e.getKey(), w, e.getValue(), supports.get(e.getKey())));
      }
    }
    return layers;
  }

  /** The previous supports a checkpoint of a later stage holds ({@code support/<layer>}); none for stage 1. */
  private Map<String, float[]> supports(SafeTensorsFile saved) throws IOException {
    Map<String, float[]> supports = new LinkedHashMap<>();
    if (saved == null || stage == 0) {
      return supports;
    }
    for (String layer : stageTargets.get(stage).keySet()) {
      if (saved.tensors().containsKey(Checkpoint.SUPPORT + layer)) {
        float[] m = new float[prunable.get(layer).size()];
        Checkpoint.copy(saved, Checkpoint.SUPPORT + layer, m);
        supports.put(layer, m);
      }
    }
    return supports;
  }

  /**
   * The index of the first epoch of {@code phase} (ADMM or RETRAIN) of stage {@code index} in the run's
   * sequence of epochs, which fixes its data order: dense epochs, then every stage's W-step and
   * retraining epochs in turn.
   */
  private int epochOffset(int index, Phase phase) {
    int offset = plan.dense().epochs();
    for (int s = 0; s < index; s++) {
      offset += plan.admmIterations(s) * plan.admm().epochs() + plan.retrain(s).epochs();
    }
    return phase == Phase.RETRAIN ? offset + plan.admmIterations(index) * plan.admm().epochs() : offset;
  }

  /** Appends the finished stage to the history (from its records, so a resumed run records the same). */
  private void recordStage() {
    int iterations = plan.admmIterations(stage);
    int epochs = plan.retrain(stage).epochs();
    double sec = 0;
    // the stage's records are the last ones; a resumed run's come from its checkpoint, which may hold fewer
    List<AdmmIterationRecord> its = history.admmIterations;
    for (int i = Math.max(0, its.size() - iterations); i < its.size(); i++) {
      sec += its.get(i).seconds();
    }
    List<EpochRecord> eps = history.retrainEpochs;
    for (int i = Math.max(0, eps.size() - epochs); i < eps.size(); i++) {
      sec += eps.get(i).seconds();
    }
    long total = 0;
    long nonzero = 0;
    for (LayerSummary l : LayerSummary.of(model)) {
      total += l.weights();
      nonzero += l.nonzero();
    }
    Map<String, Integer> kept = new LinkedHashMap<>();
    for (PrunedLayer l : pruned) {
      kept.put(l.name(), l.keep());
    }
    double retrained = epochs == 0 || eps.isEmpty() ? history.hardPrunedAccuracy : eps.get(eps.size() - 1).accuracy();
    String targets = stage == 0 ? "plan" : plan.stages().get(stage - 1).describeTargets();
    StageRecord rec = new StageRecord(stage + 1, targets, kept, nonzero,
        nonzero == 0 ? Double.POSITIVE_INFINITY : (double) total / nonzero, iterations, epochs,
        history.hardPrunedAccuracy, retrained, sec);
    history.stages.add(rec);
    log.line(String.format(Locale.ROOT, "stage %d/%d (%s): %,d non-zeros, %.1fx, hard-pruned %.2f%%, retrained %.2f%%"
        + " (%.1f s)", stage + 1, plan.stageCount(), targets, nonzero, rec.compression(), rec.hardPrunedAccuracy(),
        retrained, sec));
  }

  private void checkInput() throws RunException {
    DataFit.check(model, data, plan.model());
    if (data.trainCount() == 0 || data.testCount() == 0) {
      throw new RunException("dataset " + data.name() + " has no training or no test images");
    }
  }

  /** A trainer for {@code phase} (dense, admm, retrain, eval) with the plan's augmentation and distillation. */
  private Trainer trainer(Optimizer opt, SafeTensorsFile saved, String phase) throws IOException {
    Trainer t = new Trainer(model, opt, pool.getParallelism(), plan.batch());
    t.setSteps(trainerSteps);
    t.setAugmentation(DataFit.augmentation(plan.augmentShift(), plan.augmentFlip(), data, plan.seed()));
    Distillation d = plan.distillation();
    if (d.activeIn(phase)) {
      t.setTeacher(teacher(), d.weight(), d.temperature());
    }
    if (saved != null) {
      try {
        opt.loadState(Checkpoint.optimizerState(saved));
      } catch (IllegalArgumentException e) {
        throw new IOException(saved.file() + ": " + e.getMessage(), e);
      }
    }
    return t;
  }

  /** The dense model the pruning started from: saved after the dense phase, or kept in memory without a folder. */
  private Model teacher() throws IOException {
    Model teacher = models.create(plan.model(), plan.seed());
    if (denseWeights != null) {
      List<Parameter> ps = teacher.tensors();
      for (int i = 0; i < ps.size(); i++) {
        System.arraycopy(denseWeights[i], 0, ps.get(i).data(), 0, denseWeights[i].length);
      }
    } else {
      SafeTensors.loadModel(teacher, out.resolve("dense.safetensors"));
    }
    return teacher;
  }

  private static float[][] snapshot(Model m) {
    List<Parameter> ps = m.tensors();
    float[][] copy = new float[ps.size()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = ps.get(i).data().clone();
    }
    return copy;
  }

  private double accuracy(Trainer trainer) {
    return trainer.accuracy(data.testImages(), data.testLabels(), data.testCount());
  }

  /** Stops the run when the epoch just trained diverged, before its checkpoint (see {@link Divergence}). */
  private void diverged(String where, double loss, String remedy) throws RunException {
    Divergence.check(where, loss, model, remedy, checkpoint == null ? null : checkpoint.dir(),
        checkpoint != null && checkpoint.lastTensorFile() != null);
  }

  /** Writes a checkpoint when the run has a folder. */
  private void save(Phase phase, int next, boolean withZu, Optimizer opt) throws IOException {
    history.wallSecondsBefore += seconds(lastWallMark);
    lastWallMark = System.nanoTime();
    state = state.at(stage, phase, next, trainerSteps);
    if (checkpoint != null) {
      checkpoint.save(state, model, pruned, withZu, opt);
    }
  }

  private static EpochRecord epochRecord(int epoch, EpochStats s, double acc, double sec, float lr) {
    return new EpochRecord(epoch, s.meanLoss(), acc, lr, s.imagesPerSecond(), sec);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
