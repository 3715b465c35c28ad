package org.admm4j.admm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.quant.QuantizedProjection;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.Projection;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.Optimizer;

/**
 * The ADMM pruning solver of Zhang et al., "A Systematic DNN Weight Pruning Framework using ADMM"
 * (ECCV 2018). The problem {@code min f(W) s.t. W_i ∈ S_i = {card(W_i) ≤ α_i}} is split with auxiliary
 * variables Z_i = W_i and solved, with the scaled dual U_i, by iterating
 * <pre>
 *   (4) W-step: W^{k+1} = argmin_W f(W) + Σ_i ρ/2 ‖W_i − Z_i^k + U_i^k‖²      (SGD epochs; the penalty
 *                gradient ρ(W − Z + U) is fused into the optimizer's update kernel)
 *   (6) Z-step: Z_i^{k+1} = Π_{S_i}(W_i^{k+1} + U_i^k)                      (keep the α_i largest magnitudes)
 *   (7) U-step: U_i^{k+1} = U_i^k + W_i^{k+1} − Z_i^{k+1}
 * </pre>
 * The Z- and U-steps of each layer run fused in one kernel ({@link Projection#admmUpdate}); the layers run
 * in parallel on the kernel pool. After the iterations, {@link #hardPrune} fixes W's support, and
 * {@link #attachMasks} keeps the pruned weights exactly 0 during retraining. A layer pruned by groups
 * (filters, channels, columns) projects with {@link StructuredProjection} instead of the top-k kernel, and
 * keeps exactly its number of groups at hard pruning.
 *
 * <p>This class holds no training loop: the pipeline runs the W-step epochs between the calls here.
 */
public final class AdmmSolver {

  private final List<PrunedLayer> layers;
  private final QuantizedLayers quantized = new QuantizedLayers();

