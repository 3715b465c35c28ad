package org.admm4j.spark;

import java.io.File;
import java.nio.file.Path;
import org.apache.spark.SparkConf;

/**
 * What {@code local-cluster[N,C,M]} needs to start executors from a Maven class path, without a Spark
 * installation (found in Spark 4.2's Worker, StandaloneSchedulerBackend and the launcher's
 * AbstractCommandBuilder):
 * <ul>
 *   <li>system property {@code spark.testing}: the scheduler then hands the driver's {@code java.class.path} to
 *       the executors (Surefire's manifest-only booter jar carries the whole test class path), and the worker
 *       takes its Spark home from {@code spark.test.home} (required then; any folder will do);</li>
 *   <li>executor environment {@code SPARK_TESTING=1}: the launcher does not insist on {@code SPARK_HOME/jars};
 *       and {@code SPARK_SCALA_VERSION=2.13}: it would otherwise look for Spark's build folders to find it.</li>
 * </ul>
 * The executors also get the Vector API module (the kernels) and the tests' no-fetch switch.
 */
public final class LocalClusters {

  private LocalClusters() {}

  /** Whether {@code master} is a {@code local-cluster[...]} master. */
  public static boolean isLocalCluster(String master) {
    return master.startsWith("local-cluster[");
  }

  /**
   * A configuration for {@code master}; for a local cluster, with the settings above ({@code sparkHome}: an
   * existing or creatable folder, used for nothing but the worker's check; unused, and may be null, for other masters). Sets the two system properties
   * for a local cluster: they are read by the worker, which runs inside this JVM.
   */
  public static SparkConf conf(String master, Path sparkHome) {
    SparkConf conf = new SparkConf().setMaster(master)
        .set("spark.ui.enabled", "false")
        .set("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector"
            + (System.getProperty("admm4j.fetch") != null ? " -Dadmm4j.fetch=" + System.getProperty("admm4j.fetch") : ""));
    if (master.startsWith("local")) {
      conf.set("spark.driver.host", "127.0.0.1");
    }
    if (isLocalCluster(master)) {
      File home = sparkHome.toFile();
      home.mkdirs();
      System.setProperty("spark.testing", "1");
      System.setProperty("spark.test.home", home.getAbsolutePath());
      conf.setExecutorEnv("SPARK_TESTING", "1").setExecutorEnv("SPARK_SCALA_VERSION", "2.13");
    }
    return conf;
  }
}
