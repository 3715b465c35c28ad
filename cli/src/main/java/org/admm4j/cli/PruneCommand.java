package org.admm4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.admm4j.cli.config.ConfigResolver;
import org.admm4j.cli.config.ConfigSettings;
import org.admm4j.cli.config.Presets;
import org.admm4j.cli.config.PruningConfigParser;
import org.admm4j.cli.report.HtmlReport;
import org.admm4j.admm.config.PruningConfig;
import org.admm4j.admm.pipeline.PrunePipeline;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.TrainingData;
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

  @Option(names = "--model", description = "Model (sets 'model').")
  String model;

  @Option(names = "--dataset", description = "mnist or fashion-mnist (sets 'dataset').")
  String dataset;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder holding the dataset's IDX files.")
  Path data;

  @Option(names = "--from", paramLabel = "FILE", description = "Start from this trained model (safetensors) instead of dense training.")
  Path from;

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

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/<timestamp>).")
  Path out;

  @Option(names = "--force", description = "Overwrite a non-empty --out folder.")
  boolean force;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run in DIR (its settings are kept).")
  Path resume;

  @Option(names = "--no-progress", description = "No progress bars (they are also off when no console is attached).")
  boolean noProgress;

  @Option(names = "--stop-after", hidden = true, description = "Stop after N checkpoints, as if killed (tests).")
  int stopAfter;

  @Option(names = "--train-limit", hidden = true, description = "Use only the first N training images.")
  int trainLimit;

  @Option(names = "--test-limit", hidden = true, description = "Use only the first N test images.")
  int testLimit;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TerminalProgress listener = new TerminalProgress(out, !noProgress && System.console() != null);
    String command = "admm4j " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    PruningConfig cfg;
    Path dir;
    int trainLim = trainLimit;
    int testLim = testLimit;
    if (resume != null) {
      if (configGiven()) {
        throw new RunException("--resume continues a run with its saved settings; drop the setting flags"
            + " (--preset, --config, --set, --keep, ...) or start a new run");
      }
      if (!Files.isDirectory(resume)) {
        throw new RunException("--resume " + resume + ": no such folder");
      }
      PrunePipeline.SavedRun saved = PrunePipeline.saved(resume);
      if (saved.finished()) {
        throw new RunException("the run in " + resume + " has already finished; nothing to resume");
      }
      cfg = PruningConfigParser.parse(ConfigSettings.of(saved.settings(), "checkpoint"));
      trainLim = saved.trainLimit();
      testLim = saved.testLimit();
      dir = resume;
    } else {
      cfg = ConfigResolver.resolve(config, flagSettings());
      dir = this.out != null ? this.out : OutputFolder.timestamped("");
      if (from != null && !Files.isRegularFile(from)) {
        throw new RunException("--from " + from + ": no such file");
      }
      OutputFolder.check(dir, force);
    }
    TrainingData td = DataSource.load(cfg.dataset(), data, trainLim, testLim, listener);
    if (resume == null) {
      OutputFolder.prepare(dir, force);
    }
    listener.line("admm4j " + VersionInfo.version() + ": preset " + cfg.preset() + ", " + cfg.model() + " on "
        + td.name() + " (" + td.trainCount() + " training, " + td.testCount() + " test images), "
        + cfg.threads() + " threads, seed " + cfg.seed() + ", out " + dir);
    PrunePipeline.Result r = PrunePipeline.run(new PrunePipeline.Options(cfg, td, dir, resume == null ? from : null,
        resume != null, stopAfter, trainLim, testLim, command, listener));
    if (r.finished()) {
      // the library writes report.json; the page that charts it belongs to the command line
      Path html = dir.resolve("report.html");
      HtmlReport.write(r.report(), html);
      listener.line("wrote " + html);
    }
    out.flush();
    return 0;
  }

  private boolean configGiven() {
    return preset != null || config != null || !set.isEmpty() || !keep.isEmpty() || !nonzeros.isEmpty()
        || model != null || dataset != null || from != null || denseEpochs != null || iterations != null
        || admmEpochs != null || retrainEpochs != null || rho != null || lr != null || batch != null
        || seed != null || threads != null || out != null || force;
  }

  private ConfigSettings flagSettings() {
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
    put(s, "model", model, "--model");
    put(s, "dataset", dataset, "--dataset");
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
