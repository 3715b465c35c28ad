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

  /** A later stage's pass: fractions of the weights each layer keeps when the stage starts, largest first. */
  static final double[] STAGE_GRID = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};

  private LayerAllocator() {}

  /**
   * @param layers the prunable weight tensors by layer name, in model order (they belong to {@code model})
   * @param images held-back images, normalised as the model's inputs; may be null for the magnitude method
   * @param labels their classes
   * @throws ConfigException when the floors alone keep more than the target allows
   */
  public static LayerAllocation allocate(Model model, Map<String, Parameter> layers, AllocationTarget target,
      float[] images, byte[] labels, int count) throws ConfigException {
    return allocateStages(model, layers, target, new double[0], images, labels, count).get(0);
  }

  /**
   * The targets of a progressive run: stage 1's at {@code target}'s compression, then one allocation per
   * further stage's compression, all from one sensitivity pass over the trained model (the curves do not
   * depend on the budget; only the price per kept weight does). A stage never keeps more of a layer than
   * the stage before: the next support must be a subset of the last.
   *
   * @param later the further stages' compressions, each above the one before
   * @return one allocation per stage, stage 1 first
   * @throws ConfigException when the compressions do not grow, or the floors alone keep more than the last
   *     stage allows
   */
  public static List<LayerAllocation> allocateStages(Model model, Map<String, Parameter> layers,
      AllocationTarget target, double[] later, float[] images, byte[] labels, int count) throws ConfigException {
    double[] compressions = new double[later.length + 1];
    compressions[0] = target.compression();
    for (int i = 0; i < later.length; i++) {
      if (!(later[i] > compressions[i])) {
        throw new ConfigException("stage " + (i + 2) + "'s compression " + later[i] + " must exceed stage " + (i + 1)
            + "'s " + compressions[i] + ": each stage keeps fewer weights than the one before");
      }
      compressions[i + 1] = later[i];
    }
    long total = 0, floors = 0;
    for (Parameter p : layers.values()) {
      total += p.size();
      floors += floorOf(p.size(), target.floor());
    }
    requireFloorsFit(compressions[compressions.length - 1], target.floor(), floors, total);
    boolean sensitivity = target.method() == AllocationMethod.SENSITIVITY;
    if (sensitivity && (images == null || count < 1)) {
      throw new ConfigException("allocation.method = sensitivity needs held-back training images");
    }
    double baseline = sensitivity ? accuracy(model, images, labels, count) : Double.NaN;
    Map<String, List<LayerAllocation.Point>> curves = sensitivity ? curves(model, layers, target, images, labels,
        count) : null;
    List<LayerAllocation> out = new ArrayList<>();
    Map<String, Integer> cap = null;
    for (double c : compressions) {
      AllocationTarget t = target.at(c);
      long budget = (long) Math.floor(total / c);
      Map<String, Integer> magnitude = magnitudeKept(layers, budget, target.floor());
      LayerAllocation a = sensitivity ? priced(t, layers, curves, baseline, budget, magnitude, cap, count)
          : new LayerAllocation(t, Double.NaN, Double.NaN, 0, magnitudeLayers(layers, magnitude, cap));
      // stages re-measured when they start carry no evidence until then: stage 1's curves are not theirs
      out.add(out.isEmpty() || !target.remeasure() ? a : withoutEvidence(a));
      cap = a.keptByLayer();
    }
    return out;
  }

  /**
   * A later stage's allocation measured on the model the stage starts from (the previous stage retrained and
   * masked) instead of extrapolated from the dense model's curves: each layer alone is cut to the fractions
   * of {@link #STAGE_GRID} of what it keeps now, the others as they are, and the price rule splits
   * {@code target}'s budget with every layer capped at its current count. The dense curves say little about
   * a model already at 245×: fc1 then holds a few hundred weights that the retraining made carry the
   * features, and what one more cut costs is only known by trying it on that model.
   *
   * @param current the weights each layer keeps now (the previous stage's counts)
   * @throws ConfigException when the floors alone keep more than the target allows
   */
  public static LayerAllocation allocateFrom(Model model, Map<String, Parameter> layers, AllocationTarget target,
      Map<String, Integer> current, float[] images, byte[] labels, int count) throws ConfigException {
    long total = 0, floors = 0;
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      total += e.getValue().size();
      floors += Math.min(current.get(e.getKey()), floorOf(e.getValue().size(), target.floor()));
    }
    requireFloorsFit(target.compression(), target.floor(), floors, total);
    long budget = (long) Math.floor(total / target.compression());
    Map<String, Integer> magnitude = magnitudeKept(layers, budget, target.floor());
    if (target.method() != AllocationMethod.SENSITIVITY) {
      return new LayerAllocation(target, Double.NaN, Double.NaN, 0, magnitudeLayers(layers, magnitude, current));
    }
    if (images == null || count < 1) {
      throw new ConfigException("allocation.method = sensitivity needs held-back training images");
    }
    double baseline = accuracy(model, images, labels, count);
    Map<String, List<LayerAllocation.Point>> curves = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      Parameter p = e.getValue();
      int now = current.get(e.getKey());
      long floor = Math.min(now, floorOf(p.size(), target.floor()));
      float[] original = p.data().clone();
      float[] ascending = ascendingMagnitudes(original);
      // keeping what the layer has costs nothing: without this point "keep all" would be priced at the
      // layer's dense size and lose to a cut that does harm
      List<LayerAllocation.Point> curve = new ArrayList<>();
      curve.add(new LayerAllocation.Point((double) now / p.size(), baseline));
      int last = now;
      try {
        for (double r : STAGE_GRID) {
          int k = (int) Math.max(floor, Math.round(r * now));
          if (k >= last) {
            continue;
          }
          keepLargest(original, ascending, p.data(), k);
          curve.add(new LayerAllocation.Point((double) k / p.size(), accuracy(model, images, labels, count)));
          last = k;
        }
        if (floor < last) {
          keepLargest(original, ascending, p.data(), (int) floor);
          curve.add(new LayerAllocation.Point((double) floor / p.size(), accuracy(model, images, labels, count)));
        }
      } finally {
        System.arraycopy(original, 0, p.data(), 0, original.length);
      }
      curves.put(e.getKey(), curve);
    }
    return priced(target, layers, curves, baseline, budget, magnitude, current, count);
  }

  /** Refuses a compression whose budget the per-layer floors ({@code floors} weights of {@code total}) exceed. */
  private static void requireFloorsFit(double compression, double floor, long floors, long total)
      throws ConfigException {
    long budget = (long) Math.floor(total / compression);
    if (floors > budget) {
      throw new ConfigException("compression = " + compression + " is out of reach: the per-layer floor "
          + "(allocation.floor = " + floor + ") alone keeps " + floors + " of " + total + " weights, the"
          + " target allows " + budget + "; lower allocation.floor or the compression");
    }
  }

  private static LayerAllocation withoutEvidence(LayerAllocation a) {
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (LayerAllocation.Layer l : a.layers()) {
      out.add(new LayerAllocation.Layer(l.name(), l.weights(), l.kept(), l.magnitudeKept(), List.of()));
    }
    return a.withLayers(out);
  }

  /**
   * A later stage's allocation kept within {@code current} (another stage's new counts): what a provisional
   * allocation becomes once an earlier stage was re-measured and cut deeper than it foresaw.
   */
  public static LayerAllocation capped(LayerAllocation a, Map<String, Integer> current) {
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (LayerAllocation.Layer l : a.layers()) {
      out.add(new LayerAllocation.Layer(l.name(), l.weights(), capped(l.kept(), current, l.name()), l.magnitudeKept(),
          l.sensitivity()));
    }
    return a.withLayers(out);
  }

  /** Each layer alone pruned to every grid fraction (the rest dense), evaluated on the held-back images. */
  private static Map<String, List<LayerAllocation.Point>> curves(Model model, Map<String, Parameter> layers,
      AllocationTarget target, float[] images, byte[] labels, int count) {
    Map<String, List<LayerAllocation.Point>> curves = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      Parameter p = e.getValue();
      float[] original = p.data().clone();
      float[] ascending = ascendingMagnitudes(original);
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
    return curves;
  }

  /** The magnitude method's choice, within {@code cap} (the previous stage's counts; null for stage 1). */
  private static List<LayerAllocation.Layer> magnitudeLayers(Map<String, Parameter> layers,
      Map<String, Integer> magnitude, Map<String, Integer> cap) {
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int k = capped(magnitude.get(e.getKey()), cap, e.getKey());
      out.add(new LayerAllocation.Layer(e.getKey(), e.getValue().size(), k, magnitude.get(e.getKey()), List.of()));
    }
    return out;
  }

  private static int capped(int k, Map<String, Integer> cap, String layer) {
    return cap == null ? k : Math.min(k, cap.get(layer));
  }

  /** The sensitivity method's choice for one budget: the price per kept weight that meets it. */
  private static LayerAllocation priced(AllocationTarget target, Map<String, Parameter> layers,
      Map<String, List<LayerAllocation.Point>> curves, double baseline, long budget, Map<String, Integer> magnitude,
      Map<String, Integer> cap, int count) {
    // bisect the price in log space: the kept total falls as it grows
    double lo = Math.log(1e-15), hi = Math.log(1e3);
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (keptAt(Math.exp(mid), baseline, curves, layers, target.floor(), cap) <= budget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    // at the price found, layers whose choice changes just below it get back what the budget still allows,
    // in model order: the totals meet the target closely
    double price = Math.exp(hi), below = Math.exp(lo);
    long left = budget - keptAt(price, baseline, curves, layers, target.floor(), cap);
    List<LayerAllocation.Layer> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int n = e.getValue().size();
      List<LayerAllocation.Point> curve = curves.get(e.getKey());
      int k = capped(kept(fraction(price, baseline, curve, n), n, target.floor()), cap, e.getKey());
      int more = (int) Math.min(left,
          capped(kept(fraction(below, baseline, curve, n), n, target.floor()), cap, e.getKey()) - k);
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
      Map<String, Parameter> layers, double floor, Map<String, Integer> cap) {
    long sum = 0;
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      int n = e.getValue().size();
      sum += capped(kept(fraction(price, baseline, curves.get(e.getKey()), n), n, floor), cap, e.getKey());
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
      float[] a = ascendingMagnitudes(e.getValue().data());
      max = Math.max(max, a.length == 0 ? 0 : a[a.length - 1]);
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

  /** The absolute values of {@code w}, ascending (a new array). */
  static float[] ascendingMagnitudes(float[] w) {
    float[] a = new float[w.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(w[i]);
    }
    Arrays.sort(a);
    return a;
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
