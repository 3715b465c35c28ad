package org.admm4j.nn.surgery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;

/**
 * Removes pruned filters physically: a convolution (or linear layer) loses the output channels
 * (features) it no longer uses, its BatchNorm shrinks with it, and the next weighted layer loses the
 * matching input channels (input columns after a flatten). The result is a smaller dense network whose
 * spec gives the new widths and whose outputs equal the original's.
 *
 * <p>Exactness: a removed channel must be dead, its filter weights and bias all zero and every
 * BatchNorm it passes through neither scaling nor shifting it (structured pruning zeroes the whole
 * group), so the channel carries exact zeros downstream; or unread, the next weighted layer's weights
 * for it all zero (what channel or column pruning of that layer leaves), so its value never matters.
 * Anything else is refused naming the layer and the channel. A residual block's two branches must keep
 * the same channels (an identity shortcut: all of the block's input channels), since its sum adds them
 * channel by channel; otherwise the block is named and nothing is changed. The classifier's outputs are never removed.
 */
public final class FilterRemoval {

  private final Map<String, Parameter> tensors;
  private final Map<String, boolean[]> keep;

  private FilterRemoval(Model model, Map<String, boolean[]> keep) {
    this.tensors = new java.util.HashMap<>();
    for (Parameter p : model.tensors()) {
      tensors.put(p.name(), p);
    }
    this.keep = keep;
  }

  /**
   * The network without the output channels {@code keep} marks false, per conv or linear layer (full
   * dotted names, e.g. {@code block1.conv1}).
   *
   * @throws IllegalArgumentException naming the layer (and channel) when a name is unknown, a mask has
   *     the wrong length or keeps nothing, a removed channel is not dead, or a residual sum's branches
   *     would keep different channels
   */
  public static Model removeFilters(Model model, Map<String, boolean[]> keep) {
    FilterRemoval r = new FilterRemoval(model, keep);
    ModelSpec spec = model.spec();
    List<Slice> slices = new ArrayList<>();
    int[] input = spec.input();
    Flow out = r.chain(spec.layers(), "", new Flow(input, null), slices);
    if (out.live != null) {
      throw new IllegalArgumentException("the classifier's outputs cannot be removed");
    }
    for (String name : keep.keySet()) {
      if (slices.stream().noneMatch(s -> s.layer.equals(name) && !s.kind.equals("batchnorm"))) {
        throw new IllegalArgumentException("no conv or linear layer named '" + name + "' to remove filters from");
      }
    }
    ModelSpec smaller = new ModelSpec(spec.name(), input, spec.classes(), r.rewrite(spec.layers(), ""));
    Model result = smaller.build(0);
    // tensors no mask touched keep their shape and values; the cut ones are rewritten below
    for (Parameter p : result.tensors()) {
      Parameter old = r.tensors.get(p.name());
      if (Arrays.equals(old.shape(), p.shape())) {
        System.arraycopy(old.data(), 0, p.data(), 0, p.size());
      }
    }
    for (Slice s : slices) {
      s.copyInto(result, r.tensors);
    }
    return result;
  }

  /**
   * The tensor flowing between layers: its shape in the original network, which channels survive, and for
   * each removed channel that may not be zero (null where it is), why: the next weighted layer must not read
   * those.
   */
  private record Flow(int[] shape, boolean[] live, String[] notDead) {
    Flow(int[] shape, boolean[] live) {
      this(shape, live, null);
    }
  }

  /**
   * A conv or linear layer whose outputs feed exactly one other one (through BatchNorm, ReLU, pooling,
   * dropout or a flatten, not through a residual sum): {@code read[c]} says whether the consumer's weights
   * read the producer's output channel c at all.
   */
  public record Feed(String producer, String consumer, boolean[] read) {}

