package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.Phase;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LeNet-5 on real MNIST, local[2]: the Spark run against the local run of the same plan on the same data. */
class SparkPruneRunTest {

  private static JavaSparkContext sc;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    MnistRuns.assumeMnist();
    sc = new JavaSparkContext(LocalClusters.conf("local[2]", null).setAppName("admm4j-test"));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  private static PruneResult local(PrunePlan plan, TrainingData data) throws Exception {
    ForkJoinPool pool = new ForkJoinPool(MnistRuns.THREADS);
    try {
      return PruneRun.of(plan, Models::create, data, pool).log(RunListener.lines(System.out::println)).run();
    } finally {
      pool.shutdown();
    }
  }

  private static SparkPruneRun spark(PrunePlan plan, DatasetShardSource source, TrainingData data, int partitions) {
    return SparkPruneRun.of(sc, plan, SparkModelFactory.builtIn(), source, data, partitions, MnistRuns.THREADS)
        .checkpointEvery(2).log(RunListener.lines(System.out::println));
  }

  @Test
  void onePartitionGivesTheLocalRunsBits() throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.SMALL_TRAIN, MnistRuns.SMALL_TEST);
    TrainingData data = source.load();
    PruneResult a = local(MnistRuns.shortPlan(), data);
    // averaged every 7 batches: one partition's mean is its own tensors, and the slices make up the epochs
    PruneResult b = spark(MnistRuns.shortPlan(), source, data, 1).syncBatches(7).run();
    List<Parameter> ta = a.model().tensors();
    List<Parameter> tb = b.model().tensors();
    assertEquals(ta.size(), tb.size());
    for (int i = 0; i < ta.size(); i++) {
      assertArrayEquals(ta.get(i).data(), tb.get(i).data(), ta.get(i).name() + " differs");
    }
    assertEquals(a.accuracies(), b.accuracies());
    assertEquals(a.compression(), b.compression());
    for (int k = 0; k < a.admmIterations().size(); k++) {
      // the same W and Z; the Vector API kernel sums ‖W − Z‖² in its own order and precision
      for (Map.Entry<String, Double> e : a.admmIterations().get(k).primalResidual().entrySet()) {
        double other = b.admmIterations().get(k).primalResidual().get(e.getKey());
        assertEquals(e.getValue(), other, 1e-6 * e.getValue(), e.getKey() + " primal residual, iteration " + k);
      }
      assertEquals(a.admmIterations().get(k).loss(), b.admmIterations().get(k).loss(), 1e-12);
    }
  }

  /** A learning rate of 10 diverges in the first dense epoch: the local run's message, not a NaN further on. */
  @Test
  void aDivergentRunStopsWithThePhaseAndTheSettingToLower() throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.SMALL_TRAIN, MnistRuns.SMALL_TEST);
    TrainingData data = source.load();
    org.admm4j.admm.pipeline.RunException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.admm4j.admm.pipeline.RunException.class,
        () -> spark(MnistRuns.plan(1, 2, 1, 10f), source, data, 2).writeTo(dir).run());
    assertTrue(e.getMessage().contains("diverged in dense epoch 1/1"), e.getMessage());
    assertTrue(e.getMessage().contains("lower dense.lr (now 10.0)"), e.getMessage());
  }

  @Test
  void twoPartitionsReachTheLocalCompressionAndAccuracy() throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.TRAIN, MnistRuns.TEST);
    TrainingData data = source.load();
    PrunePlan plan = MnistRuns.accuracyPlan();
    PruneResult a = local(plan, data);
    // the settings other remedies were measured with (-Dtest.jvm.extra=-Dspark.test.epochs=shard-pass ...)
    EpochLength length = EpochLength.of(System.getProperty("spark.test.epochs", "local-steps"));
    int sync = Integer.getInteger("spark.test.sync", 0);
    PruneResult r = spark(plan, source, data, 2).syncBatches(sync).epochLength(length).writeTo(dir).run();
    assertEquals(a.nonzeroWeights(), r.nonzeroWeights());
    assertEquals(a.compression(), r.compression());
    assertEquals(a.layers(), r.layers());
    // The target. Each partition takes the local run's optimizer steps (two passes over its half an
    // epoch, EpochLength.LOCAL_STEPS, averaged after each); with one pass the W-steps ended short, Z's support came
    // from under-trained weights and the final accuracy was 0.43 (512-bit vectors) to 0.85 (256-bit) points below
    // local. Measured at 256 bits: seed 42 98.43 vs 98.44, seed 7 (-Dspark.test.seed=7) 98.42 vs 98.38; at 512
    // bits (Zen 4) 98.47 vs 98.27. The bound is on the loss: 0.2 points is 20 test images, about one standard
    // error of a difference of two such accuracies, so a run that beats local by as much is noise, not a defect
    // (the 1e-9 absorbs the percentages' rounding: 98.47 - 98.27 is 0.2000000000000028 in doubles)
    double loss = a.accuracies().finalAccuracy() - r.accuracies().finalAccuracy();
    assertTrue(loss <= 0.2 + 1e-9, "final accuracy " + r.accuracies().finalAccuracy() + "% on 2 partitions, "
        + a.accuracies().finalAccuracy() + "% locally");
    // report.json: the local run's fields plus Spark's per iteration
    JsonObject rep = JsonFiles.read(r.reportJson());
    assertEquals(r.compression(), rep.get("compression").getAsDouble(), 1e-12);
    JsonArray its = rep.getAsJsonArray("admm_iterations");
    assertEquals(plan.admmIterations(), its.size());
    for (int k = 0; k < its.size(); k++) {
      JsonObject s = its.get(k).getAsJsonObject().getAsJsonObject("spark");
      assertEquals(2, s.getAsJsonArray("wstep_seconds").size());
      assertTrue(s.getAsJsonArray("wstep_seconds").get(1).getAsDouble() > 0);
      assertTrue(s.get("aggregate_seconds").getAsDouble() >= 0);
      assertTrue(s.get("broadcast_seconds").getAsDouble() >= 0);
      // Z and the free tensors out, W + U and the free tensors back, per partition: 4 bytes a value
      assertTrue(s.get("bytes").getAsLong() >= 2L * 2 * 4 * 431_080, "bytes " + s.get("bytes"));
    }
    JsonObject spark = rep.getAsJsonObject("spark");
    assertEquals(2, spark.get("partitions").getAsInt());
    assertEquals(length.label(), spark.get("epoch_length").getAsString());
    assertEquals(length.passes(2), spark.get("shard_passes_per_epoch").getAsInt());
    assertEquals(sync, spark.get("sync_batches").getAsInt());
  }

  private SparkPruneRun resume(Path run, DatasetShardSource source, TrainingData data, int partitions)
      throws Exception {
    return SparkPruneRun.resume(sc, run, SparkModelFactory.builtIn(), source, data, partitions, MnistRuns.THREADS)
        .checkpointEvery(2).log(RunListener.lines(System.out::println));
  }

  private static void assertSameBits(List<Parameter> expected, List<Parameter> got) {
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      float[] a = expected.get(i).data();
      float[] b = got.get(i).data();
      assertEquals(a.length, b.length, expected.get(i).name());
      for (int j = 0; j < a.length; j++) {
        if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(b[j])) {
          throw new AssertionError(expected.get(i).name() + "[" + j + "]: " + a[j] + " uninterrupted, " + b[j]
              + " resumed");
        }
      }
    }
  }

  /**
   * Two partitions, stopped after the dense epoch, after ADMM iteration 1 and after retraining epoch 1 and
   * resumed each time by a new run object (the driver's memory gone; only the run folder is read): every tensor,
   * accuracy and loss of the uninterrupted run, and its report's Spark figures for every iteration.
   */
  @Test
  void aRunStoppedAfterEachPhaseResumesToTheBitsOfTheUninterruptedRun() throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.RESUME_TRAIN, MnistRuns.RESUME_TEST);
    TrainingData data = source.load();
    PrunePlan plan = MnistRuns.plan(1, 2, 2);
    PruneResult a = spark(plan, source, data, 2).syncBatches(3).writeTo(dir.resolve("a")).run();

    Path run = dir.resolve("b");
    PruneResult b = spark(plan, source, data, 2).syncBatches(3).writeTo(run).listener(PruneListener.stopAfter(1)).run();
    assertFalse(b.finished(), "stopped after the dense epoch");
    assertEquals(Phase.DENSE, PruneRun.saved(run).phase());
    b = resume(run, source, data, 2).listener(PruneListener.stopAfter(1)).run();
    assertFalse(b.finished(), "stopped after ADMM iteration 1");
    assertEquals(Phase.ADMM, PruneRun.saved(run).phase());
    assertEquals(1, PruneRun.saved(run).next());
    // the second iteration, then the first retraining epoch
    b = resume(run, source, data, 2).listener(PruneListener.stopAfter(2)).run();
    assertFalse(b.finished(), "stopped after retraining epoch 1");
    assertEquals(Phase.RETRAIN, PruneRun.saved(run).phase());
    b = resume(run, source, data, 2).run();
    assertTrue(b.finished());

    assertSameBits(a.model().tensors(), b.model().tensors());
    assertEquals(a.accuracies(), b.accuracies());
    assertEquals(a.nonzeroWeights(), b.nonzeroWeights());
    assertEquals(a.denseEpochs().size(), b.denseEpochs().size());
    for (int e = 0; e < a.denseEpochs().size(); e++) {
      assertEquals(a.denseEpochs().get(e).loss(), b.denseEpochs().get(e).loss(), "dense epoch " + e + " loss");
    }
    assertEquals(a.admmIterations().size(), b.admmIterations().size());
    for (int k = 0; k < a.admmIterations().size(); k++) {
      assertEquals(a.admmIterations().get(k).loss(), b.admmIterations().get(k).loss(), "iteration " + k + " loss");
      assertEquals(a.admmIterations().get(k).accuracy(), b.admmIterations().get(k).accuracy(), "iteration " + k);
      assertEquals(a.admmIterations().get(k).primalResidual(), b.admmIterations().get(k).primalResidual());
    }
    assertEquals(a.retrainEpochs().size(), b.retrainEpochs().size());
    for (int e = 0; e < a.retrainEpochs().size(); e++) {
      assertEquals(a.retrainEpochs().get(e).loss(), b.retrainEpochs().get(e).loss(), "retrain epoch " + e + " loss");
    }
    JsonArray its = JsonFiles.read(b.reportJson()).getAsJsonArray("admm_iterations");
    assertEquals(2, its.size());
    for (int k = 0; k < its.size(); k++) {
      assertEquals(2, its.get(k).getAsJsonObject().getAsJsonObject("spark").getAsJsonArray("wstep_seconds").size());
    }
    assertEquals(Phase.DONE, PruneRun.saved(run).phase());
    RunException done = assertThrows(RunException.class, () -> resume(run, source, data, 2));
    assertTrue(done.getMessage().contains("has already finished"), done.getMessage());
  }

  /**
   * A Spark run's checkpoint resumes only on its partition count, its threads and a master of its shape, and
   * not as a local run; a local run's not on Spark. Each message names what the run had and what was found.
   */
  @Test
  void aResumeOnAnotherShapeIsRefusedNamingBoth() throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.RESUME_TRAIN, MnistRuns.RESUME_TEST);
    TrainingData data = source.load();
    Path run = dir.resolve("spark");
    assertFalse(spark(MnistRuns.plan(1, 2, 1), source, data, 2).writeTo(run).listener(PruneListener.stopAfter(1)).run()
        .finished());

    RunException e = assertThrows(RunException.class, () -> resume(run, source, data, 3));
    assertTrue(e.getMessage().contains("ran on 2 partitions, this one has 3"), e.getMessage());
    e = assertThrows(RunException.class, () -> SparkPruneRun.resume(sc, run, SparkModelFactory.builtIn(), source,
        data, 2, 1));
    assertTrue(e.getMessage().contains("ran on 2 threads per task") && e.getMessage().contains("this run has 1"),
        e.getMessage());
    ForkJoinPool pool = new ForkJoinPool(MnistRuns.THREADS);
    try {
      e = assertThrows(RunException.class, () -> PruneRun.resume(run, Models::create, data, pool));
      assertTrue(e.getMessage().contains("ran on spark; resume it there"), e.getMessage());

      // the same run as if its driver had run on local[4]
      Path state = run.resolve("checkpoint").resolve("state.json");
      JsonObject json = JsonFiles.read(state);
      json.getAsJsonObject("runner").addProperty("master", "local[4]");
      JsonFiles.write(state, json);
      e = assertThrows(RunException.class, () -> resume(run, source, data, 2));
      assertTrue(e.getMessage().contains("ran on Spark master local[4], this one on local[2]"), e.getMessage());

      Path local = dir.resolve("local");
      assertFalse(PruneRun.of(MnistRuns.plan(1, 2, 1), Models::create, data, pool).writeTo(local)
          .listener(PruneListener.stopAfter(1)).run().finished());
      e = assertThrows(RunException.class, () -> resume(local, source, data, 2));
      assertTrue(e.getMessage().contains("ran locally, not on Spark"), e.getMessage());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aMastersShapeIsItsCoresWorkersOrClusterManager() {
    assertEquals("local[1]", SparkPruneRun.masterShape("local"));
    assertEquals("local[2]", SparkPruneRun.masterShape("local[2,3]"));
    assertEquals("local[*]", SparkPruneRun.masterShape("local[*]"));
    assertEquals("local-cluster[2,1,1024]", SparkPruneRun.masterShape("local-cluster[2, 1, 1024]"));
    assertEquals(SparkPruneRun.masterShape("spark://a:7077"), SparkPruneRun.masterShape("spark://b:7078"));
    assertNotEquals(SparkPruneRun.masterShape("spark://a:7077"), SparkPruneRun.masterShape("k8s://https://a"));
    assertNotEquals(SparkPruneRun.masterShape("local[2]"), SparkPruneRun.masterShape("local[4]"));
  }
}
