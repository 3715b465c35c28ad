package org.admm4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.admm4j.kernels.Projection;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Global consensus ADMM (Boyd et al. 2011, §7.1) with the sparsity set as the consensus variable's constraint
 * (§9.1): {@code min Σ_k f_k(W_k) + g(Z) s.t. W_k = Z}, g the indicator of {card(Z_j) ≤ α_j} per block j.
 * Per iteration:
 * <pre>
 *   W_k = argmin f_k(W) + ρ/2 ‖W − Z + U_k‖²      one task per partition, beside its data (LocalSolver)
 *   Z   = Π_S(mean_k(W_k + U_k))                  one treeAggregate, then the top-k projection on the driver
 *   U_k = U_k + W_k − Z                           Z broadcast, a narrow map over the cached states
 * </pre>
 * The partitions' free tensors (those under no constraint: biases) are averaged every iteration and each
 * W-step starts from their mean. Primal residual {@code sqrt(Σ_k ‖W_k − Z‖²)}, dual {@code ρ·sqrt(P)·‖Z − Z_prev‖}
 * (Boyd §7.1.1), per block. With one partition every step is the local solver's, bit for bit.
 *
 * <p>State: an RDD with one {@link ConsensusState} per partition, zipped with the data RDD (same partition
 * count), kept in memory and checkpointed every {@code checkpointEvery} iterations to cut the lineage. The
 * executors' copies of older broadcasts are dropped at each checkpoint ({@code unpersist}, never {@code destroy}:
 * a checkpointed RDD still holds the closure that read its broadcast, and later tasks serialise it with their
 * lineage); Spark's cleaner frees them once no RDD refers to them.
 *
 * @param <D> one partition's data
 */
public final class ConsensusAdmm<D> implements AutoCloseable {

  /** What one iteration gave. {@code loss}: the partitions' mean W-step loss, weighted by their samples. */
  public record Iteration(double[] primal, double[] dual, double loss, long samples, double zSeconds,
      SparkFigures spark) {}

  private final JavaSparkContext sc;
  private final JavaRDD<D> data;
  private final int[] keep;
  private final LocalSolver<D> solver;
  private final int checkpointEvery;
  private final int partitions;
  private final boolean reliableCheckpoints;
  private JavaRDD<ConsensusState> states;
  private float[][] z;
  private float[][] freeMean;
  private float[][] xuMean;
  private Broadcast<Consensus> current;
  private final List<Broadcast<Consensus>> sinceCheckpoint = new ArrayList<>();
  private final List<JavaRDD<ConsensusState>> cached = new ArrayList<>();
  /** A locally checkpointed state lives only in its cached blocks: kept until the next checkpoint. */
  private JavaRDD<ConsensusState> lastCheckpoint;

  /** Z and the free tensors' mean, as the tasks receive them. */
  record Consensus(float[][] z, float[][] free) implements java.io.Serializable {}

  /**
   * @param initial one state per partition, U = 0, every W_k equal to {@code x0}
   * @param keep α_j per consensus block
   * @param x0 W^0 (Z^0 = Π(W^0))
   * @param free0 the free tensors to start from
   * @param checkpointEvery cut the lineage every this many iterations (≥ 1)
   */
  public ConsensusAdmm(JavaSparkContext sc, JavaRDD<D> data, JavaRDD<ConsensusState> initial, int[] keep,
      float[][] x0, float[][] free0, LocalSolver<D> solver, int checkpointEvery) {
    this(sc, data, initial, keep, new Consensus(project(keep, x0), copy(free0)), solver, checkpointEvery);
  }

  /**
   * Continues a run from where an earlier driver left it: the partitions' states, Z and the free tensors' mean
   * after its last iteration (its next iteration's index is the caller's).
   *
   * @param states one state per partition, as that iteration's U-step left them
   */
  public static <D> ConsensusAdmm<D> resume(JavaSparkContext sc, JavaRDD<D> data, JavaRDD<ConsensusState> states,
      int[] keep, float[][] z, float[][] freeMean, LocalSolver<D> solver, int checkpointEvery) {
    if (keep.length != z.length) {
      throw new IllegalArgumentException(keep.length + " targets for " + z.length + " consensus blocks");
    }
    return new ConsensusAdmm<>(sc, data, states, keep, new Consensus(copy(z), copy(freeMean)), solver,
        checkpointEvery);
  }

