package org.admm4j.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.NnParameters;
import org.admm4j.nn.Parameter;

/** Per-parameter optimizer bookkeeping shared by {@link Sgd} and {@link Adam}: penalty, mask, state. */
final class ParameterSlots {

  /** One trainable parameter with its state arrays, penalty and mask. */
  static final class Slot {
    final Parameter parameter;
    final float[][] state;
    float rho;
    float[] z;
    float[] u;
    float[] mask;

    Slot(Parameter parameter, int stateArrays) {
      this.parameter = parameter;
      state = new float[stateArrays][parameter.size()];
    }
  }

  /** An update of the elements {@code [from, to)} of one slot's tensors. */
  interface BlockUpdate {
    void update(Slot slot, int from, int to);
  }

  final Slot[] slots;
  private final int[] blockSlot;
  private final int[] blockFrom;
  private final BlockTask root;
  private final long totalFloats;
  private BlockUpdate current;
  private GradientFill currentFill;
  private final List<Parameter> parameters;
  private final String[] stateNames;
  private final Map<Parameter, Slot> byParameter = new IdentityHashMap<>();

  ParameterSlots(List<Parameter> params, String... stateNames) {
    List<Parameter> trainable = new ArrayList<>();
    for (Parameter p : params) {
      if (p.trainable()) {
        trainable.add(p);
      }
    }
    this.parameters = List.copyOf(trainable);
    this.stateNames = stateNames;
    slots = new Slot[trainable.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(trainable.get(i), stateNames.length);
      byParameter.put(trainable.get(i), slots[i]);
    }
    int block = NnParameters.PARALLEL_BLOCK_FLOATS;
    int blocks = 0;
    long total = 0;
    for (Slot s : slots) {
      blocks += (s.parameter.size() + block - 1) / block;
      total += s.parameter.size();
    }
    totalFloats = total;
    blockSlot = new int[blocks];
    blockFrom = new int[blocks];
    int b = 0;
    for (int i = 0; i < slots.length; i++) {
      for (int from = 0; from < slots[i].parameter.size(); from += block, b++) {
        blockSlot[b] = i;
        blockFrom[b] = from;
      }
    }
    root = blocks > 0 ? new BlockTask(0, blocks) : null;
  }

  /**
   * Applies {@code update} to every tensor: in blocks on the kernel pool for large models (each
   * element's result does not depend on the split), whole tensors in order on this thread otherwise.
   */
  void forEachBlock(BlockUpdate update) {
    forEachBlock(update, null);
  }

  /** As {@link #forEachBlock(BlockUpdate)}; {@code fill} (may be null) writes each block's gradient first. */
  void forEachBlock(BlockUpdate update, GradientFill fill) {
    ForkJoinPool pool = KernelThreads.pool();
    if (root == null || totalFloats < NnParameters.PARALLEL_OPTIMIZER_MIN_FLOATS || pool.getParallelism() < 2) {
      for (Slot s : slots) {
        if (fill != null) {
          fill.fill(s.parameter, 0, s.parameter.size());
        }
        update.update(s, 0, s.parameter.size());
      }
      return;
    }
    current = update;
    currentFill = fill;
    root.reinitialize();
    pool.invoke(root);
    current = null;
    currentFill = null;
  }

  /** Blocks {@code [lo, hi)}, split in halves; built once and reused every step. */
  private final class BlockTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final int lo;
    private final BlockTask left;
    private final BlockTask right;

    BlockTask(int lo, int hi) {
      this.lo = lo;
      int mid = (lo + hi) >>> 1;
      left = hi - lo > 1 ? new BlockTask(lo, mid) : null;
      right = hi - lo > 1 ? new BlockTask(mid, hi) : null;
    }

    @Override
    protected void compute() {
      if (left == null) {
        Slot s = slots[blockSlot[lo]];
        int from = blockFrom[lo];
        int to = Math.min(s.parameter.size(), from + NnParameters.PARALLEL_BLOCK_FLOATS);
        if (currentFill != null) {
          currentFill.fill(s.parameter, from, to);
        }
        current.update(s, from, to);
        return;
      }
      left.reinitialize();
      right.reinitialize();
      invokeAll(left, right);
    }
  }

  List<Parameter> parameters() {
    return parameters;
  }

  Slot slot(Parameter p) {
    Slot s = byParameter.get(p);
    if (s == null) {
      throw new IllegalArgumentException("parameter " + (p == null ? "null" : p.name())
          + " is not one this optimizer updates");
    }
    return s;
  }

  void setPenalty(Parameter p, float rho, float[] z, float[] u) {
    Slot s = slot(p);
    if (!(rho >= 0f) || Float.isInfinite(rho)) {
      throw new IllegalArgumentException("penalty rho of " + p.name() + " must be finite and ≥ 0, got " + rho);
    }
    checkLength(p, "z", z);
    checkLength(p, "u", u);
    s.rho = rho;
    s.z = z;
    s.u = u;
  }

  void clearPenalty(Parameter p) {
    Slot s = slot(p);
    s.rho = 0f;
    s.z = null;
    s.u = null;
  }

  void setMask(Parameter p, float[] mask) {
    Slot s = slot(p);
    checkLength(p, "mask", mask);
    s.mask = mask;
    float[] w = p.data();
    for (int i = 0; i < w.length; i++) {
      if (mask[i] == 0f) {
        w[i] = 0f;
        for (float[] st : s.state) {
          st[i] = 0f;
        }
      }
    }
  }

  void clearMask(Parameter p) {
    slot(p).mask = null;
  }

  void zeroGrad() {
    for (Slot s : slots) {
      Arrays.fill(s.parameter.grad(), 0f);
    }
  }

  /** State arrays named {@code <parameter>.<stateName>}, copied. */
  Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        out.put(s.parameter.name() + "." + stateNames[k], s.state[k].clone());
      }
    }
    return out;
  }

  /** Checks every key of {@code state} (those in {@code extra} aside) and copies them in. */
  void loadState(Map<String, float[]> state, String kind, String... extra) {
    TreeSet<String> expected = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        String key = s.parameter.name() + "." + stateNames[k];
        expected.add(key);
        float[] v = state.get(key);
        if (v == null) {
          problems.add("missing " + key);
        } else if (v.length != s.parameter.size()) {
          problems.add(key + " has " + v.length + " floats, expected " + s.parameter.size());
        }
      }
    }
    expected.addAll(Arrays.asList(extra));
    for (String key : state.keySet()) {
      if (!expected.contains(key)) {
        problems.add("unknown entry " + key);
      }
    }
    for (String key : extra) {
      if (!state.containsKey(key)) {
        problems.add("missing " + key);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(kind + " state does not fit this optimizer: " + String.join("; ", problems));
    }
    for (Slot s : slots) {
      for (int k = 0; k < stateNames.length; k++) {
        float[] v = state.get(s.parameter.name() + "." + stateNames[k]);
        System.arraycopy(v, 0, s.state[k], 0, v.length);
      }
    }
  }

  private static void checkLength(Parameter p, String what, float[] x) {
    if (x == null) {
      throw new IllegalArgumentException(what + " of " + p.name() + " is null");
    }
    if (x.length != p.size()) {
      throw new IllegalArgumentException(what + " of " + p.name() + " has " + x.length + " floats, expected "
          + p.size());
    }
  }
}