  public AdmmSolver(List<PrunedLayer> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * Joint pruning and quantization (ADMM-NN) of the named layers from now on: their Z-steps project onto sparse
   * and quantized tensors, {@link #hardPrune} quantizes them, {@link QuantizedLayers#retraining} keeps their levels.
   */
  public void quantize(Map<String, QuantizationRule> rules) {
    quantized.set(rules);
  }

  /** The quantized layers' state (rules, levels after hard pruning). */
  public QuantizedLayers quantized() {
    return quantized;
  }

  public List<PrunedLayer> layers() {
    return layers;
  }

  /**
   * Initialisation: Z_i^0 = Π_{S_i}(W_i^0), U_i^0 = 0. A layer with a previous support starts from W_i^0
   * zeroed outside it (the previous stage's retrained model already is).
   */
  public void initialize() {
    for (PrunedLayer l : layers) {
      float[] w = l.weight().data();
      if (l.support() != null) {
        confine(w, l.support());
      }
      if (l.structure().grouped()) {
        System.arraycopy(w, 0, l.z(), 0, w.length);
        project(l, l.z());
      } else {
        Projection.topK(w.length, l.keep(), w, 0, l.z(), 0);
      }
      Arrays.fill(l.u(), 0f);
    }
  }

  /**
   * Prepares the W-step of iteration k: every pruned layer's gradient gets ρ_k(W_i − Z_i + U_i) added in
   * the optimizer's fused step (Z and U are read in place, not copied).
   */
  public void attachPenalty(Optimizer optimizer, double rho) {
    for (PrunedLayer l : layers) {
      optimizer.setPenalty(l.weight(), (float) rho, l.z(), l.u());
    }
  }

  /**
   * Keeps every layer with a previous support at 0 outside it during the W-steps (the optimizer's mask), so
   * W, and with it W + U, live in that support and the Z-step's top-k is the top-k within it.
   */
  public void attachSupports(Optimizer optimizer) {
    for (PrunedLayer l : layers) {
      if (l.support() != null) {
        optimizer.setMask(l.weight(), l.support());
      }
    }
  }

  /** Removes the W-step penalties. */
  public void detachPenalty(Optimizer optimizer) {
    for (PrunedLayer l : layers) {
      optimizer.clearPenalty(l.weight());
    }
  }

  /**
   * Z-step (6) and U-step (7) for every layer, layers in parallel; then the residuals: primal
   * ‖W_i − Z_i^{k+1}‖ and dual ρ‖Z_i^{k+1} − Z_i^k‖.
   *
   * @param rho the ρ of the iteration, for the dual residual
   * @return one entry per layer, in layer order
   */
  public List<LayerResiduals> zAndUStep(double rho) {
    LayerResiduals[] out = new LayerResiduals[layers.size()];
    List<ForkJoinTask<?>> tasks = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      int index = i;
      tasks.add(new RecursiveAction() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void compute() {
          out[index] = zAndUStep(layers.get(index), quantized.rule(layers.get(index).name()), rho);
        }
      });
    }
    KernelThreads.pool().invoke(new RecursiveAction() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void compute() {
        invokeAll(tasks);
      }
    });
    return List.of(out);
  }

  private static LayerResiduals zAndUStep(PrunedLayer l, QuantizationRule q, double rho) {
    float[] w = l.weight().data();
    if (l.structure().grouped()) {
      return structuredZAndUStep(l, rho);
    }
    if (l.support() != null) {
      // Π onto {card ≤ α_i, supp ⊆ M}: W + U zero outside M makes the top-k the top-k within M (with the
      // optimizer's mask both already are, and this changes no bits)
      confine(w, l.support());
      confine(l.u(), l.support());
    }
    Projection.AdmmStepNorms norms = q == null ? Projection.admmUpdate(w.length, l.keep(), w, l.z(), l.u(), l.scratch())
        : QuantizedProjection.admmUpdate(w.length, l.keep(), w, l.z(), l.u(), l.scratch(), q.bits(), q.mode());
    return new LayerResiduals(l.name(), Math.sqrt(norms.primalSquared()),
        rho * Math.sqrt(norms.zChangeSquared()), norms.threshold());
  }

  /** Z = Π(W + U) onto the layer's groups, U += W − Z, with the residuals (threshold: NaN, there is none). */
  private static LayerResiduals structuredZAndUStep(PrunedLayer l, double rho) {
    float[] w = l.weight().data();
    float[] z = l.z();
    float[] u = l.u();
    float[] previous = l.scratch();
    System.arraycopy(z, 0, previous, 0, z.length);
    for (int j = 0; j < z.length; j++) {
      z[j] = w[j] + u[j];
    }
    project(l, z);
    double primal = 0;
    double change = 0;
    for (int j = 0; j < z.length; j++) {
      float r = w[j] - z[j];
      primal += (double) r * r;
      double d = z[j] - previous[j];
      change += d * d;
      u[j] += r;
    }
    return new LayerResiduals(l.name(), Math.sqrt(primal), rho * Math.sqrt(change), Float.NaN);
  }

  /** Projects {@code a} in place onto the layer's groups; returns which groups survive. */
  private static boolean[] project(PrunedLayer l, float[] a) {
    return StructuredProjection.project(a, l.weight().shape(),
        StructuredProjection.Structure.valueOf(l.structure().name()), l.groups());
  }

  /**
   * Hard pruning of a grouped layer: exactly its number of groups survive, those of Z (the last Z-step's
   * projection, its zero-norm ties broken by the lower index) or of W's own group norms; the pruned
   * filters' companions (bias, BatchNorm scale and shift) are zeroed with them.
   */
  private static void hardPruneGroups(PrunedLayer l, HardPruneSupport support) {
    float[] w = l.weight().data();
    float[] selected = l.scratch();
    System.arraycopy(support == HardPruneSupport.Z ? l.z() : w, 0, selected, 0, w.length);
    boolean[] kept = project(l, selected);
    float[] mask = new float[w.length];
    int[] shape = l.weight().shape();
    int out = shape[0];
    int in = shape[1];
    int taps = w.length / (out * in);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int t = 0; t < taps; t++) {
          int group = switch (l.structure()) {
            case FILTER -> o;
            case CHANNEL -> i;
            case COLUMN -> i * taps + t;
            case WEIGHT -> throw new AssertionError();
          };
          int j = (o * in + i) * taps + t;
          mask[j] = kept[group] ? 1f : 0f;
          w[j] *= mask[j];
        }
      }
    }
    l.setMask(mask);
    boolean[] filters = l.keptFilters();
    for (Parameter c : l.companions()) {
      for (int o = 0; o < out; o++) {
        if (!filters[o]) {
          c.data()[o] = 0f;
        }
      }
    }
  }

  /**
   * Hard pruning: fixes each layer's support and zeroes W outside it. {@link HardPruneSupport#Z} keeps
   * Z's support (the α_i largest |W_i + U_i| of the last Z-step), {@link HardPruneSupport#W} the α_i
   * largest |W_i|; either way exactly α_i weights survive (fewer only if some of them are exactly 0).
   */
  public void hardPrune(HardPruneSupport support) {
    for (PrunedLayer l : layers) {
      if (l.structure().grouped()) {
        hardPruneGroups(l, support);
        continue;
      }
      float[] w = l.weight().data();
      float[] selected = l.scratch();
      if (support == HardPruneSupport.Z) {
        System.arraycopy(l.z(), 0, selected, 0, w.length);
      } else {
        Projection.topK(w.length, l.keep(), w, 0, selected, 0);
      }
      float[] mask = new float[w.length];
      if (l.support() != null) {
        confinedMask(l, selected, mask);
        for (int j = 0; j < w.length; j++) {
          w[j] *= mask[j];
        }
        l.setMask(mask);
        continue;
      }
      if (support == HardPruneSupport.Z && countNonZero(selected) < l.keep()) {
        // Z has fewer non-zeros than α_i only where W + U was exactly 0: take the top-k of W instead
        Projection.topK(w.length, l.keep(), w, 0, selected, 0);
      }
      for (int j = 0; j < w.length; j++) {
        mask[j] = selected[j] != 0f ? 1f : 0f;
        w[j] *= mask[j];
      }
      l.setMask(mask);
    }
    quantized.hardQuantize(layers);
  }

  /**
   * The support of a layer under a previous support: the non-zeros of {@code selected} inside it, topped up
   * (in index order) with other weights of the previous support until exactly α_i are kept, which can
   * only be needed where W + U is exactly 0 at some of the α_i.
   */
  private static void confinedMask(PrunedLayer l, float[] selected, float[] mask) {
    float[] support = l.support();
    int kept = 0;
    for (int j = 0; j < mask.length; j++) {
      mask[j] = selected[j] != 0f && support[j] != 0f ? 1f : 0f;
      kept += (int) mask[j];
    }
    for (int j = 0; j < mask.length && kept < l.keep(); j++) {
      if (support[j] != 0f && mask[j] == 0f) {
        mask[j] = 1f;
        kept++;
      }
    }
  }

  private static void confine(float[] a, float[] support) {
    for (int j = 0; j < a.length; j++) {
      if (support[j] == 0f) {
        a[j] = 0f;
      }
    }
  }

  /** Restores masks saved by a checkpoint (retraining resumed). */
  public void restoreMasks(List<float[]> masks) {
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).setMask(masks.get(i));
    }
  }

  /**
   * Masked retraining: the pruned weights and their optimizer state stay exactly 0 in every step, and so do
   * a pruned filter's companions (its bias, the BatchNorm scale and shift after it), so the filter's channel
   * carries exact zeros.
   */
  public void attachMasks(Optimizer optimizer) {
    for (PrunedLayer l : layers) {
      if (l.mask() == null) {
        throw new IllegalStateException(l.name() + " has no mask: hard-prune first");
      }
      optimizer.setMask(l.weight(), l.mask());
      if (!l.companions().isEmpty()) {
        boolean[] filters = l.keptFilters();
        float[] channelMask = new float[filters.length];
        for (int o = 0; o < filters.length; o++) {
          channelMask[o] = filters[o] ? 1f : 0f;
        }
        for (Parameter c : l.companions()) {
          optimizer.setMask(c, channelMask);
        }
      }
    }
  }

  private static int countNonZero(float[] a) {
    int n = 0;
    for (float v : a) {
      if (v != 0f) {
        n++;
      }
    }
    return n;
  }
}
