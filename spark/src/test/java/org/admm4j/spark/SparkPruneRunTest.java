package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.PruneRun;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.apache.spark.SparkConf;
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
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("admm4j-test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
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
    // local. Measured at 256 bits: seed 42 98.43 vs 98.44, seed 7 (-Dspark.test.seed=7) 98.42 vs 98.38
    double gap = Math.abs(a.accuracies().finalAccuracy() - r.accuracies().finalAccuracy());
    assertTrue(gap <= 0.2, "final accuracy " + r.accuracies().finalAccuracy() + "% on 2 partitions, "
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
}
