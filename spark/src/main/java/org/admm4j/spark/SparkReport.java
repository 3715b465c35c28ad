package org.admm4j.spark;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.admm4j.admm.pipeline.JsonFiles;

/**
 * Spark's part of report.json: a top-level {@code spark} object (master, Spark version, partitions, threads
 * per task, what an epoch was: {@code epoch_length}, {@code shard_passes_per_epoch},
 * {@code sync_batches}) and {@code admm_iterations[i].spark} per iteration ({@link SparkFigures}: {@code wstep_seconds}
 * per partition, {@code aggregate_seconds}, {@code broadcast_seconds}, {@code ustep_seconds}, {@code bytes},
 * {@code iteration_seconds}, {@code overhead_seconds}). Added to the file the local run's writer made, so every
 * other field is the local run's; rewritten atomically.
 */
public final class SparkReport {

  /**
   * The cluster a run ran on, what an epoch was on a partition, and how dense training and retraining averaged.
   *
   * @param passesPerEpoch passes over a partition's shard per epoch of every phase
   * @param syncBatches dense training and retraining averaged every this many batches (0: after every pass over
   *     the shard)
   */
  public record Run(String master, String sparkVersion, int partitions, int threadsPerTask, EpochLength epochLength,
      int passesPerEpoch, int syncBatches) {}

  private SparkReport() {}

  public static void add(Path reportJson, Run run, List<SparkFigures> iterations) throws IOException {
    JsonObject report = JsonFiles.read(reportJson);
    JsonArray its = report.getAsJsonArray("admm_iterations");
    if (its == null || its.size() != iterations.size()) {
      throw new IOException(reportJson + ": " + (its == null ? "no" : its.size()) + " admm_iterations for "
          + iterations.size() + " Spark iterations");
    }
    double wstep = 0;
    double overhead = 0;
    for (int i = 0; i < its.size(); i++) {
      SparkFigures f = iterations.get(i);
      its.get(i).getAsJsonObject().add("spark", json(f));
      wstep += f.slowestWstep();
      overhead += f.overheadSeconds();
    }
    JsonObject s = new JsonObject();
    s.addProperty("master", run.master());
    s.addProperty("spark_version", run.sparkVersion());
    s.addProperty("partitions", run.partitions());
    s.addProperty("threads_per_task", run.threadsPerTask());
    s.addProperty("epoch_length", run.epochLength().label());
    s.addProperty("shard_passes_per_epoch", run.passesPerEpoch());
    s.addProperty("sync_batches", run.syncBatches());
    s.addProperty("admm_wstep_seconds", wstep);
    s.addProperty("admm_overhead_seconds", overhead);
    s.addProperty("admm_overhead_fraction", wstep > 0 ? overhead / wstep : 0);
    report.add("spark", s);
    JsonFiles.write(reportJson, report);
  }

  /** One iteration's figures as report.json (and a Spark run's checkpoint) holds them. */
  static JsonObject json(SparkFigures f) {
    JsonObject o = new JsonObject();
    JsonArray w = new JsonArray();
    for (double s : f.wstepSeconds()) {
      w.add(s);
    }
    o.add("wstep_seconds", w);
    o.addProperty("aggregate_seconds", f.aggregateSeconds());
    o.addProperty("broadcast_seconds", f.broadcastSeconds());
    o.addProperty("ustep_seconds", f.ustepSeconds());
    o.addProperty("bytes", f.bytes());
    o.addProperty("iteration_seconds", f.iterationSeconds());
    o.addProperty("overhead_seconds", f.overheadSeconds());
    return o;
  }
}
