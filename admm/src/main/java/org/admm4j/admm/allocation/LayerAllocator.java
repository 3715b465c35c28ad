package org.admm4j.admm.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;

/**
 * Splits a global compression target over a trained model's prunable layers ({@link AllocationTarget}).
 *
 * <p>Magnitude: the weights above one global magnitude threshold are kept, the threshold the lowest that
 * meets the target once every layer is raised to its floor. Layers with small weights (wide fully connected
 * layers) lose most, which is what the literature's global ranking does and why the sensitivity pass exists.
 *
 * <p>Sensitivity: each layer alone is pruned to its largest weights at the fractions of {@link #GRID} (and
 * the floor), the rest dense, and the model is evaluated on held-back training images. A layer's drop
 * curve is made monotone (a smaller fraction never counts as less harmful). The allocation then minimises
 * the summed drops for the budget, Lagrangian style: at a price λ per kept weight each layer takes the point
 * of its curve with the least {@code drop + λ·kept}, and λ is bisected so the totals meet the target. A wide
 * layer whose drop grows slowly gives many weights for little accuracy, a small sensitive one keeps most of
 * its own (equal drops per layer, the simpler rule, starved LeNet-5's 500-weight conv1 to 16 % to spare a
 * few thousand of fc1's 400,000). No test image is used.
 */
public final class LayerAllocator {

  /** Keep fractions the sensitivity pass tries, largest first; the floor is added below the last one. */
  static final double[] GRID = {0.5, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001};

  private LayerAllocator() {}

