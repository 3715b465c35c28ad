package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Parameter;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run on {@code local-cluster[2,1,1024]}: a master, two workers and two executor JVMs of their own,
 * started from the Maven class path alone (no Spark installation; what that takes is {@link LocalClusters}),
 * so closures, broadcasts and states really are serialised and no static state is shared. It must give the
 * bits of the same run in this JVM ({@code local[2]}): two partitions, one kernel thread each.
 */
class LocalClusterTest {

  @TempDir
  Path dir;

  private PruneResult run(String master, Path out, int[] executors) throws Exception {
    DatasetShardSource source = MnistRuns.source(MnistRuns.SMALL_TRAIN, MnistRuns.SMALL_TEST);
    TrainingData data = source.load();
    JavaSparkContext sc = new JavaSparkContext(LocalClusters.conf(master, dir.resolve("spark-home"))
        .setAppName("admm4j-local-cluster-test"));
    try {
      PruneResult r = SparkPruneRun.of(sc, MnistRuns.shortPlan(), SparkModelFactory.builtIn(), source, data, 2, 1)
          .checkpointEvery(1).writeTo(out).log(RunListener.lines(System.out::println)).run();
      executors[0] = sc.sc().getExecutorIds().size();
      return r;
    } finally {
      sc.stop();
    }
  }

  @Test
  void twoExecutorJvmsGiveTheBitsOfTheInProcessRun() throws Exception {
    MnistRuns.assumeMnist();
    int[] executors = new int[1];
    Path local = Files.createDirectories(dir.resolve("local"));
    Path cluster = Files.createDirectories(dir.resolve("cluster"));
    PruneResult a = run("local[2]", local, executors);
    PruneResult b = run("local-cluster[2,1,1024]", cluster, executors);
    assertEquals(2, executors[0], "executor JVMs of the local cluster");
    assertTrue(b.finished());
    assertEquals(6050, b.nonzeroWeights());
    List<Parameter> ta = a.model().tensors();
    List<Parameter> tb = b.model().tensors();
    for (int i = 0; i < ta.size(); i++) {
      assertArrayEquals(ta.get(i).data(), tb.get(i).data(), ta.get(i).name() + " differs between the JVMs");
    }
    assertEquals(a.accuracies(), b.accuracies());
    assertTrue(Files.isRegularFile(cluster.resolve("model.safetensors")));
  }
}
