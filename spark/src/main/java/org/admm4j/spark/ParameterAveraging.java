package org.admm4j.spark;

import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous parameter averaging (dense pre-training and masked retraining): per round every partition
 * starts from the broadcast mean of the tensors, trains on its shard (its optimizer state stays its own),
 * and one treeAggregate gives the new mean. With one partition the mean is the partition's tensors, bit for
 * bit, so the run is the local one.
 *
 * @param <D> one partition's data
 */
public final class ParameterAveraging<D> implements AutoCloseable {

  /** One round: the mean after it, the partitions' figures and the round's wall time on the driver. */
  public record Round(float[][] mean, TaskFigures[] figures, double seconds) {

    /** The partitions' mean training loss, weighted by their samples. */
    public double loss() {
      double s = 0;
      long n = 0;
      for (TaskFigures f : figures) {
        s += f.loss() * f.samples();
        n += f.samples();
      }
      return n == 0 ? Double.NaN : s / n;
    }

    public long samples() {
      long n = 0;
      for (TaskFigures f : figures) {
        n += f.samples();
      }
      return n;
    }

    /** The slowest partition's training time. */
    public double slowest() {
      double m = 0;
      for (TaskFigures f : figures) {
        m = Math.max(m, f.seconds());
      }
      return m;
    }
  }

  private final JavaSparkContext sc;
  private final JavaRDD<D> data;
  private final LocalSolver<D> trainer;
  private final int checkpointEvery;
  private final boolean reliableCheckpoints;
  private JavaRDD<ConsensusState> states;
  /** A locally checkpointed state lives only in its cached blocks: kept until the next checkpoint. */
  private JavaRDD<ConsensusState> lastCheckpoint;
  private float[][] mean;
  private int rounds;

  /**
   * @param initial one state per partition (all tensors free)
   * @param start the tensors every partition starts the first round from
   * @param trainer one round's local training; its {@code iteration} is the round's epoch index
   */
  public ParameterAveraging(JavaSparkContext sc, JavaRDD<D> data, JavaRDD<ConsensusState> initial, float[][] start,
      LocalSolver<D> trainer, int checkpointEvery) {
    this.sc = sc;
    this.data = data;
    this.trainer = trainer;
    this.checkpointEvery = checkpointEvery;
    this.reliableCheckpoints = sc.getCheckpointDir().isPresent();
    this.states = initial.persist(StorageLevel.MEMORY_ONLY());
    // computed now, while whatever it was derived from (the previous phase's states) is still cached
    states.count();
    this.mean = ConsensusAdmm.copy(start);
  }

  /** One round labelled {@code epoch} (passed to the trainer). */
  public Round round(int epoch) {
    long t0 = System.nanoTime();
    Broadcast<float[][]> start = sc.broadcast(mean);
    LocalSolver<D> f = trainer;
    JavaRDD<ConsensusState> trained = data.zipPartitions(states, (ds, ss) -> {
      D d = ds.next();
      ConsensusState s = ss.next();
      long tf = System.nanoTime();
      float[][] m = start.value();
      double fetch = (System.nanoTime() - tf) / 1e9;
      ConsensusState n = f.solve(d, s, new float[0][], m, 0, epoch);
      TaskFigures g = n.figures();
      return Collections.singletonList(new ConsensusState(n.partition(), n.x(), n.u(), n.free(), n.local(),
          new TaskFigures(g.seconds(), fetch, g.loss(), g.samples()))).iterator();
    }).persist(StorageLevel.MEMORY_ONLY());
    boolean checkpoint = ++rounds % checkpointEvery == 0;
    if (checkpoint) {
      if (reliableCheckpoints) {
        trained.rdd().checkpoint();
      } else {
        trained.rdd().localCheckpoint();
      }
    }
    BlockSum sum = trained.treeAggregate(BlockSum.empty(), (acc, s) -> acc.plus(BlockSum.of(s.partition(), s.free(),
        new double[0], s.figures())), BlockSum::plus, 2);
    if (sum.partitions() != data.getNumPartitions()) {
      throw new IllegalStateException("aggregated " + sum.partitions() + " partitions, expected "
          + data.getNumPartitions());
    }
    if (states != lastCheckpoint || checkpoint) {
      states.unpersist(false);
    }
    if (checkpoint) {
      if (lastCheckpoint != null) {
        lastCheckpoint.unpersist(false);
      }
      lastCheckpoint = trained;
    }
    states = trained;
    mean = sum.mean();
    // the executors' copies are dropped at a checkpoint (the driver keeps the value: the lineage refers to it)
    if (rounds % checkpointEvery == 0) {
      start.unpersist(false);
    }
    return new Round(ConsensusAdmm.copy(mean), sum.figures(), (System.nanoTime() - t0) / 1e9);
  }

  /** The current mean of the tensors. */
  public float[][] mean() {
    return ConsensusAdmm.copy(mean);
  }

  /** The current states (cached). */
  public JavaRDD<ConsensusState> states() {
    return states;
  }

  @Override
  public void close() {
    states.unpersist(false);
    if (lastCheckpoint != null) {
      lastCheckpoint.unpersist(false);
    }
  }
}
