package org.admm4j.nn.surgery;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;

/**
 * Zeroes what no later weight reads. A unit (a conv output channel, a linear output feature) whose every
 * outgoing weight in the next weighted layer is zero — through ReLUs, pools, dropouts and BatchNorms; after a
 * flatten a channel is its H·W block of the next linear layer's inputs — contributes nothing to the logits,
 * so its bias, its incoming filter and the BatchNorm entries on its way out (scale, shift, running mean and
 * variance) may be zero as well. Pruning leaves many such units (a LeNet-5 at 350× keeps 70 of fc1's 500), and
 * their biases are most of a small compact file. Layers are visited last to first, so a unit whose only
 * readers were such units is found too. The classifier's outputs are all read.
 *
 * <p>Exact for finite activations: a zeroed unit was multiplied by zero weights only, so every sum that reads
 * it gets the same terms up to the sign of a zero, which changes no non-zero sum. (A unit that produced an
 * infinity or NaN did reach the logits, as NaN; zeroed, it does not.) A zeroed BatchNorm channel has scale 0
 * and variance 0, which with ε > 0 still normalises to a finite 0.
 *
 * <p>Residual blocks are left alone, and everything before one counts as read: the sum adds its branches
 * channel by channel and an identity shortcut passes the block's input on, which this pass does not trace.
 */
public final class UnreadUnits {

  /**
   * The tensors after zeroing, and how many units that touched.
   *
   * @param tensors the same names in the same order; the changed ones are copies, the others the caller's
   * @param zeroedUnits units (channels, features) whose bias or filter was zeroed, per conv or linear layer
   */
  public record Result(LinkedHashMap<String, Tensor> tensors, Map<String, Integer> zeroedUnits) {}

  private final Map<String, Tensor> in;
  private final LinkedHashMap<String, Tensor> out;
  private final Map<String, Integer> zeroed = new LinkedHashMap<>();

  private UnreadUnits(Map<String, Tensor> tensors) {
    this.in = tensors;
    this.out = new LinkedHashMap<>(tensors);
  }

  /**
   * {@code tensors} (a model of architecture {@code spec}: PyTorch names) with every unread unit zeroed; the
   * caller's arrays are never written.
   *
   * @throws IllegalArgumentException when a tensor the spec implies is missing or has another element count
   */
  public static Result zero(ModelSpec spec, Map<String, Tensor> tensors) {
    UnreadUnits u = new UnreadUnits(tensors);
    List<LayerSpec> layers = spec.layers();
    int[][] shapes = inputShapes(spec);
    boolean[] read = null; // null: every element of the flowing tensor is read (the logits)
    for (int i = layers.size() - 1; i >= 0; i--) {
      read = u.backward(layers.get(i), shapes[i], shapes[i + 1], read);
    }
    return new Result(u.out, u.zeroed);
  }

  /** Shapes of the tensor entering each layer, and after the last one ({@code layers.size() + 1} entries). */
  private static int[][] inputShapes(ModelSpec spec) {
    List<LayerSpec> layers = spec.layers();
    int[][] shapes = new int[layers.size() + 1][];
    shapes[0] = spec.input();
    for (int i = 0; i < layers.size(); i++) {
      shapes[i + 1] = output(layers.get(i), shapes[i]);
    }
    return shapes;
  }

  private static int[] output(LayerSpec l, int[] s) {
    if (l instanceof LayerSpec.Conv2d c) {
      return new int[] {c.outChannels(), (s[1] + 2 * c.padding() - c.kernel()) / c.stride() + 1,
          (s[2] + 2 * c.padding() - c.kernel()) / c.stride() + 1};
    }
    if (l instanceof LayerSpec.Linear f) {
      return new int[] {f.outFeatures()};
    }
    if (l instanceof LayerSpec.MaxPool p) {
      return pooled(s, p.kernel(), p.stride(), p.padding());
    }
    if (l instanceof LayerSpec.AvgPool p) {
      return pooled(s, p.kernel(), p.stride(), p.padding());
    }
    if (l instanceof LayerSpec.GlobalAvgPool) {
      return new int[] {s[0], 1, 1};
    }
    if (l instanceof LayerSpec.Flatten) {
      return new int[] {Arrays.stream(s).reduce(1, (a, b) -> a * b)};
    }
    if (l instanceof LayerSpec.Residual r) {
      int[] body = s;
      for (LayerSpec inner : r.body()) {
        body = output(inner, body);
      }
      return body;
    }
    return s; // relu, dropout, batchnorm
  }

