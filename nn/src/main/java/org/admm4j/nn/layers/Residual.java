package org.admm4j.nn.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;

/**
 * A residual block: {@code body(x) + shortcut(x)}, the shortcut the identity when it has no layers. The
 * block's tensors are its body's, then its shortcut's, named {@code <block>.<layer>.<tensor>} as
 * PyTorch names a sub-module's ({@code block1.conv1.weight}, {@code block1.down_bn.running_var}).
 */
public final class Residual extends Layer {

  private final List<Layer> body;
  private final List<Layer> shortcut;
  private final List<Parameter> parameters;
  private final List<Parameter> buffers;

  /**
   * @param body layers named with the block's prefix, the first taking {@code inputShape}
   * @param shortcut likewise; empty for the identity
   * @throws IllegalArgumentException when the chains do not fit together or the branches' outputs differ
   */
  public Residual(String name, int[] inputShape, List<Layer> body, List<Layer> shortcut) {
    super(name, inputShape, checkedOutput(name, inputShape, body, shortcut));
    this.body = List.copyOf(body);
    this.shortcut = List.copyOf(shortcut);
    List<Parameter> params = new ArrayList<>();
    List<Parameter> bufs = new ArrayList<>();
    for (Layer l : all()) {
      params.addAll(l.parameters());
      bufs.addAll(l.buffers());
    }
    parameters = List.copyOf(params);
    buffers = List.copyOf(bufs);
  }

  private static int[] checkedOutput(String name, int[] input, List<Layer> body, List<Layer> shortcut) {
    if (body.isEmpty()) {
      throw new IllegalArgumentException(name + ": a residual block needs at least one layer in its body");
    }
    int[] b = chainOutput(name + " body", input, body);
    int[] s = shortcut.isEmpty() ? input : chainOutput(name + " shortcut", input, shortcut);
    if (!Arrays.equals(b, s)) {
      throw new IllegalArgumentException(name + ": the body gives " + Arrays.toString(b) + " but the shortcut gives "
          + Arrays.toString(s) + (shortcut.isEmpty() ? " (the identity)" : "") + "; a residual sum needs both equal");
    }
    return b;
  }

  private static int[] chainOutput(String what, int[] input, List<Layer> chain) {
    int[] shape = input;
    for (Layer l : chain) {
      if (!Arrays.equals(l.inputShape(), shape)) {
        throw new IllegalArgumentException(what + ": layer " + l.name() + " takes " + Arrays.toString(l.inputShape())
            + " but gets " + Arrays.toString(shape));
      }
      shape = l.outputShape();
    }
    return shape;
  }

  /** The body's layers, input first. */
  public List<Layer> body() {
    return body;
  }

  /** The shortcut's layers; empty for the identity. */
  public List<Layer> shortcut() {
    return shortcut;
  }

  private List<Layer> all() {
    List<Layer> all = new ArrayList<>(body);
    all.addAll(shortcut);
    return all;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Residual(localName(), body.stream().map(Layer::spec).toList(),
        shortcut.stream().map(Layer::spec).toList());
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public List<Parameter> buffers() {
    return buffers;
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters, gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    float[] b = x;
    for (int i = 0; i < body.size(); i++) {
      b = body.get(i).forward(s.bodyContexts[i], b, count, training);
    }
    float[] sc = x;
    for (int i = 0; i < shortcut.size(); i++) {
      sc = shortcut.get(i).forward(s.shortcutContexts[i], sc, count, training);
    }
    int n = count * outputSize();
    for (int i = 0; i < n; i++) {
      s.output[i] = b[i] + sc[i];
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    State s = (State) context;
    int n = count * outputSize();
    // both branches get dy, and layers may overwrite the dy they are given
    System.arraycopy(dy, 0, s.branchGradient, 0, n);
    float[] dBody = dy;
    for (int i = body.size() - 1; i >= 0; i--) {
      dBody = body.get(i).backward(s.bodyContexts[i], dBody, count, needInputGradient || i > 0);
    }
    float[] dShort = s.branchGradient;
    for (int i = shortcut.size() - 1; i >= 0; i--) {
      dShort = shortcut.get(i).backward(s.shortcutContexts[i], dShort, count, needInputGradient || i > 0);
    }
    if (!needInputGradient) {
      return null;
    }
    int m = count * inputSize();
    for (int i = 0; i < m; i++) {
      s.inputGradient[i] = dBody[i] + dShort[i];
    }
    return s.inputGradient;
  }

  @Override
  public void mergeStatistics(Context[] shards, int[] counts) {
    merge(body, shards, counts, true);
    merge(shortcut, shards, counts, false);
  }

  private static void merge(List<Layer> chain, Context[] shards, int[] counts, boolean body) {
    // the first shard's context keeps the scratch array, so a training step allocates nothing
    State first = (State) shards[0];
    if (first.mergeScratch == null || first.mergeScratch.length != shards.length) {
      first.mergeScratch = new Context[shards.length];
    }
    Context[] sub = first.mergeScratch;
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).buffers().isEmpty()) {
        continue;
      }
      for (int k = 0; k < shards.length; k++) {
        State s = (State) shards[k];
        sub[k] = body ? s.bodyContexts[i] : s.shortcutContexts[i];
      }
      chain.get(i).mergeStatistics(sub, counts);
    }
  }

  private final class State extends Context {
    final Context[] bodyContexts;
    final Context[] shortcutContexts;
    final float[] output;
    final float[] branchGradient;
    final float[] inputGradient;
    /** Sub-layer contexts of every shard, one layer at a time, while statistics are merged. */
    Context[] mergeScratch;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      int[] g = {0};
      bodyContexts = contexts(body, capacity, gradients, g);
      shortcutContexts = contexts(shortcut, capacity, gradients, g);
      output = new float[capacity * outputSize()];
      branchGradient = new float[capacity * outputSize()];
      inputGradient = new float[capacity * inputSize()];
    }

    private Context[] contexts(List<Layer> chain, int capacity, float[][] gradients, int[] next) {
      Context[] out = new Context[chain.size()];
      for (int i = 0; i < out.length; i++) {
        int np = chain.get(i).parameters().size();
        out[i] = chain.get(i).newContext(capacity, Arrays.copyOfRange(gradients, next[0], next[0] + np));
        next[0] += np;
      }
      return out;
    }

    @Override
    public void setPosition(long step, int firstSample) {
      super.setPosition(step, firstSample);
      for (Context c : bodyContexts) {
        c.setPosition(step, firstSample);
      }
      for (Context c : shortcutContexts) {
        c.setPosition(step, firstSample);
      }
    }
  }
}
