package org.admm4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.pipeline.Phase;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunState;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.cli.config.ConfigResolver;
import org.admm4j.cli.config.ConfigSettings;
import org.admm4j.cli.config.Presets;
import org.admm4j.cli.config.PruningConfig;
import org.admm4j.cli.report.HtmlReport;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Models;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.spec.ModelSpec;
import org.admm4j.spark.EpochLength;
import org.admm4j.spark.HadoopRunFolder;
import org.admm4j.spark.SparkPrune;
import org.admm4j.spark.SparkRunState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code admm4j prune}: the main job. */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train (or load) a model, prune it with ADMM, hard-prune, retrain with the mask fixed, and write",
        "model.safetensors, report.json and report.html. With no options: the " + Presets.DEFAULT
            + " preset on MNIST.",
        "Settings, lowest precedence first: the preset, --config FILE, then the flags below."})
final class PruneCommand implements Callable<Integer> {

  /** Where {@code --from x.onnx}'s imported weights are written in the run folder for the pipeline. */
  static final String ONNX_START = "from-onnx.safetensors";

  @Spec
  CommandSpec spec;

  @Option(names = "--preset", paramLabel = "NAME", description = "Preset: ${COMPLETION-CANDIDATES} (default "
      + Presets.DEFAULT + ").", completionCandidates = PresetNames.class)
  String preset;

