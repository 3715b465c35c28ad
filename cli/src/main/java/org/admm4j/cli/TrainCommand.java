package org.admm4j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.admm.pipeline.DataFit;
import org.admm4j.admm.pipeline.DenseTraining;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code admm4j train}: dense training, writing model.safetensors and report.json. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a model densely; prints a line per epoch and writes model.safetensors and report.json.")
final class TrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--model", description = "Model: lenet5, lenet-300-100, convnet, or an architecture spec FILE.json "
      + "(default ${DEFAULT-VALUE}).")
  String model = "lenet5";

  @Option(names = "--dataset", description = "mnist, fashion-mnist, npy:DIR, cifar10:DIR or folder:DIR "
      + "(default ${DEFAULT-VALUE}).")
  String dataset = "mnist";

  @Option(names = "--normalize", paramLabel = "MEAN/STD", converter = NormalizeOption.class,
      description = NormalizeOption.DESCRIPTION)
  InputNormalization normalize;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/train-<timestamp>).")
  Path out;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder holding the dataset's IDX files.")
  Path data;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--batch", paramLabel = "B", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch = 64;

  @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default ${DEFAULT-VALUE}).")
  float lr = 0.03f;

  @Option(names = "--optimizer", description = "sgd or adam (default ${DEFAULT-VALUE}).")
  String optimizer = "sgd";

  @Option(names = "--momentum", description = "SGD momentum (default ${DEFAULT-VALUE}).")
  float momentum = 0.9f;

  @Option(names = "--weight-decay", description = "Weight decay (default ${DEFAULT-VALUE}).")
  float weightDecay = 5e-4f;

  @Option(names = "--schedule", description = "constant, step or cosine (default ${DEFAULT-VALUE}).")
  String schedule = "cosine";

  @Option(names = "--shift", paramLabel = "N", description = "Shift training images by up to N pixels at random "
      + "(augmentation; default ${DEFAULT-VALUE} = off).")
  int shift = 0;

  @Option(names = "--flip", description = "Mirror training images horizontally at random (augmentation).")
  boolean flip;

  @Option(names = "--force", description = "Overwrite a non-empty --out folder.")
  boolean force;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  @Option(names = "--train-limit", hidden = true)
  int trainLimit;

  @Option(names = "--test-limit", hidden = true)
  int testLimit;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter pw = spec.commandLine().getOut();
    TerminalProgress listener = new TerminalProgress(pw, !noProgress && System.console() != null);
    Path dir = out != null ? out : OutputFolder.timestamped("train-");
    OutputFolder.check(dir, force);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Model m;
    try {
      m = ModelSource.spec(model).build(seed);
    } catch (IllegalArgumentException e) {
      throw new RunException("--model " + model + ": " + e.getMessage());
    }
    TrainingData td = DataSource.load(dataset, data, trainLimit, testLimit, normalize, listener);
    DataFit.check(m, td, model);
    OutputFolder.prepare(dir, force);
    String started = Instant.now().toString();
    long t0 = System.nanoTime();
    listener.line("admm4j " + VersionInfo.version() + ": training " + model + " on " + td.name() + " ("
        + td.trainCount() + " images), " + epochs + " epochs, " + t + " threads, batch " + batch);
    TrainingSchedule sched = new TrainingSchedule(epochs, optimizer, lr, momentum, weightDecay, schedule);
    ForkJoinPool pool = new ForkJoinPool(t);
    DenseTraining.Outcome r;
    try {
      r = DenseTraining.run(m, td, sched, pool, batch, seed, shift, flip, listener);
    } finally {
      pool.shutdown();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    Path modelFile = dir.resolve("model.safetensors");
    SafeTensors.saveModel(m, modelFile, ModelMetadata.of(m, td.normalization(),
        Map.of("test_accuracy", String.format(Locale.ROOT, "%.2f", r.accuracy()))));
    JsonObject rep = new JsonObject();
    rep.addProperty("model", model);
    rep.addProperty("dataset", td.name());
    rep.addProperty("epochs", epochs);
    rep.addProperty("threads", t);
    rep.addProperty("seed", seed);
    rep.addProperty("batch", batch);
    rep.addProperty("optimizer", optimizer);
    rep.addProperty("lr", lr);
    rep.addProperty("schedule", schedule);
    rep.addProperty("augment_shift", shift);
    rep.addProperty("augment_flip", flip);
    rep.addProperty("test_accuracy", r.accuracy());
    rep.addProperty("train_images_per_second", r.imagesPerSecond());
    rep.addProperty("wall_seconds", wall);
    rep.addProperty("jdk", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    rep.addProperty("kernels", Kernels.describe());
    rep.addProperty("admm4j_version", VersionInfo.version());
    rep.addProperty("command", "admm4j " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    rep.addProperty("started_at", started);
    JsonArray detail = new JsonArray();
    for (DenseTraining.Epoch e : r.epochs()) {
      JsonObject o = new JsonObject();
      o.addProperty("epoch", e.epoch());
      o.addProperty("loss", e.loss());
      o.addProperty("train_accuracy", e.trainAccuracy());
      o.addProperty("accuracy", e.accuracy());
      o.addProperty("lr", e.lr());
      o.addProperty("images_per_second", e.imagesPerSecond());
      o.addProperty("seconds", e.seconds());
      detail.add(o);
    }
    rep.add("epochs_detail", detail);
    Path json = dir.resolve("report.json");
    JsonFiles.write(json, rep);
    listener.line(String.format(Locale.ROOT, "test accuracy %.2f%%, %,.0f training images/s, %.1f s; wrote %s, %s",
        r.accuracy(), r.imagesPerSecond(), wall, modelFile, json));
    return 0;
  }

  private void validate() {
    String problem = null;
    if (epochs < 0) {
      problem = "--epochs must be ≥ 0, got " + epochs;
    } else if (shift < 0 || shift > 8) {
      problem = "--shift must be in [0, 8] pixels, got " + shift;
    } else if (batch < 1) {
      problem = "--batch must be ≥ 1, got " + batch;
    } else if (threads != null && threads < 1) {
      problem = "--threads must be ≥ 1, got " + threads;
    } else if (!(lr > 0) || Float.isInfinite(lr)) {
      problem = "--lr must be a positive number, got " + lr;
    } else if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
      problem = "--optimizer must be sgd or adam, got " + optimizer;
    } else if (!(momentum >= 0 && momentum < 1)) {
      problem = "--momentum must be in [0, 1), got " + momentum;
    } else if (!(weightDecay >= 0)) {
      problem = "--weight-decay must be ≥ 0, got " + weightDecay;
    } else if (!schedule.equals("constant") && !schedule.equals("step") && !schedule.equals("cosine")) {
      problem = "--schedule must be constant, step or cosine, got " + schedule;
    }
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
  }

}
