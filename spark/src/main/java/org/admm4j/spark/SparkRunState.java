package org.admm4j.spark;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.admm4j.admm.pipeline.Checkpoint;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunState;

/**
 * A Spark run's part of its checkpoint's state.json ({@code runner}, beside the local run's fields): the cluster
 * it ran on, what an epoch was on a partition, every partition's trainer step count, and Spark's figures of the
 * ADMM iterations so far (report.json's {@code admm_iterations[i].spark}, written at the end). The partitions'
 * tensors are in the checkpoint's tensor file ({@link PartitionTensors}).
 *
 * @param master the master Spark ran on ({@code SparkContext.master()})
 * @param steps per partition, its trainer's optimizer steps so far (they seed its augmentation)
 * @param figures Spark's figures of every ADMM iteration so far
 */
public record SparkRunState(String master, int partitions, EpochLength epochLength, int syncBatches, long[] steps,
    List<SparkFigures> figures) {

  /** {@code runner.kind} of a Spark run. */
  public static final String KIND = "spark";

  public SparkRunState {
    if (steps.length != partitions) {
      throw new IllegalArgumentException(steps.length + " step counts for " + partitions + " partitions");
    }
    steps = steps.clone();
    figures = List.copyOf(figures);
  }

  @Override
  public long[] steps() {
    return steps.clone();
  }

  /**
   * The Spark state of the run whose checkpoint state is {@code saved}, in {@code runFolder}.
   *
   * @throws RunException when the run did not run on Spark
   * @throws IOException naming the state file and the field when the state is damaged
   */
  public static SparkRunState of(RunState saved, Path runFolder) throws IOException, RunException {
    if (saved.runner() == null) {
      throw new RunException("the run in " + runFolder + " ran locally, not on Spark: resume it without --spark");
    }
    if (!KIND.equals(saved.runnerKind())) {
      throw new RunException("the run in " + runFolder + " ran on " + saved.runnerKind() + ", not on Spark");
    }
    Path file = runFolder.resolve("checkpoint").resolve(Checkpoint.STATE_FILE);
    try {
      return fromJson(saved.runner(), saved.plan().admmIterations());
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      throw new IOException(file + " is damaged: " + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"),
          e);
    }
  }

  /** The state as {@code runner} holds it. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("kind", KIND);
    o.addProperty("master", master);
    o.addProperty("partitions", partitions);
    o.addProperty("epoch_length", epochLength.label());
    o.addProperty("sync_batches", syncBatches);
    JsonArray s = new JsonArray();
    for (long v : steps) {
      s.add(v);
    }
    o.add("partition_steps", s);
    JsonArray its = new JsonArray();
    for (SparkFigures f : figures) {
      its.add(SparkReport.json(f));
    }
    o.add("admm_iterations", its);
    return o;
  }

  /** What {@link #toJson} wrote, each field checked ({@code iterations}: the plan's, the most it can hold). */
  static SparkRunState fromJson(JsonObject o, int iterations) {
    String master = string(o, "master");
    int partitions = (int) whole(o, "partitions", 1, Integer.MAX_VALUE);
    String label = string(o, "epoch_length");
    EpochLength length;
    try {
      length = EpochLength.of(label);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("runner.epoch_length = " + shortened(o.get("epoch_length"))
          + ": expected local-steps or shard-pass");
    }
    int sync = (int) whole(o, "sync_batches", 0, Integer.MAX_VALUE);
    JsonArray s = array(o, "partition_steps");
    if (s.size() != partitions) {
      throw new IllegalArgumentException("runner.partition_steps holds " + s.size() + " step counts, expected one"
          + " per partition (" + partitions + ")");
    }
    long[] steps = new long[partitions];
    for (int k = 0; k < partitions; k++) {
      steps[k] = whole(s.get(k), "partition_steps[" + k + "]", 0, Long.MAX_VALUE);
    }
    JsonArray its = array(o, "admm_iterations");
    if (its.size() > iterations) {
      throw new IllegalArgumentException("runner.admm_iterations holds " + its.size() + " iterations, the plan "
          + iterations);
    }
    List<SparkFigures> figures = new ArrayList<>();
    for (int i = 0; i < its.size(); i++) {
      String at = "admm_iterations[" + i + "].";
      JsonElement e = its.get(i);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("runner." + at.substring(0, at.length() - 1) + ": expected an object");
      }
      JsonObject f = e.getAsJsonObject();
      JsonArray w = array(f, at, "wstep_seconds");
      if (w.size() != partitions) {
        throw new IllegalArgumentException("runner." + at + "wstep_seconds holds " + w.size() + " values, expected"
            + " one per partition (" + partitions + ")");
      }
      double[] wstep = new double[partitions];
      for (int k = 0; k < partitions; k++) {
        wstep[k] = seconds(w.get(k), at + "wstep_seconds[" + k + "]");
      }
      figures.add(new SparkFigures(wstep, seconds(f, at, "aggregate_seconds"), seconds(f, at, "broadcast_seconds"),
          seconds(f, at, "ustep_seconds"), whole(field(f, at, "bytes"), at + "bytes", 0, Long.MAX_VALUE),
          seconds(f, at, "iteration_seconds")));
    }
    return new SparkRunState(master, partitions, length, sync, steps, figures);
  }

  private static JsonElement field(JsonObject o, String at, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("runner." + at + key + " is missing");
    }
    return e;
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = field(o, "", key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("runner." + key + ": expected a string");
    }
    return e.getAsString();
  }

  private static JsonArray array(JsonObject o, String key) {
    return array(o, "", key);
  }

  private static JsonArray array(JsonObject o, String at, String key) {
    JsonElement e = field(o, at, key);
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException("runner." + at + key + ": expected an array");
    }
    return e.getAsJsonArray();
  }

  private static long whole(JsonObject o, String key, long min, long max) {
    return whole(field(o, "", key), key, min, max);
  }

  private static long whole(JsonElement e, String name, long min, long max) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      BigDecimal d = e.getAsBigDecimal();
      if (d.stripTrailingZeros().scale() <= 0 && d.compareTo(BigDecimal.valueOf(min)) >= 0
          && d.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return d.longValueExact();
      }
    }
    throw new IllegalArgumentException("runner." + name + " = " + shortened(e) + ": expected a whole number from " + min
        + " to " + max);
  }

  private static double seconds(JsonObject o, String at, String key) {
    return seconds(field(o, at, key), at + key);
  }

  private static double seconds(JsonElement e, String name) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      double v = e.getAsDouble();
      if (Double.isFinite(v) && v >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("runner." + name + " = " + shortened(e) + ": expected a number of seconds");
  }

  private static String shortened(JsonElement e) {
    String s = e.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
