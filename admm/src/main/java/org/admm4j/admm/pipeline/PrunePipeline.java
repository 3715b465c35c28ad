package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.admm4j.admm.AdmmSolver;
import org.admm4j.admm.AdmmVersion;
import org.admm4j.admm.LayerResiduals;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.LayerTargets;
import org.admm4j.admm.config.PruningConfig;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModelWriter;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.optim.Optimizer;
import org.admm4j.nn.train.EpochStats;
import org.admm4j.nn.train.Trainer;

/**
 * The main job: dense training (or a given model), ADMM pruning, hard pruning, masked retraining, and the
 * outputs ({@code model.safetensors}, {@code model.a4jc}, {@code report.json}; the command line adds
 * {@code report.html}). Every dense epoch, ADMM
 * iteration and retraining epoch ends with a checkpoint; {@link Options#resume} continues from the last
 * one and ends with the same bits as an uninterrupted run (same seed, same threads): the data order
 * depends only on (seed, epoch index), learning rates and ρ only on the epoch or iteration index, and
 * everything else that changes (W, Z, U, optimizer state, step counter) is in the checkpoint.
 */
public final class PrunePipeline {

  /** Phases in order; a checkpoint records the phase and the next epoch/iteration in it. */
  enum Phase { DENSE, ADMM, RETRAIN, DONE }

  /**
   * @param out the run folder (checkpoints and outputs)
   * @param from a trained dense model to start from instead of dense training, or null
   * @param resume continue the checkpoint in {@code out} (config and from are then taken from it)
   * @param stopAfterCheckpoints stop (as if killed) after writing this many checkpoints; ≤ 0: never
   * @param trainLimit,testLimit the number of images used (recorded, for resuming); ≤ 0: all
   * @param command the command line, for the report
   * @param models creates the model the configuration names ({@code Models::create} in the CLI; tests pass
   *     small networks)
   */
  public record Options(PruningConfig config, TrainingData data, Path out, Path from, boolean resume,
      int stopAfterCheckpoints, int trainLimit, int testLimit, String command, RunListener listener,
      BiFunction<String, Long, Model> models) {

    /** Options for a run of the model zoo's models ({@link Models#create}). */
    public Options(PruningConfig config, TrainingData data, Path out, Path from, boolean resume,
        int stopAfterCheckpoints, int trainLimit, int testLimit, String command, RunListener listener) {
      this(config, data, out, from, resume, stopAfterCheckpoints, trainLimit, testLimit, command, listener,
          Models::create);
    }
  }

  /** What a run produced; {@code finished} is false when it stopped early on request. */
  public record Result(boolean finished, JsonObject report, Path model, Path reportJson) {}

  private final Options o;
  private final PruningConfig cfg;
  private final RunListener log;
  private final Checkpoint checkpoint;
  private int checkpointsWritten;

  private Model model;
  private List<PrunedLayer> pruned;
  private AdmmSolver solver;
  private JsonObject state;
  private JsonObject progress;
  private long trainerSteps;

  private PrunePipeline(Options o) {
    this.o = o;
    this.cfg = o.config();
    this.log = o.listener();
    this.checkpoint = new Checkpoint(o.out().resolve("checkpoint"));
  }

  /** Runs (or resumes) the job. */
  public static Result run(Options options) throws IOException, RunException, ConfigException {
    return new PrunePipeline(options).run();
  }