  /**
   * Every producer-consumer pair of conv/linear layers in {@code model} with the producer's outputs the
   * consumer does not read: removing those from both is exact (see {@link #removeFilters}).
   */
  public static List<Feed> feeds(Model model) {
    FilterRemoval r = new FilterRemoval(model, Map.of());
    List<Feed> out = new ArrayList<>();
    r.feeds(model.spec().layers(), "", null, out);
    return out;
  }

  /** Walks a chain; {@code producer} is the weighted layer feeding its first layer alone, or null. */
  private String feeds(List<LayerSpec> layers, String prefix, String producer, List<Feed> out) {
    for (LayerSpec l : layers) {
      String name = prefix + l.name();
      if (l instanceof LayerSpec.Conv2d || l instanceof LayerSpec.Linear) {
        if (producer != null) {
          int channels = tensors.get(producer + ".weight").shape()[0];
          out.add(new Feed(producer, name, readChannels(tensors.get(name + ".weight"), channels)));
        }
        producer = name;
      } else if (l instanceof LayerSpec.Residual res) {
        // the block's input feeds the body and the shortcut, its output is a sum: no single producer on either side
        feeds(res.body(), name + ".", null, out);
        feeds(res.shortcut(), name + ".", null, out);
        producer = null;
      }
    }
    return producer;
  }

