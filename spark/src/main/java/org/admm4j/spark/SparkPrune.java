package org.admm4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.pipeline.PruneListener;
import org.admm4j.admm.pipeline.PruneResult;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The command line's entry to a Spark run (no Spark type in its signatures, so the command line compiles and
 * runs without Spark until {@code --spark} is given): makes the Spark context for a master, reads the data
 * the executors will read, runs {@link SparkPruneRun} and stops the context.
 *
 * <p>Masters: {@code local[N]} and {@code local-cluster[W,C,M]} run in this JVM (a local cluster starts its
 * executors from this JVM's class path, see {@link LocalClusters}); {@code submit} takes the master
 * {@code spark-submit} set; any other ({@code spark://…}, {@code yarn}, {@code k8s://…}) is passed to Spark.
 */
public final class SparkPrune {

  /**
   * What to run: the plan, where the data is, the cluster's shape and the run folder.
   *
   * @param syncBatches average dense training and retraining every this many batches (0: after every pass over
   *     the shard)
   * @param epochLength what an epoch is on a partition
   * @param out the run folder, or the staging folder of {@code remote}
   * @param resume continue the run whose checkpoint is in {@code out} (plan, threads, limits, averaging and
   *     epoch length then are the checkpoint's)
   * @param listener the run's events; it may stop the run after any epoch or iteration
   * @param remote the Hadoop folder {@code out} is published to ({@link HadoopRunFolder#create} for a new run,
   *     {@link HadoopRunFolder#download} to resume), or null
   */
  public record Job(String master, int partitions, int threads, PrunePlan plan, SparkModelFactory models,
      String dataset, String dataDir, int trainLimit, int testLimit, Path out, String command, int syncBatches,
      EpochLength epochLength, boolean resume, PruneListener listener, HadoopRunFolder remote) {}

  private SparkPrune() {}

  /** Whether Spark is on the class path (the launcher puts it there; spark-submit always has it). */
  public static boolean available() {
    try {
      Class.forName("org.apache.spark.SparkContext", false, SparkPrune.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Whether a run folder names a Hadoop file system URI ({@code hdfs://…}, {@code s3a://…}, {@code file:/…}), which
   * a Spark run's {@link HadoopRunFolder} publishes to, rather than a local path. Needs no Spark on the class path.
   */
  public static boolean isUri(String folder) {
    return HadoopFiles.isUri(folder);
  }

  public static PruneResult run(Job job, RunListener log) throws IOException, RunException, ConfigException,
      DatasetException {
    String m = job.master();
    if (!(m.equals("submit") || m.equals("local") || m.matches("local\\[(\\*|\\d+)(,\\d+)?]")
        || m.matches("local-cluster\\[\\d+,\\d+,\\d+]") || m.startsWith("spark://") || m.equals("yarn")
        || m.startsWith("k8s://"))) {
      // checked here: Spark's own refusal logs a stack trace before it throws
      throw new RunException("--spark " + m + ": expected local[N], local-cluster[WORKERS,CORES,MB], spark://HOST:PORT,"
          + " yarn, k8s://URL or submit");
    }
    if (job.partitions() < 1) {
      throw new RunException("--partitions must be at least 1, got " + job.partitions());
    }
    DatasetShardSource source = new DatasetShardSource(job.dataset(), job.dataDir(), job.trainLimit(),
        job.testLimit());
    TrainingData data;
    try {
      data = source.load();
    } catch (IllegalArgumentException e) {
      throw new RunException("--dataset " + job.dataset() + ": " + e.getMessage());
    }
    SparkConf conf;
    if (job.master().equals("submit")) {
      conf = new SparkConf();
      if (!conf.contains("spark.master")) {
        throw new RunException("--spark submit takes the master from spark-submit, but none is set: run it with"
            + " spark-submit --master MASTER, or name a master (local[2], local-cluster[2,1,1024], spark://host:7077)");
      }
    } else {
      conf = LocalClusters.conf(job.master(), Files.createTempDirectory("admm4j-spark-home"));
    }
    conf.setAppName("admm4j prune " + job.plan().model());
    // Spark's own default is a page of INFO lines a second; the run prints its own progress
    conf.setIfMissing("spark.log.level", "WARN");
    JavaSparkContext sc;
    try {
      sc = new JavaSparkContext(conf);
    } catch (Exception e) { // Scala throws SparkException unchecked
      if (!e.getClass().getName().startsWith("org.apache.spark") && !(e instanceof IllegalArgumentException)) {
        throw e;
      }
      throw new RunException("--spark " + job.master() + ": Spark did not start: " + firstLine(e));
    }
    try {
      SparkPruneRun run;
      if (job.resume()) {
        run = job.remote() != null
            ? SparkPruneRun.resume(sc, job.remote(), job.models(), source, data, job.partitions(), job.threads())
            : SparkPruneRun.resume(sc, job.out(), job.models(), source, data, job.partitions(), job.threads());
      } else {
        run = SparkPruneRun.of(sc, job.plan(), job.models(), source, data, job.partitions(), job.threads())
            .syncBatches(job.syncBatches()).epochLength(job.epochLength())
            .dataLimits(job.trainLimit(), job.testLimit());
        if (job.remote() != null) {
          run.writeTo(job.remote());
        } else {
          run.writeTo(job.out());
        }
      }
      return run.log(log).command(job.command()).listener(job.listener()).run();
    } catch (Exception e) { // a job Spark gave up on (its tasks failed every attempt): SparkException, unchecked
      if (e.getClass().getName().startsWith("org.apache.spark")) {
        throw new RunException("Spark job failed: " + firstLine(e));
      }
      throw e;
    } finally {
      sc.stop();
    }
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
