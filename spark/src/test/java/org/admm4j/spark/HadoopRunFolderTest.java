package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.TrainingSchedule;
import com.google.gson.JsonObject;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.Phase;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark run's folder at a {@code file:} URI (the Hadoop path; no HDFS here): the same outputs as a local folder,
 * a run stopped after each phase and resumed from the URI with the uninterrupted run's bits, and the refusals.
 * LeNet-300-100 on 256 synthetic images: the code under test is the folder's, not the training.
 */
class HadoopRunFolderTest {

  private static JavaSparkContext sc;
  private static final DatasetShardSource SOURCE = new DatasetShardSource("synthetic", null, 256, 64);
  private static final int THREADS = 2;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(LocalClusters.conf("local[2]", null).setAppName("admm4j-test"));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** 1 dense epoch, 2 ADMM iterations, 2 retraining epochs: a checkpoint after each of them. */
  private static PrunePlan plan() {
    return PrunePlan.builder().model("lenet-300-100").dataset("synthetic").batch(32).seed(11)
        .dense(new TrainingSchedule(1, "sgd", 0.05f, 0.9f, 0.0005f, "cosine"))
        .admm(2, new TrainingSchedule(1, "adam", 0.001f, 0.9f, 0f, "constant"))
        .rho(new RhoSchedule(0.003, 1.3, 0.1))
        .retrain(new TrainingSchedule(2, "sgd", 0.02f, 0.9f, 0.0005f, "cosine"))
        .keep("fc*", 0.1).build();
  }

  private static SparkPruneRun run(TrainingData data) {
    return SparkPruneRun.of(sc, plan(), SparkModelFactory.builtIn(), SOURCE, data, 2, THREADS).checkpointEvery(2)
        .log(RunListener.lines(System.out::println));
  }

  private static String uri(Path p) {
    return p.toUri().toString();
  }

  @Test
  void aRunAtAFileUriHoldsTheLocalFoldersOutputs() throws Exception {
    TrainingData data = SOURCE.load();
    Path local = dir.resolve("local");
    PruneResult a = run(data).writeTo(local).run();
    Path there = dir.resolve("there");
    HadoopRunFolder folder = HadoopRunFolder.create(uri(there), false);
    Path staging = folder.local();
    try (folder) {
      assertTrue(run(data).writeTo(folder).run().finished());
    }
    assertFalse(Files.exists(staging), "the staging folder is deleted");
    assertEquals(files(local).stream().map(f -> f.equals("checkpoint/state.json") ? "checkpoint/state-000006.json" : f)
        .collect(Collectors.toCollection(TreeSet::new)), files(there), "one state per checkpoint published, the last"
        + " one left (dense 1, ADMM 2, retraining 2, done)");
    for (String f : List.of("model.safetensors", "model.a4jc", "dense.safetensors")) {
      assertArrayEquals(Files.readAllBytes(local.resolve(f)), Files.readAllBytes(there.resolve(f)), f);
    }
    // the published state is the local run's last one: done, naming the same tensor file
    JsonObject mine = JsonFiles.read(local.resolve("checkpoint/state.json"));
    JsonObject published = JsonFiles.read(
        there.resolve("checkpoint/state-000006.json"));
    for (String key : List.of("phase", "tensors", "sequence")) {
      assertEquals(mine.get(key), published.get(key), key);
    }
    assertEquals(Phase.DONE, PruneRun.saved(local).phase());
    assertTrue(a.finished());
  }

  /**
   * Stopped after the dense epoch, after ADMM iteration 1 and after retraining epoch 1, each time resumed from the
   * URI by a new folder and run object (the staging folder gone): every tensor of the uninterrupted run.
   */
  @Test
  void aRunStoppedAndResumedFromTheUriEndsWithTheUninterruptedBits() throws Exception {
    TrainingData data = SOURCE.load();
    PruneResult a = run(data).writeTo(dir.resolve("a")).run();
    String uri = uri(dir.resolve("b"));
    try (HadoopRunFolder f = HadoopRunFolder.create(uri, false)) {
      assertFalse(run(data).writeTo(f).listener(PruneListener.stopAfter(1)).run().finished());
    }
    for (int[] stop : new int[][] {{1, Phase.ADMM.ordinal()}, {2, Phase.RETRAIN.ordinal()}, {0, Phase.DONE.ordinal()}}) {
      assertOneCheckpoint(dir.resolve("b"));
      try (HadoopRunFolder f = HadoopRunFolder.download(uri)) {
        SparkPruneRun r = SparkPruneRun.resume(sc, f, SparkModelFactory.builtIn(), SOURCE, data, 2, THREADS)
            .log(RunListener.lines(System.out::println));
        PruneResult b = (stop[0] > 0 ? r.listener(PruneListener.stopAfter(stop[0])) : r).run();
        assertEquals(stop[0] == 0, b.finished());
        assertEquals(Phase.values()[stop[1]], PruneRun.saved(f.local()).phase());
        if (b.finished()) {
          assertSameBits(a.model().tensors().stream().collect(Collectors.toMap(p -> p.name(), p -> p.data())),
              SafeTensors.read(dir.resolve("b").resolve("model.safetensors")));
        }
      }
    }
    assertOneCheckpoint(dir.resolve("b"));
    try (HadoopRunFolder f = HadoopRunFolder.download(uri)) {
      RunException done = assertThrows(RunException.class,
          () -> SparkPruneRun.resume(sc, f, SparkModelFactory.builtIn(), SOURCE, data, 2, THREADS));
      assertTrue(done.getMessage().contains("the run in " + uri + " has already finished"), done.getMessage());
    }
  }