  @Option(names = "--config", paramLabel = "FILE", description = "Settings file (JSON or properties).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, e.g. --set rho.growth=1.5 (repeatable).")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--keep", paramLabel = "LAYER=FRACTION",
      description = "Keep this fraction of a layer's weights (name or glob, repeatable); replaces the preset's layer targets.")
  Map<String, String> keep = new LinkedHashMap<>();

  @Option(names = "--nonzeros", paramLabel = "LAYER=COUNT",
      description = "Keep exactly COUNT weights of a layer (repeatable); replaces the preset's layer targets.")
  Map<String, String> nonzeros = new LinkedHashMap<>();

  @Option(names = "--structure", paramLabel = "LAYER=KIND",
      description = "What a layer's pruning removes: filter, channel, column or weight (default), e.g. --structure "
          + "kind:conv=filter (repeatable); under filter, channel or column, --keep is the fraction of those kept, "
          + "and pruned filters are removed from the saved model.")
  Map<String, String> structure = new LinkedHashMap<>();

  @Option(names = "--compression", paramLabel = "R",
      description = "Global target: R× fewer conv and linear weights, split over the layers after dense training"
          + " (replaces the preset's layer targets; allocation.method = sensitivity (default) or magnitude,"
          + " allocation.floor, allocation.images; sets 'compression').")
  String compression;

  @Option(names = "--model", description = "Model: a built-in name or an architecture spec FILE.json (sets 'model').")
  String model;

  @Option(names = "--dataset", description = "mnist, fashion-mnist, npy:DIR, cifar10:DIR or folder:DIR (sets 'dataset').")
  String dataset;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder holding the dataset's IDX files.")
  Path data;

  @Option(names = "--from", paramLabel = "FILE", description = "Start from this trained model (any model file admm4j wrote, "
      + "or an ONNX file; its architecture unless --model is given) instead of dense training.")
  Path from;

  @Option(names = "--normalize", paramLabel = "MEAN/STD", converter = NormalizeOption.class,
      description = NormalizeOption.DESCRIPTION)
  InputNormalization normalize;

  @Option(names = "--dense-epochs", paramLabel = "N", description = "Dense training epochs (sets dense.epochs).")
  Integer denseEpochs;

  @Option(names = "--iterations", paramLabel = "N", description = "ADMM iterations (sets admm.iterations).")
  Integer iterations;

  @Option(names = "--admm-epochs", paramLabel = "N", description = "W-step epochs per ADMM iteration (sets admm.epochs).")
  Integer admmEpochs;

  @Option(names = "--retrain-epochs", paramLabel = "N", description = "Masked retraining epochs (sets retrain.epochs).")
  Integer retrainEpochs;

  @Option(names = "--rho", paramLabel = "RHO", description = "Initial ADMM penalty ρ (sets rho.initial).")
  String rho;

  @Option(names = "--lr", paramLabel = "LR", description = "W-step learning rate (sets admm.lr).")
  String lr;

  @Option(names = "--batch", paramLabel = "B", description = "Batch size (sets batch).")
  Integer batch;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation and data order (sets seed).")
  Long seed;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (sets threads; default: all cores).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/<timestamp>); with"
      + " --spark also a Hadoop file system URI (hdfs://..., s3a://..., file:/...).")
  RunFolderOption outFolder;

  @Option(names = "--force", description = "Overwrite a non-empty --out folder.")
  boolean force;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run in DIR (its settings are"
      + " kept); with --spark also a Hadoop file system URI.")
  RunFolderOption resumeFolder;

  @Option(names = "--spark", paramLabel = "MASTER", description = "Run on Spark: local[N] or local-cluster[W,C,MB] in"
      + " this JVM, spark://HOST:PORT and the like, or 'submit' under spark-submit (consensus ADMM, spark/README.md).")
  String sparkMaster;

  @Option(names = "--partitions", paramLabel = "P", description = "With --spark: data partitions, one task each"
      + " (default 2).")
  Integer partitions;

  @Option(names = "--sync-batches", paramLabel = "H", description = "With --spark: average dense training and"
      + " retraining every H batches instead of after every pass over a partition's shard.")
  Integer syncBatches;

  @Option(names = "--epoch-length", paramLabel = "L", description = "With --spark: what an epoch is on a"
      + " partition: local-steps (default: P passes over its shard, the local run's optimizer steps) or shard-pass"
      + " (one pass: 1/P of the time, lower accuracy).")
  String epochLength;

  @Option(names = "--no-progress", description = "No progress bars (they are also off when no console is attached).")
  boolean noProgress;

  @Option(names = "--stop-after", hidden = true, description = "Stop after N checkpoints, as if killed (tests).")
  int stopAfter;

  @Option(names = "--train-limit", hidden = true, description = "Use only the first N training images.")
  int trainLimit;

  @Option(names = "--test-limit", hidden = true, description = "Use only the first N test images.")
  int testLimit;

  /** The run folder to resume: {@code --resume}'s, or the staging folder of its Hadoop URI. */
  private Path resume;
  /** The run folder as the user named it (a URI stays one). */
  private String shown;
  /** A Spark run's folder on a Hadoop file system (spark/README.md, "Run folder"), or null. */
  private HadoopRunFolder remote;

  @Override
  public Integer call() throws Exception {
    try {
      return prune();
    } finally {
      if (remote != null) {
        // its files are at the URI by now (a failed run's up to its last checkpoint)
        remote.close();
      }
    }
  }

  private int prune() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TerminalProgress progress = new TerminalProgress(out, !noProgress && System.console() != null);
    String command = "admm4j " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    PrunePlan plan;
    AllocationTarget allocation = null;
    int threadCount;
    Path dir;
    int trainLim = trainLimit;
    int testLim = testLimit;
    InputNormalization normalization = normalize;
    StoredModel onnx = null;
    RunState saved = null;
    if (resumeFolder != null) {
      if (configGiven()) {
        throw new RunException("--resume continues a run with its saved settings; drop the setting flags"
            + " (--preset, --config, --set, --keep, ...) or start a new run");
      }
      shown = resumeFolder.text();
      if (resumeFolder.isUri()) {
        requireSpark("--resume " + resumeFolder);
        remote = HadoopRunFolder.download(resumeFolder.text());
        resume = remote.local();
      } else {
        resume = resumeFolder.local();
        if (!Files.isDirectory(resume)) {
          throw new RunException("--resume " + resume + ": no such folder");
        }
      }
      saved = PruneRun.saved(resume);
      if (saved.phase() == Phase.DONE) {
        // killed after the library's last write, before the page: the page is all that is missing
        Path html = resume.resolve("report.html");
        if (!Files.isRegularFile(html) && Files.isRegularFile(resume.resolve("report.json"))) {
          AtomicFile.removeLeftovers(resume);
          HtmlReport.write(resume.resolve("report.json"), html);
          if (remote != null) {
            remote.publish();
          }
          progress.line("the run in " + shown + " had finished; wrote its missing " + shownFile("report.html", html));
          out.flush();
          return 0;
        }
        throw new RunException("the run in " + shown + " has already finished; nothing to resume");
      }
      plan = saved.plan();
      threadCount = saved.threads();
      trainLim = saved.data().trainLimit();
      testLim = saved.data().testLimit();
      dir = resume;
      normalization = RunNormalization.read(resume);
    } else {
      PruningConfig cfg = ConfigResolver.resolve(config, flagSettings());
      plan = cfg.plan();
      allocation = cfg.allocation();
      threadCount = cfg.threads();
      if (outFolder != null && outFolder.isUri()) {
        if (sparkMaster == null) {
          throw needsSpark("--out " + outFolder);
        }
        // the folder there is checked, and its staging folder made, once Spark (and Hadoop) is known to be here
        dir = null;
        shown = outFolder.text();
      } else {
        dir = outFolder != null ? outFolder.local() : OutputFolder.timestamped("");
        shown = dir.toString();
      }
      if (from != null && !Files.isRegularFile(from)) {
        throw new RunException("--from " + from + ": no such file");
      }
      if (dir != null) {
        OutputFolder.check(dir, force);
      }
      if (from != null && ModelSource.isOnnx(from)) {
        try {
          onnx = ModelSource.load(from);
        } catch (IOException e) {
          throw new RunException("--from " + from + ": " + e.getMessage());
        }
        if (normalization == null) {
          normalization = onnx.normalization();
        }
      }
    }
    if (sparkMaster != null) {
      if (allocation != null) {
        throw new RunException("--spark does not take --compression yet: give the layer targets (--keep, --nonzeros)");
      }
      return spark(plan, threadCount, dir, trainLim, testLim, command, progress, out, saved);
    }
    if (partitions != null || syncBatches != null || epochLength != null) {
      throw new RunException((partitions != null ? "--partitions " + partitions : syncBatches != null
          ? "--sync-batches " + syncBatches : "--epoch-length " + epochLength) + " needs --spark MASTER");
    }
    TrainingData td = DataSource.load(plan.dataset(), data, trainLim, testLim, normalization, progress);
    Path start = from;
    if (resume == null) {
      OutputFolder.prepare(dir, force);
      if (normalization != null) {
        RunNormalization.write(dir, normalization);
      }
      if (onnx != null) {
        // the pipeline starts from safetensors: the imported weights, with the normalisation the run uses
        start = dir.resolve(ONNX_START);
        ModelFiles.write(start, ModelFiles.Format.SAFETENSORS, onnx.model(), td.normalization(),
            Map.of("source", from.toString()));
      }
    }
    progress.line("admm4j " + VersionInfo.version() + ": preset " + plan.preset() + ", " + plan.model() + " on "
        + td.name() + " (" + td.trainCount() + " training, " + td.testCount() + " test images), "
        + threadCount + " threads, seed " + plan.seed() + ", out " + dir);
    ForkJoinPool pool = new ForkJoinPool(threadCount);
    try {
      PruneRun run = resume != null ? PruneRun.resume(resume, ModelSource::create, td, pool)
          : PruneRun.of(plan, ModelSource::create, td, pool).writeTo(dir).startFrom(start).dataLimits(trainLim, testLim)
              .allocate(allocation);
      PruneResult r = run.log(progress).command(command).listener(stopAfter(stopAfter)).run();
      if (r.finished()) {
        // the library writes report.json; the page that charts it belongs to the command line
        Path html = dir.resolve("report.html");
        HtmlReport.write(r.reportJson(), html);
        progress.line("wrote " + html);
      } else {
        progress.line("stopped; continue with --resume " + dir);
      }
    } finally {
      pool.shutdown();
    }
    out.flush();
    return 0;
  }


  /**
   * {@code --spark MASTER}: the plan as consensus ADMM on Spark (spark module), then report.html as a local run;
   * with {@code --resume}, the Spark run in that folder ({@code saved} its state), on its partition count unless
   * {@code --partitions} says otherwise (which the run then refuses, naming both).
   */
  private int spark(PrunePlan plan, int threadCount, Path dir, int trainLim, int testLim, String command,
      TerminalProgress progress, PrintWriter out, RunState saved) throws Exception {
    if (from != null || normalize != null) {
      throw new RunException("--spark does not take --from or --normalize yet");
    }
    EpochLength length;
    try {
      length = epochLength == null ? EpochLength.LOCAL_STEPS : EpochLength.of(epochLength);
    } catch (IllegalArgumentException e) {
      throw new RunException("--epoch-length " + epochLength + ": expected local-steps or shard-pass");
    }
    if (resume != null && (syncBatches != null || epochLength != null)) {
      throw new RunException("--resume continues a run with its saved settings; drop "
          + (syncBatches != null ? "--sync-batches" : "--epoch-length") + " or start a new run");
    }
    requireSpark("--spark " + sparkMaster);
    SparkRunState sparkState = resume == null ? null : SparkRunState.of(saved, resume);
    if (sparkState != null && partitions != null && partitions != sparkState.partitions()) {
      // refused before Spark starts; SparkPruneRun.resume refuses it too, for callers of the library
      throw new RunException("--partitions " + partitions + ": the run in " + shown + " ran on "
          + sparkState.partitions() + " partitions; resume it on as many (drop --partitions)");
    }
    int p = partitions != null ? partitions : sparkState != null ? sparkState.partitions() : 2;
    if (syncBatches != null && syncBatches < 0) {
      throw new RunException("--sync-batches must be at least 0, got " + syncBatches);
    }
    if (resume == null) {
      if (dir == null) {
        remote = HadoopRunFolder.create(outFolder.text(), force);
        dir = remote.local();
      } else {
        OutputFolder.prepare(dir, force);
      }
    }
    progress.line("admm4j " + VersionInfo.version() + ": preset " + plan.preset() + ", " + plan.model() + " on "
        + plan.dataset() + ", Spark " + sparkMaster + ", " + p + " partitions, " + threadCount
        + " threads per task, seed " + plan.seed() + ", out " + shown);
    PruneResult r = SparkPrune.run(new SparkPrune.Job(sparkMaster, p, threadCount, plan,
        ModelSource::create, plan.dataset(), data == null ? null : data.toString(), trainLim, testLim, dir,
        command, syncBatches == null ? 0 : syncBatches, length, resume != null, stopAfter(stopAfter), remote),
        progress);
    if (r.finished()) {
      Path html = dir.resolve("report.html");
      HtmlReport.write(r.reportJson(), html);
      if (remote != null) {
        remote.publish();
      }
      progress.line("wrote " + shownFile("report.html", html));
    } else {
      progress.line("stopped; continue with --spark " + sparkMaster + " --resume " + shown);
    }
    out.flush();
    return 0;
  }

  /** A file of the run folder as the user knows it: at the URI, not in its staging folder. */
  private String shownFile(String name, Path local) {
    return remote != null ? remote.uri().replaceAll("/+$", "") + "/" + name : local.toString();
  }

  private RunException needsSpark(String what) {
    return new RunException(what + ": a Hadoop file system URI is for a Spark run's folder; add --spark MASTER, or"
        + " give a local folder");
  }

  /** Refuses {@code what} unless it is a Spark run and Spark (with Hadoop) is on the class path. */
  private void requireSpark(String what) throws RunException {
    if (sparkMaster == null) {
      throw needsSpark(what);
    }
    if (!SparkPrune.available()) {
      throw new RunException("--spark needs Spark 4 (Scala 2.13) on the class path: ./admm4j adds it (from"
          + " SPARK_HOME/jars, or the jars Maven resolved for the spark module); under spark-submit it is there");
    }
  }

  /**
   * The network {@code --from}'s file carries: a built-in name when it is a zoo network (so a preset's
   * layer targets still apply), else the file itself ({@link ModelSource} reads its architecture).
   */
  private String fromArchitecture() throws ConfigException {
    if (!Files.isRegularFile(from)) {
      return null; // call() reports the missing file
    }
    ModelSpec spec;
    try {
      spec = ModelSource.spec(from.toString());
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--from " + from + ": " + e.getMessage());
    }
    for (String name : Models.names()) {
      if (Models.spec(name).equals(spec)) {
        return name;
      }
    }
    return from.toString();
  }

  /** The hidden {@code --stop-after N}: stops the run after N epochs or iterations, as if killed (tests). */
  private static PruneListener stopAfter(int events) {
    return events > 0 ? PruneListener.stopAfter(events) : PruneListener.NONE;
  }

  private boolean configGiven() {
    return preset != null || config != null || !set.isEmpty() || !keep.isEmpty() || !nonzeros.isEmpty()
        || !structure.isEmpty() || compression != null
        || model != null || dataset != null || from != null || normalize != null || denseEpochs != null
        || iterations != null
        || admmEpochs != null || retrainEpochs != null || rho != null || lr != null || batch != null
        || seed != null || threads != null || outFolder != null || force;
  }

  private ConfigSettings flagSettings() throws ConfigException {
    ConfigSettings s = new ConfigSettings();
    put(s, "preset", preset, "--preset");
    for (Map.Entry<String, String> e : set.entrySet()) {
      s.put(e.getKey().trim(), e.getValue().trim(), "--set");
    }
    for (Map.Entry<String, String> e : keep.entrySet()) {
      s.put(ConfigSettings.LAYERS_PREFIX + e.getKey().trim() + ConfigSettings.KEEP_SUFFIX, e.getValue().trim(), "--keep");
    }
    for (Map.Entry<String, String> e : nonzeros.entrySet()) {
      s.put(ConfigSettings.LAYERS_PREFIX + e.getKey().trim() + ConfigSettings.NONZEROS_SUFFIX, e.getValue().trim(),
          "--nonzeros");
    }
    for (Map.Entry<String, String> e : structure.entrySet()) {
      s.put(ConfigSettings.LAYERS_PREFIX + e.getKey().trim() + ConfigSettings.STRUCTURE_SUFFIX, e.getValue().trim(),
          "--structure");
    }
    if (model != null) {
      put(s, "model", model, "--model");
    } else if (from != null) {
      put(s, "model", fromArchitecture(), "--from");
    }
    put(s, "dataset", dataset, "--dataset");
    put(s, "compression", compression, "--compression");
    put(s, "dense.epochs", denseEpochs, "--dense-epochs");
    put(s, "admm.iterations", iterations, "--iterations");
    put(s, "admm.epochs", admmEpochs, "--admm-epochs");
    put(s, "retrain.epochs", retrainEpochs, "--retrain-epochs");
    put(s, "rho.initial", rho, "--rho");
    put(s, "admm.lr", lr, "--lr");
    put(s, "batch", batch, "--batch");
    put(s, "seed", seed, "--seed");
    put(s, "threads", threads, "--threads");
    return s;
  }

  private static void put(ConfigSettings s, String key, Object value, String flag) {
    if (value != null) {
      s.put(key, value.toString(), flag);
    }
  }

  /** Completion candidates and help text of --preset. */
  static final class PresetNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Presets.names().iterator();
    }
  }
}