  private static int[] pooled(int[] s, int k, int stride, int padding) {
    return new int[] {s[0], (s[1] + 2 * padding - k) / stride + 1, (s[2] + 2 * padding - k) / stride + 1};
  }

  /**
   * Zeroes what layer {@code l} produces that {@code read} (over its output's channels, or features when
   * flat; null: all) leaves unread, and returns which of its input's channels (features) it reads.
   */
  private boolean[] backward(LayerSpec l, int[] inShape, int[] outShape, boolean[] read) {
    String name = l.name();
    if (l instanceof LayerSpec.Conv2d || l instanceof LayerSpec.Linear) {
      boolean bias = l instanceof LayerSpec.Conv2d c ? c.bias() : ((LayerSpec.Linear) l).bias();
      int taps = l instanceof LayerSpec.Conv2d c ? c.kernel() * c.kernel() : 1;
      return weighted(name, bias, outShape[0], inShape[0], taps, read);
    }
    if (l instanceof LayerSpec.BatchNorm) {
      if (read != null) {
        for (String t : List.of("weight", "bias", "running_mean", "running_var")) {
          zeroEntries(name + "." + t, outShape[0], read, 1);
        }
      }
      return read;
    }
    if (l instanceof LayerSpec.Flatten) {
      if (read == null || inShape.length == 1) {
        return read;
      }
      // channel c is the features [c·H·W, (c+1)·H·W)
      int spatial = read.length / inShape[0];
      boolean[] channels = new boolean[inShape[0]];
      for (int f = 0; f < read.length; f++) {
        channels[f / spatial] |= read[f];
      }
      return channels;
    }
    if (l instanceof LayerSpec.Residual) {
      return null;
    }
    return read; // relu, dropout, pools: channel by channel
  }

  /** A conv or linear layer: unread outputs lose bias and filter; returns the inputs some kept weight reads. */
  private boolean[] weighted(String layer, boolean hasBias, int outputs, int inputs, int taps, boolean[] read) {
    int perOutput = inputs * taps;
    Tensor w = tensor(layer + ".weight", (long) outputs * perOutput);
    if (read != null) {
      int count = 0;
      Tensor b = hasBias ? tensor(layer + ".bias", outputs) : null;
      for (int o = 0; o < outputs; o++) {
        if (read[o]) {
          continue;
        }
        boolean live = b != null && b.data()[o] != 0f;
        for (int j = o * perOutput; j < (o + 1) * perOutput && !live; j++) {
          live = w.data()[j] != 0f;
        }
        count += live ? 1 : 0;
      }
      if (count > 0) {
        zeroed.put(layer, count);
        zeroEntries(layer + ".weight", outputs, read, perOutput);
        if (hasBias) {
          zeroEntries(layer + ".bias", outputs, read, 1);
        }
      }
    }
    float[] kept = out.get(layer + ".weight").data();
    boolean[] inputRead = new boolean[inputs];
    for (int j = 0; j < kept.length; j++) {
      if (kept[j] != 0f) {
        inputRead[j / taps % inputs] = true;
      }
    }
    return inputRead;
  }

  /** Zeroes, in a copy of {@code name}, the {@code block} entries of every unit {@code read} marks false. */
  private void zeroEntries(String name, int units, boolean[] read, int block) {
    Tensor t = tensor(name, (long) units * block);
    float[] data = out.get(name) == in.get(name) ? t.data().clone() : out.get(name).data();
    for (int u = 0; u < units; u++) {
      if (!read[u]) {
        Arrays.fill(data, u * block, (u + 1) * block, 0f);
      }
    }
    out.put(name, new Tensor(t.shape(), data));
  }

  private Tensor tensor(String name, long elements) {
    Tensor t = in.get(name);
    if (t == null) {
      throw new IllegalArgumentException("tensor '" + name + "' is missing: the tensors do not fit the spec");
    }
    if (t.data().length != elements) {
      throw new IllegalArgumentException("tensor '" + name + "' has " + t.data().length + " elements, the spec implies "
          + elements);
    }
    return t;
  }
}