  /**
   * Which of {@code channels} input channels a conv or linear weight reads (any non-zero weight); a linear
   * layer after a flatten reads channel c through its features [c·S, (c+1)·S).
   */
  private static boolean[] readChannels(Parameter w, int channels) {
    int out = w.shape()[0], per = w.size() / out, inputs = w.shape()[1];
    int taps = per / inputs, spread = inputs / channels;
    boolean[] read = new boolean[channels];
    float[] d = w.data();
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < inputs; i++) {
        int c = i / spread;
        if (read[c]) {
          continue;
        }
        for (int t = 0; t < taps; t++) {
          if (d[o * per + i * taps + t] != 0f) {
            read[c] = true;
            break;
          }
        }
      }
    }
    return read;
  }

  /** How one layer's tensors are cut: input channels kept ({@code inMask}), output channels kept. */
  private record Slice(String layer, String kind, boolean[] inMask, boolean[] outMask) {

    void copyInto(Model target, Map<String, Parameter> from) {
      switch (kind) {
        case "conv", "linear" -> {
          Parameter w = from.get(layer + ".weight");
          int[] shape = w.shape();
          int out = shape[0], in = shape[1], taps = w.size() / (out * in);
          float[] dst = target.parameter(layer + ".weight").data();
          int k = 0;
          for (int o = 0; o < out; o++) {
            if (outMask != null && !outMask[o]) {
              continue;
            }
            for (int i = 0; i < in; i++) {
              if (inMask != null && !inMask[i]) {
                continue;
              }
              System.arraycopy(w.data(), (o * in + i) * taps, dst, k, taps);
              k += taps;
            }
          }
          Parameter b = from.get(layer + ".bias");
          if (b != null) {
            copyMasked(b.data(), outMask, target.parameter(layer + ".bias").data());
          }
        }
        case "batchnorm" -> {
          for (String t : List.of("weight", "bias", "running_mean", "running_var")) {
            copyMasked(from.get(layer + "." + t).data(), inMask, target.parameter(layer + "." + t).data());
          }
        }
        default -> throw new AssertionError(kind);
      }
    }

    private static void copyMasked(float[] src, boolean[] mask, float[] dst) {
      int k = 0;
      for (int i = 0; i < src.length; i++) {
        if (mask == null || mask[i]) {
          dst[k++] = src[i];
        }
      }
    }
  }

  private Flow chain(List<LayerSpec> layers, String prefix, Flow flow, List<Slice> slices) {
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String name = prefix + l.name();
      flow = layer(l, name, flow, slices);
    }
    return flow;
  }

  private Flow layer(LayerSpec l, String name, Flow in, List<Slice> slices) {
    int[] shape = in.shape;
    if (l instanceof LayerSpec.Conv2d c) {
      checkUnread(name, in);
      boolean[] out = mask(name, c.outChannels());
      slices.add(new Slice(name, "conv", in.live, out));
      int h = (shape[1] + 2 * c.padding() - c.kernel()) / c.stride() + 1;
      int w = (shape[2] + 2 * c.padding() - c.kernel()) / c.stride() + 1;
      return new Flow(new int[] {c.outChannels(), h, w}, out, notDead(name, out));
    }
    if (l instanceof LayerSpec.Linear f) {
      checkUnread(name, in);
      boolean[] out = mask(name, f.outFeatures());
      slices.add(new Slice(name, "linear", in.live, out));
      return new Flow(new int[] {f.outFeatures()}, out, notDead(name, out));
    }
    if (l instanceof LayerSpec.BatchNorm) {
      if (in.live != null) {
        slices.add(new Slice(name, "batchnorm", in.live, null));
        return new Flow(in.shape, in.live, shiftedThrough(name, in));
      }
      return in;
    }
    if (l instanceof LayerSpec.MaxPool p) {
      return new Flow(pooled(shape, p.kernel(), p.stride(), p.padding()), in.live, in.notDead);
    }
    if (l instanceof LayerSpec.AvgPool p) {
      return new Flow(pooled(shape, p.kernel(), p.stride(), p.padding()), in.live, in.notDead);
    }
    if (l instanceof LayerSpec.GlobalAvgPool) {
      return new Flow(new int[] {shape[0], 1, 1}, in.live, in.notDead);
    }
    if (l instanceof LayerSpec.Flatten) {
      int features = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (in.live == null || shape.length == 1) {
        return new Flow(new int[] {features}, in.live, in.notDead);
      }
      // channel c becomes the features [c·H·W, (c+1)·H·W)
      int spatial = features / shape[0];
      boolean[] live = new boolean[features];
      String[] notDead = in.notDead == null ? null : new String[features];
      for (int f = 0; f < features; f++) {
        live[f] = in.live[f / spatial];
        if (notDead != null) {
          notDead[f] = in.notDead[f / spatial];
        }
      }
      return new Flow(new int[] {features}, live, notDead);
    }
    if (l instanceof LayerSpec.Residual r) {
      Flow body = chain(r.body(), name + ".", in, slices);
      Flow shortcut = r.shortcut().isEmpty() ? in : chain(r.shortcut(), name + ".", in, slices);
      if (!sameChannels(body.live, shortcut.live, body.shape[0])) {
        throw new IllegalArgumentException(name + ": the body keeps channels " + describe(body.live)
            + " but the shortcut keeps " + describe(shortcut.live) + (r.shortcut().isEmpty() ? " (the identity)" : "")
            + "; a residual sum adds them channel by channel, so both must keep the same ones");
      }
      // a removed channel of the sum is zero only when it is zero on both sides
      return new Flow(body.shape, body.live, merge(body.notDead, shortcut.notDead));
    }
    return in; // relu, dropout
  }

  private static int[] pooled(int[] s, int k, int stride, int padding) {
    return new int[] {s[0], (s[1] + 2 * padding - k) / stride + 1, (s[2] + 2 * padding - k) / stride + 1};
  }

  private boolean[] mask(String layer, int channels) {
    boolean[] m = keep.get(layer);
    if (m == null) {
      return null;
    }
    if (m.length != channels) {
      throw new IllegalArgumentException(layer + ": a mask of " + m.length + " entries for " + channels + " outputs");
    }
    int kept = 0;
    for (boolean b : m) {
      kept += b ? 1 : 0;
    }
    if (kept == 0) {
      throw new IllegalArgumentException(layer + ": the mask keeps no output; a layer needs at least one");
    }
    return kept == channels ? null : m.clone();
  }

  /** Per removed output that may not be zero (weights or bias not all zero), why; null when all are dead. */
  private String[] notDead(String layer, boolean[] out) {
    if (out == null) {
      return null;
    }
    Parameter w = tensors.get(layer + ".weight");
    Parameter b = tensors.get(layer + ".bias");
    int per = w.size() / out.length;
    String[] why = null;
    for (int o = 0; o < out.length; o++) {
      if (out[o]) {
        continue;
      }
      String reason = null;
      for (int j = o * per; j < (o + 1) * per && reason == null; j++) {
        if (w.data()[j] != 0f) {
          reason = layer + ": output " + o + " is to be removed but its weights are not all zero";
        }
      }
      if (reason == null && b != null && b.data()[o] != 0f) {
        reason = layer + ": output " + o + " is to be removed but its bias is " + b.data()[o];
      }
      if (reason != null) {
        why = why == null ? new String[out.length] : why;
        why[o] = reason;
      }
    }
    return why;
  }

  /** A BatchNorm passes a removed channel's zeros on only when it neither scales nor shifts it. */
  private String[] shiftedThrough(String batchNorm, Flow in) {
    float[] gamma = tensors.get(batchNorm + ".weight").data(), beta = tensors.get(batchNorm + ".bias").data();
    String[] why = in.notDead == null ? null : in.notDead.clone();
    for (int c = 0; c < in.live.length; c++) {
      if (!in.live[c] && (why == null || why[c] == null) && (gamma[c] != 0f || beta[c] != 0f)) {
        why = why == null ? new String[in.live.length] : why;
        why[c] = batchNorm + ": channel " + c + " is to be removed but this BatchNorm scales or shifts it (weight "
            + gamma[c] + ", bias " + beta[c] + "); zero both first";
      }
    }
    return why;
  }

  /** A layer may take a removed channel that is not zero only if none of its weights reads it. */
  private void checkUnread(String layer, Flow in) {
    if (in.notDead == null) {
      return;
    }
    boolean[] read = readChannels(tensors.get(layer + ".weight"), in.notDead.length);
    for (int i = 0; i < read.length; i++) {
      if (in.notDead[i] != null && read[i]) {
        throw new IllegalArgumentException(in.notDead[i] + ", and " + layer + " reads it (input " + i + ")");
      }
    }
  }

  private static String[] merge(String[] a, String[] b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    String[] m = a.clone();
    for (int i = 0; i < m.length; i++) {
      m[i] = m[i] != null ? m[i] : b[i];
    }
    return m;
  }

  private static boolean sameChannels(boolean[] a, boolean[] b, int channels) {
    for (int c = 0; c < channels; c++) {
      if ((a == null || a[c]) != (b == null || b[c])) {
        return false;
      }
    }
    return true;
  }

  private static String describe(boolean[] live) {
    if (live == null) {
      return "all";
    }
    int kept = 0;
    for (boolean b : live) {
      kept += b ? 1 : 0;
    }
    return kept + " of " + live.length;
  }

  /** The spec with every masked layer's width reduced. */
  private List<LayerSpec> rewrite(List<LayerSpec> layers, String prefix) {
    List<LayerSpec> out = new ArrayList<>();
    for (LayerSpec l : layers) {
      String name = prefix + l.name();
      if (l instanceof LayerSpec.Conv2d c && keep.containsKey(name)) {
        out.add(new LayerSpec.Conv2d(c.name(), count(keep.get(name)), c.kernel(), c.stride(), c.padding(), c.bias()));
      } else if (l instanceof LayerSpec.Linear f && keep.containsKey(name)) {
        out.add(new LayerSpec.Linear(f.name(), count(keep.get(name)), f.bias()));
      } else if (l instanceof LayerSpec.Residual r) {
        out.add(new LayerSpec.Residual(r.name(), rewrite(r.body(), name + "."), rewrite(r.shortcut(), name + ".")));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  private static int count(boolean[] m) {
    int n = 0;
    for (boolean b : m) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
