package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.pipeline.JsonFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path dir;

  /** Exit code, stdout and stderr of one command line. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertCleanFailure(Run r, int code, String... fragments) {
    assertEquals(code, r.code(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "stderr lacks '" + f + "': " + r.err());
    }
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "a stack trace: " + r.err());
  }

  /** A small prune run of LeNet-300-100 on the synthetic dataset. */
  private static String[] smallPrune(Path out, String... more) {
    String[] base = {"prune", "--model", "lenet-300-100", "--dataset", "synthetic", "--keep", "fc*=0.1",
        "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1", "--train-limit", "256",
        "--test-limit", "128", "--threads", "2", "--no-progress", "--out", out.toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void badFlagsExitTwoWithAMessage() {
    assertCleanFailure(run("prune", "--bogus"), Main.EXIT_USAGE, "Unknown option: '--bogus'", "admm4j prune --help");
    assertCleanFailure(run("prune", "--iterations", "many"), Main.EXIT_USAGE, "--iterations", "many");
    assertCleanFailure(run("frobnicate"), Main.EXIT_USAGE, "frobnicate");
    assertCleanFailure(run(), Main.EXIT_USAGE, "missing command");
    assertCleanFailure(run("train", "--epochs", "-1"), Main.EXIT_USAGE, "--epochs must be ≥ 0");
    assertCleanFailure(run("train", "--shift", "9"), Main.EXIT_USAGE, "--shift must be in [0, 8]");
    assertCleanFailure(run("train", "--optimizer", "rmsprop"), Main.EXIT_USAGE, "rmsprop");
  }

  @Test
  void badConfigurationExitsOneNamingTheValue() throws Exception {
    assertCleanFailure(run("prune", "--keep", "conv2=1.5", "--out", dir.resolve("a").toString()),
        Main.EXIT_FAILED, "layers.conv2.keep = 1.5 (--keep)", "(0, 1]");
    assertCleanFailure(run("prune", "--rho", "-1", "--out", dir.resolve("a").toString()), Main.EXIT_FAILED,
        "rho.initial = -1 (--rho)");
    assertCleanFailure(run("prune", "--preset", "nope"), Main.EXIT_FAILED, "unknown preset 'nope'", "lenet5-40x");
    Path cfg = dir.resolve("bad.properties");
    Files.writeString(cfg, "admm.iterations=zero\n", StandardCharsets.UTF_8);
    assertCleanFailure(run("prune", "--config", cfg.toString()), Main.EXIT_FAILED,
        "admm.iterations = zero (from bad.properties)");
    assertCleanFailure(run("prune", "--dataset", "synthetic", "--model", "lenet-300-100", "--keep", "fc9=0.1",
        "--out", dir.resolve("b").toString(), "--no-progress"), Main.EXIT_FAILED, "unknown layer 'fc9'", "fc1");
    assertFalse(Files.exists(dir.resolve("a")));
  }

  /** A model no preset is for gets no silent LeNet-5 targets: the message says which flag to give. */
  @Test
  void aModelWithoutTargetsIsToldWhichFlagToGive() {
    Path out = dir.resolve("none");
    assertCleanFailure(run("prune", "--dataset", "synthetic", "--model", "lenet-300-100", "--out", out.toString(),
        "--no-progress"), Main.EXIT_FAILED, "nothing to prune", "--keep", "kind:linear", "--preset");
    assertFalse(Files.exists(out));
  }

  /** kind: targets reach the model's linear weights (lenet-300-100 has no conv layer). */
  @Test
  void kindTargetsPruneEveryLinearLayer() throws Exception {
    Path out = dir.resolve("kind");
    Run r = run("prune", "--dataset", "synthetic", "--model", "lenet-300-100", "--keep", "kind:linear=0.1",
        "--dense-epochs", "1", "--iterations", "1", "--retrain-epochs", "1", "--train-limit", "256",
        "--test-limit", "64", "--threads", "2", "--out", out.toString(), "--no-progress");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    for (var l : rep.getAsJsonArray("layers")) {
      JsonObject o = l.getAsJsonObject();
      assertEquals(Math.max(1, Math.round(0.1 * o.get("weights").getAsLong())), o.get("nonzero").getAsLong(),
          o.get("name").getAsString());
    }
  }

  /** Filter pruning from the command line: the saved model is the smaller dense LeNet-5, and it loads. */
  @Test
  void filterPruningWritesASmallerModelThatLoads() throws Exception {
    Path out = dir.resolve("filters");
    Run r = run("prune", "--model", "lenet5", "--dataset", "synthetic", "--keep", "conv*=0.5", "--keep", "fc1=0.25",
        "--structure", "conv*=filter", "--structure", "fc1=filter", "--dense-epochs", "1", "--iterations", "2",
        "--retrain-epochs", "1", "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--no-progress",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("removed the pruned filters or unread input channels of conv1, conv2, fc1"), r.out());
    assertTrue(r.out().contains("20x1x5x5 -> 10x1x5x5"), r.out());
    var stored = org.admm4j.nn.files.ModelFiles.read(out.resolve("model.safetensors"));
    assertEquals(java.util.List.of(10, 1, 5, 5), ints(stored.model().parameter("conv1.weight").shape()));
    assertEquals(java.util.List.of(25, 10, 5, 5), ints(stored.model().parameter("conv2.weight").shape()));
    assertEquals(java.util.List.of(125, 400), ints(stored.model().parameter("fc1.weight").shape()));
    assertEquals(java.util.List.of(10, 125), ints(stored.model().parameter("fc2.weight").shape()));
    assertTrue(Files.size(out.resolve("model.safetensors")) < Files.size(out.resolve("dense.safetensors")) / 3);
    var served = org.admm4j.nn.inference.InferenceModel.load(out.resolve("model.a4jc"));
    assertEquals(2, served.predictBatch(new float[2 * 784], 2).length);
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    JsonObject conv2 = rep.getAsJsonArray("layers").get(1).getAsJsonObject();
    assertEquals("conv", conv2.get("kind").getAsString());
    assertEquals("[50,20,5,5]", conv2.get("shape_before").toString());
    assertEquals("[25,10,5,5]", conv2.get("shape_after").toString());
    assertEquals(25 * 10 * 25, conv2.get("nonzero").getAsInt());
    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("25×10×5×5") && html.contains("removed"), "report.html shows the shapes");
    // the resolved settings name the structure; eval reads the shrunk model
    Run e = run("eval", "--model", out.resolve("model.safetensors").toString(), "--dataset", "synthetic",
        "--test-limit", "64", "--threads", "1", "--seconds", "0.02");
    assertEquals(0, e.code(), e.err() + e.out());
  }

  @Test
  void badStructureSettingsNameTheSettingAndLayer() {
    Path out = dir.resolve("bad");
    assertCleanFailure(run("prune", "--structure", "conv2=filters", "--out", out.toString()), Main.EXIT_FAILED,
        "layers.conv2.structure = filters (--structure) is invalid", "filter", "channel", "column");
    assertCleanFailure(run("prune", "--keep", "conv2=0.5", "--structure", "conv9=filter", "--out", out.toString()),
        Main.EXIT_FAILED, "layers.conv9.structure = filter (--structure) has no target", "layers.conv9.keep");
    assertCleanFailure(run("prune", "--nonzeros", "conv2=100", "--structure", "conv2=channel", "--out",
        out.toString()), Main.EXIT_FAILED, "layers.conv2.structure = channel", "layers.conv2.nonzeros", "fraction");
    assertCleanFailure(run("prune", "--preset", "lenet5-350x-hand", "--structure", "conv2=filter", "--out",
        out.toString()), Main.EXIT_FAILED, "layers.conv2.structure = filter", "one stage");
    assertFalse(Files.exists(out));
  }

  private static java.util.List<Integer> ints(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  @Test
  void missingDataIsOneClearMessage() {
    Path out = dir.resolve("never");
    assertCleanFailure(run("prune", "--data", dir.resolve("nothing-here").toString(), "--out", out.toString(),
        "--no-progress"), Main.EXIT_FAILED, "--data", "nothing-here");
    assertFalse(Files.exists(out), "no output folder for a run that could not start");
    assertCleanFailure(run("prune", "--dataset", "cifar", "--out", out.toString()), Main.EXIT_FAILED, "cifar");
    assertCleanFailure(run("prune", "--from", dir.resolve("none.safetensors").toString()), Main.EXIT_FAILED,
        "--from", "no such file");
    assertCleanFailure(run("prune", "--resume", dir.resolve("none").toString()), Main.EXIT_FAILED, "--resume");
  }

  @Test
  void pruneOnSyntheticDataWritesModelAndReports() throws Exception {
    Path out = dir.resolve("run");
    Run r = run(smallPrune(out));
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("<html") && html.contains("fc1"), "report.html");
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    for (String f : new String[] {"model", "dataset", "preset", "baseline_accuracy", "final_accuracy",
        "total_weights", "nonzero_weights", "compression", "layers", "admm_iterations", "wall_seconds", "seed",
        "threads", "jdk", "histograms", "phases_seconds"}) {
      assertTrue(rep.has(f), "report.json lacks " + f);
    }
    assertEquals(266_200, rep.get("total_weights").getAsLong());
    assertEquals(26_620, rep.get("nonzero_weights").getAsLong());
    assertTrue(r.out().contains("kept %") && r.out().contains("fc1") && r.out().contains("compression 10.0x"),
        r.out());
    assertTrue(rep.get("command").getAsString().startsWith("admm4j prune --model lenet-300-100"));

    // an existing, non-empty --out is left alone without --force
    long before = Files.getLastModifiedTime(out.resolve("report.json")).toMillis();
    Run again = run(smallPrune(out));
    assertCleanFailure(again, Main.EXIT_FAILED, "exists and is not empty", "--force");
    assertEquals(before, Files.getLastModifiedTime(out.resolve("report.json")).toMillis());
    Path other = dir.resolve("mine");
    Files.createDirectories(other);
    Files.writeString(other.resolve("notes.txt"), "keep me", StandardCharsets.UTF_8);
    assertCleanFailure(run(smallPrune(other)), Main.EXIT_FAILED, "exists and is not empty");
    assertEquals("keep me", Files.readString(other.resolve("notes.txt"), StandardCharsets.UTF_8));
    assertFalse(Files.exists(other.resolve("report.json")));
    assertEquals(0, run(smallPrune(other, "--force")).code());
    assertTrue(Files.exists(other.resolve("report.json")));
  }

  /** Killed after report.json, before report.html: --resume draws the page, or names the field that stops it. */
  @Test
  void aFinishedRunWithoutItsPageGetsItOnResume() throws Exception {
    Path out = dir.resolve("p");
    assertEquals(0, run(smallPrune(out)).code());
    Path html = out.resolve("report.html");
    Path json = out.resolve("report.json");
    String page = Files.readString(html, StandardCharsets.UTF_8);
    Files.delete(html);
    Run r = run("prune", "--resume", out.toString(), "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("had finished; wrote its missing " + html), r.out());
    assertEquals(page, Files.readString(html, StandardCharsets.UTF_8), "the page drawn again is the page");

    Files.delete(html);
    JsonObject rep = JsonFiles.read(json);
    rep.getAsJsonArray("layers").get(1).getAsJsonObject().addProperty("nonzero", "x");
    Files.writeString(json, rep.toString(), StandardCharsets.UTF_8);
    r = run("prune", "--resume", out.toString(), "--no-progress");
    assertCleanFailure(r, Main.EXIT_FAILED, json + " is damaged: field 'layers[1].nonzero' must be an integer, found \"x\"");
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(html));
    assertEquals(rep.toString(), Files.readString(json, StandardCharsets.UTF_8), "the report is left as it was");
  }

  @Test
  void stoppedRunResumesFromTheCommandLine() throws Exception {
    Path out = dir.resolve("r");
    Run first = run(smallPrune(out, "--stop-after", "2"));
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("--resume"), first.out());
    assertFalse(Files.exists(out.resolve("report.json")));
    assertCleanFailure(run("prune", "--resume", out.toString(), "--iterations", "5"), Main.EXIT_FAILED,
        "--resume continues a run with its saved settings");
    // a Spark run keeps its averaging too (checked before Spark is looked for: these tests have none)
    assertCleanFailure(run("prune", "--resume", out.toString(), "--spark", "local[2]", "--sync-batches", "4"),
        Main.EXIT_FAILED, "--resume continues a run with its saved settings; drop --sync-batches");
    Run second = run("prune", "--resume", out.toString(), "--no-progress");
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("resuming"), second.out());
    assertTrue(Files.exists(out.resolve("report.json")));
    assertCleanFailure(run("prune", "--resume", out.toString()), Main.EXIT_FAILED, "already finished");
  }

  @Test
  void aDamagedCheckpointIsOneClearLineAndStaysAsItWas() throws Exception {
    Path out = dir.resolve("d");
    assertEquals(0, run(smallPrune(out, "--stop-after", "2")).code());
    Path state = out.resolve("checkpoint").resolve("state.json");
    String good = Files.readString(state, StandardCharsets.UTF_8);
    JsonObject mistyped = com.google.gson.JsonParser.parseString(good).getAsJsonObject();
    mistyped.getAsJsonObject("config").addProperty("batch", "many");
    String tensors = mistyped.get("tensors").getAsString();
    String[][] damages = {
        {mistyped.toString(), "state.json is damaged: config.batch: expected an integer in [1, 65536], found \"many\""},
        {good.substring(0, good.length() / 2), "state.json is not valid JSON"},
        {good.replace("\"" + tensors + "\"", "\"../../" + tensors + "\""), "state.json is damaged: tensors = "}};
    for (String[] d : damages) {
      Files.writeString(state, d[0], StandardCharsets.UTF_8);
      Run r = run("prune", "--resume", out.toString(), "--no-progress");
      assertCleanFailure(r, Main.EXIT_FAILED, d[1], state.toString());
      assertEquals(1, r.err().lines().count(), r.err());
      assertEquals(d[0], Files.readString(state, StandardCharsets.UTF_8), "the damaged state is left as it was");
    }
    // the tensor file state.json names is gone
    Files.writeString(state, good, StandardCharsets.UTF_8);
    Files.delete(out.resolve("checkpoint").resolve(tensors));
    Run r = run("prune", "--resume", out.toString(), "--no-progress");
    assertCleanFailure(r, Main.EXIT_FAILED, "cannot access", tensors, "no such file");
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void trainWritesModelAndReport() throws Exception {
    Path out = dir.resolve("t");
    Run r = run("train", "--model", "lenet-300-100", "--dataset", "synthetic", "--epochs", "2", "--train-limit",
        "256", "--test-limit", "128", "--no-progress", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("epoch  1/2") && r.out().contains("img/s") && r.out().contains("test"), r.out());
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    for (String f : new String[] {"model", "dataset", "epochs", "threads", "seed", "test_accuracy",
        "train_images_per_second", "wall_seconds", "jdk", "epochs_detail"}) {
      assertTrue(rep.has(f), "report.json lacks " + f);
    }
    assertEquals(2, rep.getAsJsonArray("epochs_detail").size());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
  }

  @Test
  void versionAndInfo() {
    Run v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("admm4j ") && v.out().contains("JDK"), v.out());
    Run h = run("--help");
    assertEquals(0, h.code());
    for (String c : new String[] {"prune", "train", "eval", "export", "info"}) {
      assertTrue(h.out().contains("  " + c + " "), "--help lists " + c + ": " + h.out());
    }
    Run i = run("info", "--threads", "1");
    assertEquals(0, i.code(), i.err());
    assertTrue(i.out().contains("kernels") && i.out().contains("lenet5-40x") && i.out().contains("threads    1"),
        i.out());
  }

  @Test
  void sparkWithoutSparkOnTheClassPathSaysSo() {
    // the command line's tests, like its launcher jar, have no Spark (the spark module has it as provided)
    assertCleanFailure(run(smallPrune(dir.resolve("s"), "--spark", "local[2]")), Main.EXIT_FAILED,
        "--spark needs Spark 4");
    assertFalse(java.nio.file.Files.exists(dir.resolve("s")), "nothing written");
    assertCleanFailure(run(smallPrune(dir.resolve("p"), "--partitions", "2")), Main.EXIT_FAILED,
        "--partitions 2 needs --spark");
    assertCleanFailure(run(smallPrune(dir.resolve("e"), "--epoch-length", "shard-pass")), Main.EXIT_FAILED,
        "--epoch-length shard-pass needs --spark");
    // checked before Spark is looked for
    assertCleanFailure(run(smallPrune(dir.resolve("f"), "--spark", "local[2]", "--epoch-length", "half")),
        Main.EXIT_FAILED, "--epoch-length half: expected local-steps or shard-pass");
    // a Hadoop URI is a Spark run's folder; these tests have no Hadoop either (it comes with Spark)
    String uri = "file:" + dir.resolve("u").toAbsolutePath();
    assertCleanFailure(run(smallPrune(Path.of(uri))), Main.EXIT_FAILED, "--out " + uri
        + ": a Hadoop file system URI is for a Spark run's folder; add --spark MASTER");
    assertCleanFailure(run("prune", "--resume", uri, "--no-progress"), Main.EXIT_FAILED, "--resume " + uri
        + ": a Hadoop file system URI is for a Spark run's folder");
    assertCleanFailure(run(smallPrune(Path.of(uri), "--spark", "local[2]")), Main.EXIT_FAILED,
        "--spark needs Spark 4");
    assertCleanFailure(run("prune", "--resume", uri, "--spark", "local[2]"), Main.EXIT_FAILED, "--spark needs Spark 4");
    assertFalse(java.nio.file.Files.exists(dir.resolve("u")), "nothing written");
  }
}