  private ConsensusAdmm(JavaSparkContext sc, JavaRDD<D> data, JavaRDD<ConsensusState> initial, int[] keep,
      Consensus start, LocalSolver<D> solver, int checkpointEvery) {
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery must be at least 1, got " + checkpointEvery);
    }
    if (data.getNumPartitions() != initial.getNumPartitions()) {
      throw new IllegalArgumentException("the data has " + data.getNumPartitions() + " partitions, the state "
          + initial.getNumPartitions());
    }
    this.sc = sc;
    this.data = data;
    this.keep = keep.clone();
    this.solver = solver;
    this.checkpointEvery = checkpointEvery;
    this.partitions = data.getNumPartitions();
    this.reliableCheckpoints = sc.getCheckpointDir().isPresent();
    this.states = initial.persist(StorageLevel.MEMORY_ONLY());
    // computed now, while whatever it was derived from (the previous phase's states) is still cached
    states.count();
    cached.add(states);
    this.z = start.z();
    this.freeMean = start.free();
    this.current = sc.broadcast(start);
    sinceCheckpoint.add(current);
  }

  /** Z^0 = Π(W^0) for every block, as the local solver initialises. */
  private static float[][] project(int[] keep, float[][] values) {
    if (keep.length != values.length) {
      throw new IllegalArgumentException(keep.length + " targets for " + values.length + " consensus blocks");
    }
    float[][] out = new float[values.length][];
    for (int j = 0; j < values.length; j++) {
      out[j] = new float[values[j].length];
      Projection.topK(values[j].length, keep[j], values[j], 0, out[j], 0);
    }
    return out;
  }

  /** ADMM iteration {@code k} (0-based) at penalty ρ. */
  public Iteration iterate(int k, double rho) {
    long t0 = System.nanoTime();
    Broadcast<Consensus> bz = current;
    LocalSolver<D> f = solver;
    JavaRDD<ConsensusState> solved = data.zipPartitions(states, (ds, ss) -> {
      D d = ds.next();
      ConsensusState s = ss.next();
      long tf = System.nanoTime();
      Consensus c = bz.value();
      double fetch = (System.nanoTime() - tf) / 1e9;
      ConsensusState n = f.solve(d, s, c.z(), c.free(), rho, k);
      TaskFigures tfg = n.figures();
      return Collections.singletonList(new ConsensusState(n.partition(), n.x(), n.u(), n.free(), n.local(),
          new TaskFigures(tfg.seconds(), fetch, tfg.loss(), tfg.samples()))).iterator();
    }).persist(StorageLevel.MEMORY_ONLY());
    cached.add(solved);

    long ta = System.nanoTime();
    BlockSum sum = solved.treeAggregate(BlockSum.empty(), (acc, s) -> acc.plus(BlockSum.of(s.partition(),
        xPlusUAndFree(s), new double[0], s.figures())), BlockSum::plus, 2);
    double jobSeconds = (System.nanoTime() - ta) / 1e9;
    if (sum.partitions() != partitions) {
      throw new IllegalStateException("aggregated " + sum.partitions() + " partitions, expected " + partitions);
    }

    long tz = System.nanoTime();
    float[][] mean = sum.mean();
    int blocks = keep.length;
    float[][] zNew = new float[blocks][];
    for (int j = 0; j < blocks; j++) {
      zNew[j] = new float[mean[j].length];
      Projection.topK(mean[j].length, keep[j], mean[j], 0, zNew[j], 0);
    }
    float[][] free = new float[mean.length - blocks][];
    System.arraycopy(mean, blocks, free, 0, free.length);
    double zSeconds = (System.nanoTime() - tz) / 1e9;

    long tb = System.nanoTime();
    Broadcast<Consensus> next = sc.broadcast(new Consensus(zNew, free));
    double publish = (System.nanoTime() - tb) / 1e9;

    long tu = System.nanoTime();
    JavaRDD<ConsensusState> stepped = solved.map(s -> {
      long tf = System.nanoTime();
      float[][] zk = next.value().z();
      double fetch = (System.nanoTime() - tf) / 1e9;
      ConsensusState n = s.uStep(zk);
      TaskFigures g = n.figures();
      return new ConsensusState(n.partition(), n.x(), n.u(), n.free(), n.local(),
          new TaskFigures(g.seconds(), g.fetchSeconds() + fetch, g.loss(), g.samples()));
    }).persist(StorageLevel.MEMORY_ONLY());
    boolean checkpoint = (k + 1) % checkpointEvery == 0;
    if (checkpoint) {
      if (reliableCheckpoints) {
        stepped.rdd().checkpoint();
      } else {
        stepped.rdd().localCheckpoint();
      }
    }
    BlockSum residuals = stepped.treeAggregate(BlockSum.empty(), (acc, s) -> acc.plus(BlockSum.of(s.partition(),
        new float[0][], s.primalSquares(next.value().z()), s.figures())), BlockSum::plus, 2);
    double ustepSeconds = (System.nanoTime() - tu) / 1e9;
    cached.add(stepped);

    // the W-stepped states are no longer needed once the U-stepped ones are cached; older ones neither
    for (JavaRDD<ConsensusState> r : cached) {
      if (r != stepped && (r != lastCheckpoint || checkpoint)) {
        r.unpersist(false);
      }
    }
    cached.clear();
    cached.add(stepped);
    if (checkpoint) {
      lastCheckpoint = stepped;
    } else if (lastCheckpoint != null) {
      cached.add(lastCheckpoint);
    }
    if (checkpoint) {
      for (Broadcast<Consensus> b : sinceCheckpoint) {
        b.unpersist(false);
      }
      sinceCheckpoint.clear();
    }
    sinceCheckpoint.add(next);
    states = stepped;

    double[] primal = new double[blocks];
    double[] dual = new double[blocks];
    double[] sq = residuals.extra();
    for (int j = 0; j < blocks; j++) {
      primal[j] = Math.sqrt(sq[j]);
      double d = 0;
      for (int i = 0; i < zNew[j].length; i++) {
        double dz = (double) zNew[j][i] - z[j][i];
        d += dz * dz;
      }
      dual[j] = rho * Math.sqrt(partitions) * Math.sqrt(d);
    }
    z = zNew;
    freeMean = free;
    xuMean = Arrays.copyOf(mean, blocks);
    current = next;

    TaskFigures[] wf = sum.figures();
    TaskFigures[] uf = residuals.figures();
    double[] wstep = new double[partitions];
    double slowest = 0;
    double fetchMax = 0;
    double lossSum = 0;
    long samples = 0;
    for (int p = 0; p < partitions; p++) {
      wstep[p] = wf[p].seconds();
      slowest = Math.max(slowest, wf[p].seconds() + wf[p].fetchSeconds());
      // the U-step's figures carry the W-step's broadcast read plus its own
      fetchMax = Math.max(fetchMax, uf[p].fetchSeconds());
      lossSum += wf[p].loss() * wf[p].samples();
      samples += wf[p].samples();
    }
    long values = 0;
    for (float[] m : mean) {
      values += m.length;
    }
    long bytes = 2L * partitions * 4L * values + partitions * 8L * blocks;
    double iterationSeconds = (System.nanoTime() - t0) / 1e9;
    SparkFigures spark = new SparkFigures(wstep, Math.max(0, jobSeconds - slowest), publish + fetchMax,
        ustepSeconds, bytes, iterationSeconds);
    return new Iteration(primal, dual, samples == 0 ? Double.NaN : lossSum / samples, samples, zSeconds, spark);
  }

  private static float[][] xPlusUAndFree(ConsensusState s) {
    float[][] x = s.x(), u = s.u(), fr = s.free();
    float[][] out = new float[x.length + fr.length][];
    for (int j = 0; j < x.length; j++) {
      float[] v = new float[x[j].length];
      float[] xj = x[j], uj = u[j];
      for (int i = 0; i < v.length; i++) {
        v[i] = xj[i] + uj[i];
      }
      out[j] = v;
    }
    System.arraycopy(fr, 0, out, x.length, fr.length);
    return out;
  }

  /** Z after the last iteration (do not modify). */
  public float[][] z() {
    return z;
  }

  /** mean_k(W_k + U_k) per block, of the last iteration (what Z is the projection of; do not modify). */
  public float[][] meanXPlusU() {
    return xuMean;
  }

  /** The mean of the free tensors after the last iteration. */
  public float[][] freeMean() {
    return freeMean;
  }

  /** mean_k W_k per block: the consensus model's weights (one job). */
  public float[][] meanX() {
    BlockSum sum = states.treeAggregate(BlockSum.empty(), (acc, s) -> acc.plus(BlockSum.of(s.partition(), s.x(),
        new double[0], TaskFigures.NONE)), BlockSum::plus, 2);
    return sum.mean();
  }

  /** The current states (cached). */
  public JavaRDD<ConsensusState> states() {
    return states;
  }

  /** Releases the cached states and the broadcasts. */
  @Override
  public void close() {
    for (JavaRDD<ConsensusState> r : cached) {
      r.unpersist(false);
    }
    if (lastCheckpoint != null) {
      lastCheckpoint.unpersist(false);
    }
    cached.clear();
    for (Broadcast<Consensus> b : sinceCheckpoint) {
      b.unpersist(false);
    }
    sinceCheckpoint.clear();
  }

  static float[][] copy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int j = 0; j < a.length; j++) {
      c[j] = a[j].clone();
    }
    return c;
  }
}