  @Test
  void aNonEmptyFolderAFileAndAFolderWithoutACheckpointAreRefusedNamingTheUri() throws Exception {
    Path full = dir.resolve("full");
    Files.createDirectories(full.resolve("checkpoint"));
    Files.writeString(full.resolve("notes.txt"), "mine");
    Files.writeString(full.resolve("checkpoint").resolve("state-000003.json"), "{}");
    RunException e = assertThrows(RunException.class, () -> HadoopRunFolder.create(uri(full), false));
    assertEquals("output folder " + uri(full) + " exists and is not empty; pass --force to overwrite it, --spark MASTER"
        + " --resume " + uri(full) + " to continue a run in it, or choose another --out", e.getMessage());
    assertTrue(Files.isRegularFile(full.resolve("checkpoint").resolve("state-000003.json")), "nothing deleted");
    // --force: the old checkpoint goes (no resume can mix the runs), the user's other files stay
    Files.writeString(full.resolve(".report.json.0123456789abcdef.tmp"), "half");
    HadoopRunFolder.create(uri(full), true).close();
    assertEquals(Set.of("notes.txt"), files(full));

    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    e = assertThrows(RunException.class, () -> HadoopRunFolder.create(uri(file), false));
    assertEquals("--out " + uri(file) + " exists and is not a folder", e.getMessage());

    e = assertThrows(RunException.class, () -> HadoopRunFolder.download(uri(dir.resolve("none"))));
    assertEquals("--resume " + uri(dir.resolve("none")) + ": no such folder", e.getMessage());
    e = assertThrows(RunException.class, () -> HadoopRunFolder.download(uri(full)));
    assertEquals("--resume " + uri(full) + ": no checkpoint to resume (no checkpoint/state-NNNNNN.json in it)",
        e.getMessage());
    e = assertThrows(RunException.class, () -> HadoopRunFolder.create("nosuchfs://host/run", false));
    assertTrue(e.getMessage().startsWith("nosuchfs://host/run: cannot reach its file system: "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  /** What kills during a publish leave (a temporary, a newer tensor file no state names, an older state) goes. */
  @Test
  void aDownloadTakesTheNewestStateAndDeletesWhatKillsLeft() throws Exception {
    TrainingData data = SOURCE.load();
    Path b = dir.resolve("b");
    try (HadoopRunFolder f = HadoopRunFolder.create(uri(b), false)) {
      assertFalse(run(data).writeTo(f).listener(PruneListener.stopAfter(2)).run().finished());
    }
    Path ck = b.resolve("checkpoint");
    Set<String> published = files(b);
    Files.writeString(ck.resolve("state-000001.json"), "{\"older\": true}");
    Files.writeString(ck.resolve("checkpoint-000009.safetensors"), "written, then killed before its state");
    Files.writeString(ck.resolve(".state-000003.json.0123456789abcdef.tmp"), "{");
    Files.writeString(b.resolve(".report.json.fedcba9876543210.tmp"), "{");
    try (HadoopRunFolder f = HadoopRunFolder.download(uri(b))) {
      assertEquals(Phase.ADMM, PruneRun.saved(f.local()).phase());
      assertEquals(1, PruneRun.saved(f.local()).next());
    }
    assertEquals(published, files(b));
  }

  /** One state and the tensor file it names, nothing else, in the URI's checkpoint folder. */
  private static void assertOneCheckpoint(Path folder) throws IOException {
    Set<String> ck = files(folder).stream().filter(f -> f.startsWith("checkpoint/")).collect(Collectors.toSet());
    assertEquals(2, ck.size(), ck.toString());
    assertTrue(ck.stream().anyMatch(f -> f.matches("checkpoint/state-[0-9]{6}\\.json")), ck.toString());
    assertTrue(ck.stream().anyMatch(f -> f.matches("checkpoint/checkpoint-[0-9]{6}\\.safetensors")), ck.toString());
  }

  private static Set<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static void assertSameBits(Map<String, float[]> expected, SafeTensorsFile got) {
    assertEquals(expected.keySet(), got.tensors().keySet());
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      Tensor t = got.tensors().get(e.getKey());
      float[] a = e.getValue();
      float[] b = t.data();
      assertEquals(a.length, b.length, e.getKey());
      for (int j = 0; j < a.length; j++) {
        if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(b[j])) {
          throw new AssertionError(e.getKey() + "[" + j + "]: " + a[j] + " uninterrupted, " + b[j] + " resumed");
        }
      }
    }
  }
}
