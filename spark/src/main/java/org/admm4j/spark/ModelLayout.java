package org.admm4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;

/**
 * How a model's tensors ({@link Model#tensors()}, in order) map to a {@link ConsensusState}: the pruned
 * weights are the consensus blocks, everything else is free (averaged).
 */
public final class ModelLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int[] consensus;
  private final int[] free;

  private ModelLayout(int[] consensus, int[] free) {
    this.consensus = consensus;
    this.free = free;
  }

  /** The tensors named in {@code blocks} (in that order) under consensus, the rest free. */
  public static ModelLayout of(Model model, List<String> blocks) {
    List<Parameter> ts = model.tensors();
    int[] c = new int[blocks.size()];
    List<Integer> f = new ArrayList<>();
    for (int j = 0; j < c.length; j++) {
      c[j] = -1;
    }
    for (int i = 0; i < ts.size(); i++) {
      int j = blocks.indexOf(ts.get(i).name());
      if (j >= 0) {
        c[j] = i;
      } else {
        f.add(i);
      }
    }
    for (int j = 0; j < c.length; j++) {
      if (c[j] < 0) {
        throw new IllegalArgumentException("model " + model.name() + " has no tensor " + blocks.get(j));
      }
    }
    return new ModelLayout(c, f.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Every tensor free (parameter averaging). */
  public static ModelLayout allFree(Model model) {
    return of(model, List.of());
  }

  public int blocks() {
    return consensus.length;
  }

  /** Copies of the consensus tensors. */
  public float[][] consensus(Model m) {
    return pick(m, consensus);
  }

  /** Copies of the free tensors. */
  public float[][] free(Model m) {
    return pick(m, free);
  }

  /** Writes {@code x} (consensus blocks, may be null) and {@code fr} (free tensors) into the model. */
  public void load(Model m, float[][] x, float[][] fr) {
    List<Parameter> ts = m.tensors();
    if (x != null) {
      put(ts, consensus, x);
    }
    put(ts, free, fr);
  }

  private static void put(List<Parameter> ts, int[] index, float[][] values) {
    if (values.length != index.length) {
      throw new IllegalArgumentException(values.length + " tensors for " + index.length + " slots");
    }
    for (int j = 0; j < index.length; j++) {
      float[] d = ts.get(index[j]).data();
      if (values[j].length != d.length) {
        throw new IllegalArgumentException(ts.get(index[j]).name() + ": " + values[j].length + " values, expected "
            + d.length);
      }
      System.arraycopy(values[j], 0, d, 0, d.length);
    }
  }

  private static float[][] pick(Model m, int[] index) {
    List<Parameter> ts = m.tensors();
    float[][] out = new float[index.length][];
    for (int j = 0; j < index.length; j++) {
      out[j] = ts.get(index[j]).data().clone();
    }
    return out;
  }

  /** The consensus tensors' parameters in {@code m}, in block order. */
  public List<Parameter> consensusParameters(Model m) {
    List<Parameter> ts = m.tensors();
    List<Parameter> out = new ArrayList<>();
    for (int i : consensus) {
      out.add(ts.get(i));
    }
    return out;
  }
}