  /**
   * The saved configuration of the run in {@code out}, and its data limits and starting model, for
   * {@code --resume}.
   */
  public static SavedRun saved(Path out) throws IOException {
    JsonObject s = new Checkpoint(out.resolve("checkpoint")).readState();
    LinkedHashMap<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : s.getAsJsonObject("config").entrySet()) {
      settings.put(e.getKey(), e.getValue().getAsString());
    }
    JsonObject data = s.getAsJsonObject("data");
    return new SavedRun(settings, data.get("train_limit").getAsInt(),
        data.get("test_limit").getAsInt(), Phase.valueOf(s.get("phase").getAsString()) == Phase.DONE);
  }

  /** What {@link #saved} returns: the settings as {@link PruningConfig#toSettings} wrote them. */
  public record SavedRun(Map<String, String> settings, int trainLimit, int testLimit, boolean finished) {}

  private Result run() throws IOException, RunException, ConfigException {
    KernelThreads.setThreads(cfg.threads());
    try {
      model = o.models().apply(cfg.model(), cfg.seed());
    } catch (IllegalArgumentException e) {
      throw new RunException("model = " + cfg.model() + ": " + e.getMessage() + " (models: "
          + String.join(", ", Models.names()) + ")");
    }
    checkInput();
    pruned = prunedLayers();
    solver = new AdmmSolver(pruned);
    Phase phase;
    int next;
    SafeTensorsFile saved = null;
    if (o.resume()) {
      state = checkpoint.readState();
      phase = Phase.valueOf(state.get("phase").getAsString());
      if (phase == Phase.DONE) {
        throw new RunException("the run in " + o.out() + " has already finished; nothing to resume");
      }
      next = state.get("next").getAsInt();
      trainerSteps = state.get("trainer_steps").getAsLong();
      progress = state.getAsJsonObject("progress");
      checkData();
      saved = checkpoint.readTensors(state);
      Checkpoint.loadModel(saved, model);
      int last = phase == Phase.DENSE ? cfg.dense().epochs() : phase == Phase.ADMM ? cfg.admmIterations()
          : cfg.retrain().epochs();
      log.line("resuming " + o.out() + (next < last ? " at " + phase.name().toLowerCase(Locale.ROOT) + " "
          + (phase == Phase.ADMM ? "iteration " : "epoch ") + (next + 1)
          : " after the last " + (phase == Phase.ADMM ? "ADMM iteration" : phase.name().toLowerCase(Locale.ROOT)
          + " epoch")));
    } else {
      state = new JsonObject();
      progress = new JsonObject();
      progress.addProperty("started_at", Instant.now().toString());
      progress.addProperty("command", o.command());
      progress.add("phases_seconds", new JsonObject());
      progress.addProperty("wall_seconds_before", 0.0);
      JsonObject config = new JsonObject();
      cfg.toSettings().forEach(config::addProperty);
      state.add("config", config);
      JsonObject data = new JsonObject();
      data.addProperty("name", o.data().name());
      data.addProperty("train", o.data().trainCount());
      data.addProperty("test", o.data().testCount());
      data.addProperty("train_limit", o.trainLimit());
      data.addProperty("test_limit", o.testLimit());
      state.add("data", data);
      phase = Phase.DENSE;
      next = 0;
      if (o.from() != null) {
        SafeTensors.loadModel(model, o.from());
        progress.addProperty("from", o.from().toString());
        log.line("starting from " + o.from());
      }
    }
    int denseEpochs = progress.has("from") ? 0 : cfg.dense().epochs();

    if (phase == Phase.DENSE) {
      if (dense(next, denseEpochs, saved)) {
        return stopped();
      }
      phase = Phase.ADMM;
      next = 0;
      saved = null;
    }
    if (phase == Phase.ADMM) {
      if (admm(next, saved)) {
        return stopped();
      }
      phase = Phase.RETRAIN;
      next = 0;
      saved = null;
      hardPrune();
    } else {
      // resumed during retraining: the masks come from the checkpoint
      List<float[]> masks = new ArrayList<>();
      for (PrunedLayer l : pruned) {
        float[] m = new float[l.size()];
        Checkpoint.copy(saved, "mask/" + l.name(), m);
        masks.add(m);
      }
      solver.restoreMasks(masks);
    }
    if (retrain(next, saved)) {
      return stopped();
    }
    return finish();
  }

  // ---- phases ----------------------------------------------------------------------------------------

  /** Dense training; returns true when stopped early. */
  private boolean dense(int first, int epochs, SafeTensorsFile saved) throws IOException {
    Optimizer opt = Optimizers.create(cfg.dense(), model.parameters());
    Trainer trainer = trainer(opt, saved, "dense");
    for (int e = first; e < epochs; e++) {
      long t0 = System.nanoTime();
      opt.setLearningRate(cfg.dense().lrAt(e, epochs));
      EpochStats s = EpochRunner.run(trainer, o.data(), cfg.seed(), e,
          "dense " + (e + 1) + "/" + epochs, log);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      addPhaseSeconds("dense", sec);
      JsonObject rec = epochRecord(e + 1, s, acc, sec, opt.learningRate());
      array("dense_epochs").add(rec);
      log.line(String.format(Locale.ROOT, "dense   epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, epochs, s.meanLoss(), s.imagesPerSecond(), acc, sec));
      trainerSteps = trainer.steps();
      if (save(Phase.DENSE, e + 1, false, opt)) {
        return true;
      }
    }
    double baseline;
    JsonArray epochsDone = array("dense_epochs");
    if (epochs > 0 && epochsDone.size() > 0) {
      baseline = epochsDone.get(epochsDone.size() - 1).getAsJsonObject().get("accuracy").getAsDouble();
    } else {
      baseline = accuracy(trainer);
    }
    progress.addProperty("baseline_accuracy", baseline);
    SafeTensors.saveModel(model, o.out().resolve("dense.safetensors"), Map.of("phase", "dense"));
    log.line(String.format(Locale.ROOT, "baseline (dense) test accuracy %.2f%%", baseline));
    return false;
  }

  /** The ADMM iterations; returns true when stopped early. */
  private boolean admm(int first, SafeTensorsFile saved) throws IOException {
    TrainingSchedule w = cfg.admm();
    int iterations = cfg.admmIterations();
    int totalEpochs = iterations * w.epochs();
    int offset = cfg.dense().epochs();
    Optimizer opt = Optimizers.create(w, model.parameters());
    Trainer trainer = trainer(opt, saved, "admm");
    if (saved == null) {
      // before pruning: the dense weights' histograms; then Z^0 = Π(W^0), U^0 = 0
      JsonObject before = new JsonObject();
      for (PrunedLayer l : pruned) {
        before.add(l.name(), WeightHistogram.of(l.weight().data(), WeightHistogram.BINS, false).toJson());
      }
      progress.add("histograms_before", before);
      solver.initialize();
    } else {
      for (PrunedLayer l : pruned) {
        Checkpoint.copy(saved, "z/" + l.name(), l.z());
        Checkpoint.copy(saved, "u/" + l.name(), l.u());
      }
    }
    for (int k = first; k < iterations; k++) {
      long t0 = System.nanoTime();
      double rho = cfg.rho().at(k);
      // W-step (eq. 4): SGD epochs on f(W) + Σ ρ/2 ‖W − Z + U‖², the penalty fused into the optimizer
      solver.attachPenalty(opt, rho);
      EpochStats s = null;
      double lossSum = 0;
      for (int j = 0; j < w.epochs(); j++) {
        int epoch = k * w.epochs() + j;
        opt.setLearningRate(w.lrAt(epoch, totalEpochs));
        s = EpochRunner.run(trainer, o.data(), cfg.seed(), offset + epoch,
            "admm " + (k + 1) + "/" + iterations + (w.epochs() > 1 ? " epoch " + (j + 1) : ""), log);
        lossSum += s.meanLoss();
      }
      // Z-step (eq. 6) and U-step (eq. 7), fused per layer, layers in parallel
      long tz = System.nanoTime();
      List<LayerResiduals> res = solver.zAndUStep(rho);
      double zSeconds = seconds(tz);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      addPhaseSeconds("admm", sec);
      addPhaseSeconds("zstep", zSeconds);
      JsonObject rec = new JsonObject();
      rec.addProperty("iteration", k + 1);
      rec.addProperty("rho", rho);
      rec.addProperty("loss", lossSum / w.epochs());
      rec.addProperty("accuracy", acc);
      rec.addProperty("lr", opt.learningRate());
      rec.addProperty("images_per_second", s.imagesPerSecond());
      JsonObject primal = new JsonObject();
      JsonObject dual = new JsonObject();
      double primalSq = 0;
      double dualSq = 0;
      for (LayerResiduals r : res) {
        primal.addProperty(r.layer(), r.primal());
        dual.addProperty(r.layer(), r.dual());
        primalSq += r.primal() * r.primal();
        dualSq += r.dual() * r.dual();
      }
      rec.add("primal_residual", primal);
      rec.add("dual_residual", dual);
      rec.addProperty("seconds", sec);
      rec.addProperty("zstep_seconds", zSeconds);
      array("admm_iterations").add(rec);
      log.line(String.format(Locale.ROOT,
          "admm    iter  %2d/%d  rho %.4g  loss %.4f  %,7.0f img/s  test %.2f%%  |W-Z| %.4f  rho|dZ| %.4g  z-step %.1f ms",
          k + 1, iterations, rho, lossSum / w.epochs(), s.imagesPerSecond(), acc, Math.sqrt(primalSq),
          Math.sqrt(dualSq), zSeconds * 1e3));
      trainerSteps = trainer.steps();
      if (save(Phase.ADMM, k + 1, true, opt)) {
        return true;
      }
    }
    solver.detachPenalty(opt);
    return false;
  }

  private void hardPrune() throws IOException {
    solver.hardPrune(cfg.hardPrune());
    Optimizer none = Optimizers.create(cfg.retrain(), model.parameters());
    double acc = accuracy(trainer(none, null));
    progress.addProperty("hard_pruned_accuracy", acc);
    log.line(String.format(Locale.ROOT, "hard-pruned to %s's support: test %.2f%% before retraining",
        cfg.hardPrune().name(), acc));
  }

  /** Masked retraining; returns true when stopped early. */
  private boolean retrain(int first, SafeTensorsFile saved) throws IOException {
    TrainingSchedule r = cfg.retrain();
    int offset = cfg.dense().epochs() + cfg.admmIterations() * cfg.admm().epochs();
    Optimizer opt = Optimizers.create(r, model.parameters());
    Trainer trainer = trainer(opt, saved, "retrain");
    solver.attachMasks(opt);
    for (int e = first; e < r.epochs(); e++) {
      long t0 = System.nanoTime();
      opt.setLearningRate(r.lrAt(e, r.epochs()));
      EpochStats s = EpochRunner.run(trainer, o.data(), cfg.seed(), offset + e,
          "retrain " + (e + 1) + "/" + r.epochs(), log);
      double acc = accuracy(trainer);
      double sec = seconds(t0);
      addPhaseSeconds("retrain", sec);
      array("retrain_epochs").add(epochRecord(e + 1, s, acc, sec, opt.learningRate()));
      log.line(String.format(Locale.ROOT, "retrain epoch %2d/%d  loss %.4f  %,7.0f img/s  test %.2f%%  (%.1f s)",
          e + 1, r.epochs(), s.meanLoss(), s.imagesPerSecond(), acc, sec));
      trainerSteps = trainer.steps();
      if (save(Phase.RETRAIN, e + 1, false, opt)) {
        return true;
      }
    }
    return false;
  }

  private Result finish() throws IOException {
    JsonArray retrained = array("retrain_epochs");
    double finalAccuracy = retrained.size() > 0
        ? retrained.get(retrained.size() - 1).getAsJsonObject().get("accuracy").getAsDouble()
        : progress.get("hard_pruned_accuracy").getAsDouble();
    for (PrunedLayer l : pruned) {
      int nz = l.weight().countNonZero();
      if (nz > l.keep()) {
        throw new IllegalStateException(l.name() + " has " + nz + " non-zeros after retraining, target " + l.keep());
      }
    }
    List<LayerSummary> layers = LayerSummary.of(model);
    long total = 0;
    long nonzero = 0;
    for (LayerSummary s : layers) {
      total += s.weights();
      nonzero += s.nonzero();
    }
    double compression = nonzero == 0 ? Double.POSITIVE_INFINITY : (double) total / nonzero;
    double wall = progress.get("wall_seconds_before").getAsDouble() + seconds(lastWallMark);

    JsonObject report = new JsonObject();
    report.addProperty("model", cfg.model());
    report.addProperty("dataset", o.data().name());
    report.addProperty("preset", cfg.preset());
    report.addProperty("baseline_accuracy", progress.get("baseline_accuracy").getAsDouble());
    report.addProperty("final_accuracy", finalAccuracy);
    report.addProperty("hard_pruned_accuracy", progress.get("hard_pruned_accuracy").getAsDouble());
    report.addProperty("total_weights", total);
    report.addProperty("nonzero_weights", nonzero);
    report.addProperty("compression", compression);
    JsonArray layerArray = new JsonArray();
    long macsDense = 0;
    long macsPruned = 0;
    for (LayerSummary s : layers) {
      layerArray.add(s.toJson());
      macsDense += s.macsDense();
      macsPruned += s.macsPruned();
    }
    report.add("layers", layerArray);
    report.addProperty("macs_dense", macsDense);
    report.addProperty("macs_pruned", macsPruned);
    report.add("dense_epochs", array("dense_epochs"));
    report.add("admm_iterations", array("admm_iterations"));
    report.add("retrain_epochs", retrained);
    JsonObject histograms = new JsonObject();
    histograms.add("before", progress.getAsJsonObject("histograms_before"));
    JsonObject after = new JsonObject();
    for (PrunedLayer l : pruned) {
      after.add(l.name(), WeightHistogram.of(l.weight().data(), WeightHistogram.BINS, true).toJson());
    }
    histograms.add("after", after);
    report.add("histograms", histograms);
    JsonObject phases = new JsonObject();
    for (String p : List.of("dense", "admm", "zstep", "retrain")) {
      JsonObject ps = progress.getAsJsonObject("phases_seconds");
      phases.addProperty(p, ps.has(p) ? ps.get(p).getAsDouble() : 0.0);
    }
    report.add("phases_seconds", phases);
    report.addProperty("wall_seconds", wall);
    report.addProperty("seed", cfg.seed());
    report.addProperty("threads", cfg.threads());
    report.addProperty("jdk", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    report.addProperty("kernels", Kernels.describe());
    report.addProperty("admm4j_version", AdmmVersion.get());
    report.add("config", typedConfig(state.getAsJsonObject("config")));
    report.addProperty("command", progress.get("command").getAsString());
    report.addProperty("started_at", progress.get("started_at").getAsString());
    if (progress.has("from")) {
      report.addProperty("from", progress.get("from").getAsString());
    }
    report.addProperty("train_images", o.data().trainCount());
    report.addProperty("test_images", o.data().testCount());

    Path modelFile = o.out().resolve("model.safetensors");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("preset", cfg.preset());
    meta.put("compression", String.format(Locale.ROOT, "%.2f", compression));
    meta.put("final_accuracy", String.format(Locale.ROOT, "%.2f", finalAccuracy));
    SafeTensors.saveModel(model, modelFile, meta);
    // the compact form an embedding service loads (InferenceModel), from the file just written
    Path compactFile = o.out().resolve("model.a4jc");
    SafeTensorsFile written = SafeTensors.read(modelFile);
    CompactModelWriter.write(compactFile, new LinkedHashMap<>(written.tensors()), written.metadata());
    report.addProperty("model_bytes", Files.size(modelFile));
    report.addProperty("compact_model_bytes", Files.size(compactFile));
    Path json = o.out().resolve("report.json");
    JsonFiles.write(json, report);

    state.addProperty("phase", Phase.DONE.name());
    state.addProperty("next", 0);
    JsonFiles.write(checkpoint.dir().resolve(Checkpoint.STATE_FILE), state);

    log.line("");
    for (String line : LayerSummary.table(layers)) {
      log.line(line);
    }
    log.line(String.format(Locale.ROOT,
        "compression %.1fx (%,d of %,d weights)  baseline %.2f%%  final %.2f%%  MACs %,d -> %,d  wall %.1f s",
        compression, nonzero, total, progress.get("baseline_accuracy").getAsDouble(), finalAccuracy,
        macsDense, macsPruned, wall));
    double admmSec = phases.get("admm").getAsDouble();
    log.line(String.format(Locale.ROOT, "phases: dense %.1f s, ADMM %.1f s (Z-steps %.3f s = %.2f%%), retrain %.1f s",
        phases.get("dense").getAsDouble(), admmSec, phases.get("zstep").getAsDouble(),
        admmSec > 0 ? 100 * phases.get("zstep").getAsDouble() / admmSec : 0, phases.get("retrain").getAsDouble()));
    log.line("wrote " + modelFile + ", " + compactFile + ", " + json);
    return new Result(true, report, modelFile, json);
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private List<PrunedLayer> prunedLayers() throws ConfigException {
    LinkedHashMap<String, Integer> sizes = new LinkedHashMap<>();
    Map<String, Parameter> weights = new LinkedHashMap<>();
    for (Parameter p : model.parameters()) {
      if (p.isWeight()) {
        sizes.put(LayerSummary.layerName(p), p.size());
        weights.put(LayerSummary.layerName(p), p);
      }
    }
    LinkedHashMap<String, Integer> keep = LayerTargets.resolve(cfg.layers(), sizes, cfg.model());
    List<PrunedLayer> layers = new ArrayList<>();
    for (Map.Entry<String, Integer> e : keep.entrySet()) {
      layers.add(new PrunedLayer(e.getKey(), weights.get(e.getKey()), e.getValue()));
    }
    return layers;
  }

  private void checkInput() throws RunException {
    TrainingData d = o.data();
    int size = model.inputChannels() * model.inputHeight() * model.inputWidth();
    if (d.rows() * d.cols() != size) {
      throw new RunException("dataset " + d.name() + " has " + d.rows() + "x" + d.cols() + " images but model "
          + cfg.model() + " takes " + model.inputChannels() + "x" + model.inputHeight() + "x" + model.inputWidth());
    }
    if (d.trainCount() == 0 || d.testCount() == 0) {
      throw new RunException("dataset " + d.name() + " has no training or no test images");
    }
  }

  private void checkData() throws RunException {
    JsonObject data = state.getAsJsonObject("data");
    if (data.get("train").getAsInt() != o.data().trainCount() || data.get("test").getAsInt() != o.data().testCount()
        || !data.get("name").getAsString().equals(o.data().name())) {
      throw new RunException("the checkpoint in " + o.out() + " was made with " + data.get("name").getAsString()
          + " (" + data.get("train") + " training, " + data.get("test") + " test images), but this run has "
          + o.data().name() + " (" + o.data().trainCount() + ", " + o.data().testCount() + ")");
    }
  }

  private Trainer trainer(Optimizer opt, SafeTensorsFile saved) throws IOException {
    return trainer(opt, saved, "eval");
  }

  /** A trainer for {@code phase} (dense, admm, retrain) with the configured augmentation and distillation. */
  private Trainer trainer(Optimizer opt, SafeTensorsFile saved, String phase) throws IOException {
    Trainer t = new Trainer(model, opt, cfg.threads(), cfg.batch());
    t.setSteps(trainerSteps);
    t.setAugmentation(cfg.augmentShift(), o.data().blankPixel(), cfg.seed());
    Distillation d = cfg.distillation();
    if (d.activeIn(phase)) {
      // the teacher is the dense model the pruning started from, as saved after the dense phase
      Model teacher = o.models().apply(cfg.model(), cfg.seed());
      SafeTensors.loadModel(teacher, o.out().resolve("dense.safetensors"));
      t.setTeacher(teacher, d.weight(), d.temperature());
    }
    if (saved != null) {
      opt.loadState(Checkpoint.optimizerState(saved));
    }
    return t;
  }

  private double accuracy(Trainer trainer) {
    TrainingData d = o.data();
    return trainer.accuracy(d.testImages(), d.testLabels(), d.testCount());
  }

  /** Writes a checkpoint; returns true when the run must stop now ({@link Options#stopAfterCheckpoints}). */
  private boolean save(Phase phase, int next, boolean withZu, Optimizer opt) throws IOException {
    state.addProperty("phase", phase.name());
    state.addProperty("next", next);
    state.addProperty("trainer_steps", trainerSteps);
    progress.addProperty("wall_seconds_before",
        progress.get("wall_seconds_before").getAsDouble() + seconds(lastWallMark));
    lastWallMark = System.nanoTime();
    state.add("progress", progress);
    checkpoint.save(state, model, pruned, withZu, opt);
    checkpointsWritten++;
    return o.stopAfterCheckpoints() > 0 && checkpointsWritten >= o.stopAfterCheckpoints();
  }

  private long lastWallMark = System.nanoTime();

  private Result stopped() {
    log.line("stopped after " + checkpointsWritten + " checkpoint(s); continue with --resume " + o.out());
    return new Result(false, null, null, null);
  }

  private JsonArray array(String name) {
    if (!progress.has(name)) {
      progress.add(name, new JsonArray());
    }
    return progress.getAsJsonArray(name);
  }

  private void addPhaseSeconds(String phase, double sec) {
    JsonObject ps = progress.getAsJsonObject("phases_seconds");
    ps.addProperty(phase, (ps.has(phase) ? ps.get(phase).getAsDouble() : 0) + sec);
  }

  private static JsonObject epochRecord(int epoch, EpochStats s, double acc, double sec, float lr) {
    JsonObject rec = new JsonObject();
    rec.addProperty("epoch", epoch);
    rec.addProperty("loss", s.meanLoss());
    rec.addProperty("accuracy", acc);
    rec.addProperty("lr", lr);
    rec.addProperty("images_per_second", s.imagesPerSecond());
    rec.addProperty("seconds", sec);
    return rec;
  }

  /** The flat settings with numbers as JSON numbers (the checkpoint keeps them as strings). */
  private static JsonObject typedConfig(JsonObject settings) {
    JsonObject typed = new JsonObject();
    for (Map.Entry<String, JsonElement> e : settings.entrySet()) {
      String v = e.getValue().getAsString();
      try {
        if (v.matches("-?\\d+")) {
          typed.addProperty(e.getKey(), Long.parseLong(v));
          continue;
        }
        if (v.matches("-?[0-9.]+([eE]-?\\d+)?")) {
          typed.addProperty(e.getKey(), Double.parseDouble(v));
          continue;
        }
      } catch (NumberFormatException ignored) {
        // not a number after all: keep the string
      }
      typed.addProperty(e.getKey(), v);
    }
    return typed;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
