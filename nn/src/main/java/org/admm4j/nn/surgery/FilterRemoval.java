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
 * group), so the channel carries exact zeros downstream; anything else is refused naming the layer and
 * the channel. A residual block's two branches must keep the same channels (an identity shortcut: all
 * of the block's input channels), since its sum adds them channel by channel; otherwise the block is
 * named and nothing is changed. The classifier's outputs are never removed.
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

  /** The tensor flowing between layers: its shape in the original network, and which channels survive. */
  private record Flow(int[] shape, boolean[] live) {}

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
      boolean[] out = mask(name, c.outChannels());
      checkDead(name, out);
      slices.add(new Slice(name, "conv", in.live, out));
      int h = (shape[1] + 2 * c.padding() - c.kernel()) / c.stride() + 1;
      int w = (shape[2] + 2 * c.padding() - c.kernel()) / c.stride() + 1;
      return new Flow(new int[] {c.outChannels(), h, w}, out);
    }
    if (l instanceof LayerSpec.Linear f) {
      boolean[] out = mask(name, f.outFeatures());
      checkDead(name, out);
      slices.add(new Slice(name, "linear", in.live, out));
      return new Flow(new int[] {f.outFeatures()}, out);
    }
    if (l instanceof LayerSpec.BatchNorm) {
      if (in.live != null) {
        checkDeadThrough(name, in.live);
        slices.add(new Slice(name, "batchnorm", in.live, null));
      }
      return in;
    }
    if (l instanceof LayerSpec.MaxPool p) {
      return new Flow(pooled(shape, p.kernel(), p.stride(), p.padding()), in.live);
    }
    if (l instanceof LayerSpec.AvgPool p) {
      return new Flow(pooled(shape, p.kernel(), p.stride(), p.padding()), in.live);
    }
    if (l instanceof LayerSpec.GlobalAvgPool) {
      return new Flow(new int[] {shape[0], 1, 1}, in.live);
    }
    if (l instanceof LayerSpec.Flatten) {
      int features = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (in.live == null || shape.length == 1) {
        return new Flow(new int[] {features}, in.live);
      }
      // channel c becomes the features [c·H·W, (c+1)·H·W)
      int spatial = features / shape[0];
      boolean[] live = new boolean[features];
      for (int f = 0; f < features; f++) {
        live[f] = in.live[f / spatial];
      }
      return new Flow(new int[] {features}, live);
    }
    if (l instanceof LayerSpec.Residual r) {
      Flow body = chain(r.body(), name + ".", in, slices);
      Flow shortcut = r.shortcut().isEmpty() ? in : chain(r.shortcut(), name + ".", in, slices);
      if (!sameChannels(body.live, shortcut.live, body.shape[0])) {
        throw new IllegalArgumentException(name + ": the body keeps channels " + describe(body.live)
            + " but the shortcut keeps " + describe(shortcut.live) + (r.shortcut().isEmpty() ? " (the identity)" : "")
            + "; a residual sum adds them channel by channel, so both must keep the same ones");
      }
      return body;
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

  /** Every removed output must carry exact zeros: zero filter weights and bias. */
  private void checkDead(String layer, boolean[] out) {
    if (out == null) {
      return;
    }
    Parameter w = tensors.get(layer + ".weight");
    Parameter b = tensors.get(layer + ".bias");
    int per = w.size() / out.length;
    for (int o = 0; o < out.length; o++) {
      if (out[o]) {
        continue;
      }
      for (int j = o * per; j < (o + 1) * per; j++) {
        if (w.data()[j] != 0f) {
          throw new IllegalArgumentException(layer + ": output " + o + " is to be removed but its weights are not all zero");
        }
      }
      if (b != null && b.data()[o] != 0f) {
        throw new IllegalArgumentException(layer + ": output " + o + " is to be removed but its bias is " + b.data()[o]);
      }
    }
  }

  /** A BatchNorm passes a removed channel's zeros on only when it neither scales nor shifts it. */
  private void checkDeadThrough(String batchNorm, boolean[] live) {
    float[] gamma = tensors.get(batchNorm + ".weight").data(), beta = tensors.get(batchNorm + ".bias").data();
    for (int c = 0; c < live.length; c++) {
      if (!live[c] && (gamma[c] != 0f || beta[c] != 0f)) {
        throw new IllegalArgumentException(batchNorm + ": channel " + c + " is to be removed but this BatchNorm "
            + "scales or shifts it (weight " + gamma[c] + ", bias " + beta[c] + "); zero both first");
      }
    }
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
