package org.admm4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetLocator;
import org.admm4j.datasets.TrainTestSplit;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.Kernels;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactExport;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code admm4j eval}: accuracy, batch-1 latency and batch-64 throughput of a trained model on the dense
 * and on the sparse path, and its size as dense float32 safetensors and as a compact file.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a model on the test set: accuracy, latency (batch 1) and throughput (batch 64) "
        + "on the dense and the sparse path, and its dense and compact sizes.")
final class EvalCommand implements Callable<Integer> {

  /** Images per throughput call, as the issue defines throughput. */
  static final int THROUGHPUT_BATCH = 64;

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A run folder (model.safetensors, model.a4jc or model.onnx in it) or a model file "
          + "(.safetensors, .a4jc, .onnx).")
  Path model;

  @Option(names = "--normalize", paramLabel = "MEAN/STD", converter = NormalizeOption.class,
      description = NormalizeOption.DESCRIPTION)
  InputNormalization normalize;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path json;

  @Option(names = "--dataset", description = "mnist, fashion-mnist, npy:DIR, cifar10:DIR or folder:DIR "
      + "(default: the run's report.json, else mnist).")
  String dataset;

  @Option(names = "--predictions", paramLabel = "FILE",
      description = "Also write the sparse path's class of every test image to FILE, one per line.")
  Path predictions;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder holding the dataset's IDX files.")
  Path data;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads calling the model at once for the throughput figures (default: all cores).")
  Integer threads;

  @Option(names = "--seconds", paramLabel = "S",
      description = "Seconds per timing phase (default ${DEFAULT-VALUE}).")
  double seconds = 2;

  @Option(names = "--test-limit", hidden = true)
  int testLimit;

  @Override
  public Integer call() throws Exception {
    if (threads != null && threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be ≥ 1, got " + threads);
    }
    if (!(seconds > 0) || seconds > 3600) {
      throw new ParameterException(spec.commandLine(), "--seconds must be in (0, 3600], got " + seconds);
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    KernelThreads.setThreads(t);
    PrintWriter out = spec.commandLine().getOut();
    Path file = modelFile();
    String name = dataset != null ? dataset : datasetOfRun(file);

    // the model on both paths, and its two sizes
    StoredModel stored = ModelSource.load(file);
    InputNormalization normalization = normalize != null ? normalize : stored.normalization();
    InferenceModel dense = InferenceModel.of(stored.model(), normalization, Execution.DENSE);
    InferenceModel sparse = InferenceModel.of(stored.model(), normalization, Execution.AUTO);
    long[] sizes = sizes(stored);
    out.println("admm4j eval: " + file + " (" + dense.modelName() + ", input " + Arrays.toString(dense.inputShape())
        + ", " + dense.classes() + " classes), kernels " + Kernels.describe());
    // the names --keep and --nonzeros match (an imported file's are the importer's: see onnx/README.md)
    List<String> layers = new ArrayList<>();
    for (Parameter w : stored.model().weights()) {
      layers.add(w.name().substring(0, w.name().lastIndexOf('.')) + " " + Arrays.toString(w.shape()));
    }
    out.println("  layers       " + String.join(", ", layers));
    for (String line : sparse.plan()) {
      out.println("  sparse path  " + line);
    }

    // accuracy on the test split, normalised as the model file records (else as the dataset's usual)
    TrainTestSplit split = DatasetLocator.load(name, data, out::println);
    int[] shape = split.test().sampleShape();
    if (!Arrays.equals(shape, dense.inputShape())) {
      throw new RunException(file + ": the model takes samples of shape " + Arrays.toString(dense.inputShape())
          + " but " + name + " has " + Arrays.toString(shape));
    }
    int classes = Math.max(split.train().classes(), split.test().classes());
    if (classes > dense.classes()) {
      throw new RunException(file + ": the model gives " + dense.classes() + " classes but " + name + " has "
          + classes);
    }
    TrainingData td;
    try {
      td = TrainingData.of(split, 1, testLimit, normalization);
    } catch (IllegalArgumentException e) {
      throw new RunException(file + " on " + name + ": " + e.getMessage());
    }
    float[] images = td.testImages();
    int count = td.testCount();
    int[] densePredictions = dense.predictBatch(images, count);
    int[] sparsePredictions = sparse.predictBatch(images, count);
    int correct = 0, denseCorrect = 0, same = 0;
    for (int i = 0; i < count; i++) {
      int label = td.testLabels()[i] & 0xff;
      correct += sparsePredictions[i] == label ? 1 : 0;
      denseCorrect += densePredictions[i] == label ? 1 : 0;
      same += sparsePredictions[i] == densePredictions[i] ? 1 : 0;
    }
    double accuracy = 100.0 * correct / count, denseAccuracy = 100.0 * denseCorrect / count;
    if (predictions != null) {
      writePredictions(predictions, sparsePredictions);
    }

    // timings: batch-1 latency on this thread, batch-64 throughput from t threads at once
    double denseLatency = latencyMillis(dense, images, count);
    double sparseLatency = latencyMillis(sparse, images, count);
    double denseThroughput = imagesPerSecond(dense, images, count, t);
    double sparseThroughput = imagesPerSecond(sparse, images, count, t);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", dense.modelName());
    r.put("file", file.toString());
    r.put("dataset", name);
    r.put("test_images", count);
    r.put("accuracy", accuracy);
    r.put("dense_accuracy", denseAccuracy);
    r.put("same_predictions", same);
    r.put("dense_latency_ms", denseLatency);
    r.put("sparse_latency_ms", sparseLatency);
    r.put("latency_speedup", denseLatency / sparseLatency);
    r.put("dense_images_per_second", denseThroughput);
    r.put("sparse_images_per_second", sparseThroughput);
    r.put("compact_bytes", sizes[1]);
    r.put("dense_bytes", sizes[0]);
    r.put("size_ratio", (double) sizes[0] / sizes[1]);
    // the evaluated file itself (a quantized model.a4jc is evaluated from its own codebooks and codes)
    long fileBytes = Files.size(file);
    r.put("file_bytes", fileBytes);
    r.put("file_ratio", (double) sizes[0] / fileBytes);
    r.put("threads", t);
    r.put("jdk", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    r.put("kernels", Kernels.describe());

    out.printf(Locale.ROOT, "accuracy          %.2f%% sparse path, %.2f%% dense path (%d of %d predictions identical)%n",
        accuracy, denseAccuracy, same, count);
    out.printf(Locale.ROOT, "latency, batch 1  %.4f ms dense, %.4f ms sparse (%.1f× faster), median of single calls%n",
        denseLatency, sparseLatency, denseLatency / sparseLatency);
    out.printf(Locale.ROOT, "throughput, b=64  %,.0f images/s dense, %,.0f images/s sparse (%d threads)%n",
        denseThroughput, sparseThroughput, t);
    out.printf(Locale.ROOT, "size              %,d bytes dense float32 safetensors, %,d bytes compact (%.1f× smaller)%n",
        sizes[0], sizes[1], (double) sizes[0] / sizes[1]);
    out.printf(Locale.ROOT, "file              %,d bytes %s (%.1f× smaller than dense float32)%n", fileBytes, file,
        (double) sizes[0] / fileBytes);
    if (json != null) {
      JsonObject o = new GsonBuilder().create().toJsonTree(r).getAsJsonObject();
      o.add("sparse_plan", new GsonBuilder().create().toJsonTree(sparse.plan()).getAsJsonArray());
      writeJson(json, o);
      out.println("wrote " + json);
    }
    out.flush();
    return 0;
  }

  /** One class per line, written beside and then moved over the target. */
  private static void writePredictions(Path file, int[] classes) throws IOException {
    StringBuilder sb = new StringBuilder(classes.length * 2);
    for (int c : classes) {
      sb.append(c).append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(file, bytes);
  }

  private Path modelFile() throws IOException {
    if (Files.isRegularFile(model)) {
      return model;
    }
    if (!Files.isDirectory(model)) {
      throw new IOException(model + ": no such folder or file");
    }
    for (String candidate : new String[] {"model.safetensors", "model.a4jc", "model.onnx"}) {
      Path f = model.resolve(candidate);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IOException(model + ": holds none of model.safetensors, model.a4jc, model.onnx");
  }

  /** The dataset named by the run's report.json next to the model, else mnist. */
  private static String datasetOfRun(Path file) {
    Path report = file.toAbsolutePath().getParent().resolve("report.json");
    try {
      JsonObject o = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
      if (o.has("dataset") && o.get("dataset").isJsonPrimitive()) {
        return o.get("dataset").getAsString();
      }
    } catch (IOException | RuntimeException e) {
      // no readable report: the default dataset
    }
    return "mnist";
  }

  /**
   * Bytes of the loaded model as dense float32 safetensors and as a compact file, each written to a
   * temporary file (from the model already read, whatever format it came in).
   */
  private static long[] sizes(StoredModel stored) throws IOException {
    LinkedHashMap<String, Tensor> tensors = ModelTensors.of(stored.model());
    Map<String, String> metadata = new LinkedHashMap<>(stored.format() == ModelFiles.Format.ONNX
        ? ModelMetadata.of(stored.model(), stored.normalization(), Map.of()) : stored.metadata());
    // a compact source may name its zoo model only; safetensors files always carry the spec
    metadata.putIfAbsent(ModelMetadata.SPEC, stored.model().spec().toJson());
    Path dir = Files.createTempDirectory("admm4j-eval");
    try {
      Path st = dir.resolve("model.safetensors"), compact = dir.resolve("model.a4jc");
      SafeTensors.write(st, tensors, metadata);
      CompactExport.write(compact, stored.model().spec(), tensors, metadata, CompactExport.Options.EXACT);
      return new long[] {Files.size(st), Files.size(compact)};
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Median wall time of single-image predictions, after a warm-up of the same length. */
  private double latencyMillis(InferenceModel m, float[] images, int count) {
    int size = m.inputSize();
    float[][] singles = new float[Math.min(count, 256)][];
    for (int i = 0; i < singles.length; i++) {
      singles[i] = Arrays.copyOfRange(images, i * size, (i + 1) * size);
    }
    long budget = (long) (seconds * 1e9);
    int sink = 0;
    for (long i = 0, end = System.nanoTime() + budget / 2; System.nanoTime() < end; i++) {
      sink += m.predict(singles[(int) (i % singles.length)]);
    }
    long[] samples = new long[200_000];
    int n = 0;
    for (long end = System.nanoTime() + budget; System.nanoTime() < end && n < samples.length; n++) {
      long t0 = System.nanoTime();
      sink += m.predict(singles[n % singles.length]);
      samples[n] = System.nanoTime() - t0;
    }
    blackhole = sink;
    Arrays.sort(samples, 0, n);
    return samples[n / 2] / 1e6;
  }

  private static volatile int blackhole;

  /** Images per second with {@code threads} threads each classifying batches of 64, after a warm-up. */
  private double imagesPerSecond(InferenceModel m, float[] images, int count, int threads) throws Exception {
    int batches = Math.max(1, count / THROUGHPUT_BATCH);
    int size = m.inputSize();
    float[][] inputs = new float[batches][];
    for (int b = 0; b < batches; b++) {
      int n = Math.min(THROUGHPUT_BATCH, count - b * THROUGHPUT_BATCH);
      inputs[b] = Arrays.copyOfRange(images, b * THROUGHPUT_BATCH * size, (b * THROUGHPUT_BATCH + n) * size);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      run(pool, m, inputs, threads, seconds / 2);
      long t0 = System.nanoTime();
      long images64 = run(pool, m, inputs, threads, seconds);
      return images64 / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long run(ExecutorService pool, InferenceModel m, float[][] inputs, int threads, double seconds)
      throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    Future<?>[] futures = new Future<?>[threads];
    long[] done = new long[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures[t] = pool.submit(() -> {
        int b = id;
        while (System.nanoTime() < end) {
          float[] x = inputs[b % inputs.length];
          m.predictBatch(x, x.length / m.inputSize());
          done[id] += x.length / m.inputSize();
          b += threads;
        }
      });
    }
    long total = 0;
    for (int t = 0; t < threads; t++) {
      futures[t].get();
      total += done[t];
    }
    return total;
  }

  private static void writeJson(Path file, JsonObject o) throws IOException {
    byte[] bytes = (new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    JsonFiles.writeAtomically(file, bytes);
  }
}
