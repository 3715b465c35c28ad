package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run on {@code local-cluster[2,1,1024]}: a master, two workers and two executor JVMs of their own,
 * started from the Maven class path alone (no Spark installation), so closures, broadcasts and states really
 * are serialised and static state is not shared. What that takes is {@link LocalClusters#conf}.
 */
class LocalClusterTest {

  @TempDir
  Path dir;

  @Test
  void twoExecutorJvmsRunTheShortPlan() throws Exception {
    MnistRuns.assumeMnist();
    DatasetShardSource source = MnistRuns.source(MnistRuns.SMALL_TRAIN);
    TrainingData data = source.load();
    JavaSparkContext sc = new JavaSparkContext(LocalClusters.conf("local-cluster[2,1,1024]", dir.resolve("home"))
        .setAppName("admm4j-local-cluster-test"));
    try {
      PruneResult r = SparkPruneRun.of(sc, MnistRuns.shortPlan(), SparkModelFactory.builtIn(), source, data, 2, 1)
          .checkpointEvery(1).writeTo(dir).log(RunListener.lines(System.out::println)).run();
      assertEquals(2, sc.sc().getExecutorIds().size(), "executors " + sc.sc().getExecutorIds());
      assertTrue(r.finished());
      assertEquals(6050, r.nonzeroWeights());
      // far above chance (10%) after 4 short epochs on 2,000 images, so the executors trained the same network
      assertTrue(r.accuracies().finalAccuracy() > 50, "final accuracy " + r.accuracies().finalAccuracy());
      assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    } finally {
      sc.stop();
    }
  }
}
