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
 * curve is made monotone (a smaller fraction never counts as less harmful) and interpolated in log-fraction;
 * one tolerance ε then gives every layer the smallest fraction whose drop stays within ε, and ε is bisected
 * so the totals meet the target. Layers that tolerate pruning give more weights; no test image is used.
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
    // bisect the tolerance: the kept total falls as it grows
    double lo = 0, hi = 1;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (keptAt(mid, baseline, curves, layers, target.floor()) <= budget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    // at the tolerance found, layers whose curve jumps there (their count at the slightly lower tolerance is
    // larger) get back what the budget still allows, in model order: the totals meet the target closely
    long left = budget - keptAt(hi, baseline, curves, layers, target.floor());
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int n = e.getValue().size();
      List<LayerAllocation.Point> curve = curves.get(e.getKey());
      int k = kept(fraction(hi, baseline, curve), n, target.floor());
      int more = (int) Math.min(left, kept(fraction(lo, baseline, curve), n, target.floor()) - k);
      k += more;
      left -= more;
      out.add(new LayerAllocation.Layer(e.getKey(), n, k, magnitude.get(e.getKey()), curve));
    }
    return new LayerAllocation(target, baseline, hi, count, out);
  }

  static long floorOf(int weights, double floor) {
    return Math.max(1, (long) Math.ceil(floor * weights));
  }

  private static int kept(double fraction, int n, double floor) {
    return (int) Math.min(n, Math.max(floorOf(n, floor), Math.round(fraction * n)));
  }

  private static long keptAt(double tolerance, double baseline, Map<String, List<LayerAllocation.Point>> curves,
      Map<String, Parameter> layers, double floor) {
    long sum = 0;
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      sum += kept(fraction(tolerance, baseline, curves.get(e.getKey())), e.getValue().size(), floor);
    }
    return sum;
  }

  /** The smallest keep fraction whose (monotone, log-interpolated) accuracy drop is within {@code tolerance}. */
  static double fraction(double tolerance, double baseline, List<LayerAllocation.Point> curve) {
    double worst = Double.NEGATIVE_INFINITY;
    double prevKeep = 1, prevDrop = 0;
    for (LayerAllocation.Point p : curve) {
      worst = Math.max(worst, baseline - p.accuracy());
      double drop = Math.max(worst, prevDrop);
      if (drop > tolerance) {
        if (drop == prevDrop) {
          return prevKeep;
        }
        double t = (tolerance - prevDrop) / (drop - prevDrop);
        return Math.exp(Math.log(prevKeep) + t * (Math.log(p.keep()) - Math.log(prevKeep)));
      }
      prevKeep = p.keep();
      prevDrop = drop;
    }
    return prevKeep;
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