  /**
   * @param layers the prunable weight tensors by layer name, in model order (they belong to {@code model})
   * @param images held-back images, normalised as the model's inputs; may be null for the magnitude method
   * @param labels their classes
   * @throws ConfigException when the floors alone keep more than the target allows
   */
  public static LayerAllocation allocate(Model model, Map<String, Parameter> layers, AllocationTarget target,
      float[] images, byte[] labels, int count) throws ConfigException {
    long total = 0, floors = 0;
    for (Parameter p : layers.values()) {
      total += p.size();
      floors += floorOf(p.size(), target.floor());
    }
    long budget = (long) Math.floor(total / target.compression());
    if (floors > budget) {
      throw new ConfigException("compression = " + target.compression() + " is out of reach: the per-layer floor "
          + "(allocation.floor = " + target.floor() + ") alone keeps " + floors + " of " + total + " weights, the"
          + " target allows " + budget + "; lower allocation.floor or the compression");
    }
    Map<String, Integer> magnitude = magnitudeKept(layers, budget, target.floor());
    if (target.method() == AllocationMethod.MAGNITUDE) {
      List<LayerAllocation.Layer> out = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : layers.entrySet()) {
        int k = magnitude.get(e.getKey());
        out.add(new LayerAllocation.Layer(e.getKey(), e.getValue().size(), k, k, List.of()));
      }
      return new LayerAllocation(target, Double.NaN, Double.NaN, 0, out);
    }
    if (images == null || count < 1) {
      throw new ConfigException("allocation.method = sensitivity needs held-back training images");
    }
    double baseline = accuracy(model, images, labels, count);
    Map<String, List<LayerAllocation.Point>> curves = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      Parameter p = e.getValue();
      float[] original = p.data().clone();
      float[] ascending = original.clone();
      for (int i = 0; i < ascending.length; i++) {
        ascending[i] = Math.abs(ascending[i]);
      }
      Arrays.sort(ascending);
      List<LayerAllocation.Point> curve = new ArrayList<>();
      try {
        for (double g : grid(target.floor())) {
          keepLargest(original, ascending, p.data(), Math.max(1, (int) Math.round(g * p.size())));
          curve.add(new LayerAllocation.Point(g, accuracy(model, images, labels, count)));
        }
      } finally {
        System.arraycopy(original, 0, p.data(), 0, original.length);
      }
      curves.put(e.getKey(), curve);
    }
    // bisect the price in log space: the kept total falls as it grows
    double lo = Math.log(1e-15), hi = Math.log(1e3);
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (keptAt(Math.exp(mid), baseline, curves, layers, target.floor()) <= budget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    // at the price found, layers whose choice changes just below it get back what the budget still allows,
    // in model order: the totals meet the target closely
    double price = Math.exp(hi), below = Math.exp(lo);
    long left = budget - keptAt(price, baseline, curves, layers, target.floor());
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int n = e.getValue().size();
      List<LayerAllocation.Point> curve = curves.get(e.getKey());
      int k = kept(fraction(price, baseline, curve, n), n, target.floor());
      int more = (int) Math.min(left, kept(fraction(below, baseline, curve, n), n, target.floor()) - k);
      k += more;
      left -= more;
      out.add(new LayerAllocation.Layer(e.getKey(), n, k, magnitude.get(e.getKey()), curve));
    }
    return new LayerAllocation(target, baseline, price, count, out);
  }

  static long floorOf(int weights, double floor) {
    return Math.max(1, (long) Math.ceil(floor * weights));
  }

  private static int kept(double fraction, int n, double floor) {
    return (int) Math.min(n, Math.max(floorOf(n, floor), Math.round(fraction * n)));
  }

  private static long keptAt(double price, double baseline, Map<String, List<LayerAllocation.Point>> curves,
      Map<String, Parameter> layers, double floor) {
    long sum = 0;
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int n = e.getValue().size();
      sum += kept(fraction(price, baseline, curves.get(e.getKey()), n), n, floor);
    }
    return sum;
  }

  /**
   * The keep fraction (1, or a point of the curve) with the least {@code drop + price·fraction·weights}, the
   * drops made monotone (a smaller fraction is never taken as less harmful than a larger one); ties keep more.
   */
  static double fraction(double price, double baseline, List<LayerAllocation.Point> curve, int weights) {
    double best = 1, bestCost = price * weights;
    double drop = 0;
    for (LayerAllocation.Point p : curve) {
      drop = Math.max(drop, baseline - p.accuracy());
      double cost = drop + price * p.keep() * weights;
      if (cost < bestCost) {
        best = p.keep();
        bestCost = cost;
      }
    }
    return best;
  }

  /** The grid fractions above {@code floor}, then the floor itself. */
  static double[] grid(double floor) {
    double[] g = Arrays.stream(GRID).filter(x -> x > floor).toArray();
    double[] out = Arrays.copyOf(g, g.length + 1);
    out[g.length] = floor;
    return out;
  }

  /**
   * Per layer the weights above the global magnitude threshold, raised to the layer's floor, the threshold
   * the smallest for which the total fits {@code budget}.
   */
  static Map<String, Integer> magnitudeKept(Map<String, Parameter> layers, long budget, double floor) {
    Map<String, float[]> sorted = new LinkedHashMap<>();
    float max = 0;
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      float[] a = e.getValue().data().clone();
      for (int i = 0; i < a.length; i++) {
        a[i] = Math.abs(a[i]);
        max = Math.max(max, a[i]);
      }
      Arrays.sort(a);
      sorted.put(e.getKey(), a);
    }
    float lo = 0, hi = Math.nextUp(max);
    for (int i = 0; i < 64 && Math.nextUp(lo) < hi; i++) {
      float mid = lo + (hi - lo) / 2;
      if (total(sorted, mid, floor) <= budget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    Map<String, Integer> kept = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : sorted.entrySet()) {
      kept.put(e.getKey(), keptAbove(e.getValue(), hi, floor));
    }
    return kept;
  }

  private static long total(Map<String, float[]> sorted, float threshold, double floor) {
    long sum = 0;
    for (float[] a : sorted.values()) {
      sum += keptAbove(a, threshold, floor);
    }
    return sum;
  }

  /** Magnitudes at or above {@code threshold} in the ascending {@code a}, at least the floor. */
  private static int keptAbove(float[] a, float threshold, double floor) {
    int lo = 0, hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < threshold) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return (int) Math.max(floorOf(a.length, floor), a.length - lo);
  }

  /**
   * {@code w} = {@code original} with the magnitudes below its {@code k}-th largest zeroed ({@code ascending}:
   * the sorted magnitudes of original; ties at the threshold are all kept).
   */
  static void keepLargest(float[] original, float[] ascending, float[] w, int k) {
    float threshold = ascending[ascending.length - k];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.abs(original[i]) >= threshold ? original[i] : 0f;
    }
  }

  private static double accuracy(Model model, float[] images, byte[] labels, int count) {
    int[] predicted = InferenceModel.of(model, Execution.AUTO).predictBatch(images, count);
    int correct = 0;
    for (int i = 0; i < count; i++) {
      correct += predicted[i] == (labels[i] & 0xff) ? 1 : 0;
    }
    return (double) correct / count;
  }
}
