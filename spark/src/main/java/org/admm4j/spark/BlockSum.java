package org.admm4j.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The aggregate of one {@code treeAggregate}: per block the sum over partitions of a float array, with the
 * partitions' task figures. A single partition's contribution stays float (what a task sends back: 4 bytes
 * a value); merged sums are double, so that for two partitions the sum is exact and for more it depends on
 * the arrival order only where one partition's value is 2^29 times another's at the same element.
 */
final class BlockSum implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int partitions;
  private final float[][] single;
  private final double[][] merged;
  private final double[] extra;
  private final TaskFigures[] figures;

  private BlockSum(int partitions, float[][] single, double[][] merged, double[] extra, TaskFigures[] figures) {
    this.partitions = partitions;
    this.single = single;
    this.merged = merged;
    this.extra = extra;
    this.figures = figures;
  }

  /** The neutral element (treeAggregate's zero). */
  static BlockSum empty() {
    return new BlockSum(0, null, null, null, new TaskFigures[0]);
  }

  /** One partition's arrays (kept, not copied), scalars to sum ({@code extra}, may be empty) and figures. */
  static BlockSum of(int partition, float[][] values, double[] extra, TaskFigures f) {
    TaskFigures[] figs = new TaskFigures[partition + 1];
    figs[partition] = f;
    return new BlockSum(1, values, null, extra.clone(), figs);
  }

  boolean isEmpty() {
    return partitions == 0;
  }

  int partitions() {
    return partitions;
  }

  BlockSum plus(BlockSum o) {
    if (o.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return o;
    }
    double[][] a = asDouble();
    double[][] b = o.asDouble();
    for (int j = 0; j < a.length; j++) {
      double[] aj = a[j], bj = b[j];
      for (int i = 0; i < aj.length; i++) {
        aj[i] += bj[i];
      }
    }
    double[] e = extra.clone();
    for (int i = 0; i < e.length; i++) {
      e[i] += o.extra[i];
    }
    TaskFigures[] figs = Arrays.copyOf(figures, Math.max(figures.length, o.figures.length));
    for (int i = 0; i < o.figures.length; i++) {
      if (o.figures[i] != null) {
        figs[i] = o.figures[i];
      }
    }
    return new BlockSum(partitions + o.partitions, null, a, e, figs);
  }

  private double[][] asDouble() {
    if (merged != null) {
      double[][] copy = new double[merged.length][];
      for (int j = 0; j < copy.length; j++) {
        copy[j] = merged[j].clone();
      }
      return copy;
    }
    double[][] d = new double[single.length][];
    for (int j = 0; j < d.length; j++) {
      float[] s = single[j];
      double[] dj = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        dj[i] = s[i];
      }
      d[j] = dj;
    }
    return d;
  }

  /** The mean over the partitions, per block (one partition: its own floats, bit for bit). */
  float[][] mean() {
    if (single != null) {
      float[][] copy = new float[single.length][];
      for (int j = 0; j < copy.length; j++) {
        copy[j] = single[j].clone();
      }
      return copy;
    }
    float[][] m = new float[merged.length][];
    for (int j = 0; j < m.length; j++) {
      double[] s = merged[j];
      float[] mj = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        mj[i] = (float) (s[i] / partitions);
      }
      m[j] = mj;
    }
    return m;
  }

  /** The summed scalars. */
  double[] extra() {
    return extra.clone();
  }

  /** The task figures by partition index. */
  TaskFigures[] figures() {
    return figures.clone();
  }
}
