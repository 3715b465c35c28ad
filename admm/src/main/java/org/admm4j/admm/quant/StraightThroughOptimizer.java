package org.admm4j.admm.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.optim.GradientFill;
import org.admm4j.nn.optim.Optimizer;

/**
 * Retraining that keeps a layer's mask and its levels: the straight-through estimator (Bengio et al. 2013, as
 * in ADMM-NN's and most quantization-aware training). Each quantized parameter has a float shadow copy; the
 * model's own tensor always holds the quantized shadow, so forward, backward and every accuracy measured run on
 * exactly the weights the file will hold. A step puts the shadow in place, lets the wrapped optimizer update it
 * with the gradient taken at the quantized weights (its mask keeps the pruned ones 0), refines the layer's
 * levels once towards the new shadow ({@link QuantizationMode#refine}) and quantizes again.
 *
 * <p>Chosen over continuing ADMM to the end because the last projection of ADMM moves every weight at once
 * and nothing trains after it, while here the loss is always that of the quantized network. The shadow and the
 * levels are part of {@link #state()} ({@code <name>.ste_shadow}, {@code <name>.ste_levels}), so a checkpoint
 * resumes with the same bits.
 */
public final class StraightThroughOptimizer implements Optimizer {

  private static final String SHADOW = ".ste_shadow";
  private static final String LEVELS = ".ste_levels";

  private final Optimizer inner;
  private final List<Slot> slots = new ArrayList<>();

  private static final class Slot {
    final Parameter p;
    final float[] shadow;
    final int bits;
    final QuantizationMode mode;
    LevelGrid grid;

    Slot(Parameter p, float[] shadow, LevelGrid grid, QuantizationMode mode) {
      this.p = p;
      this.shadow = shadow;
      this.bits = grid.bits();
      this.mode = mode;
      this.grid = grid;
    }
  }

  public StraightThroughOptimizer(Optimizer inner) {
    this.inner = inner;
  }

  /**
   * Quantizes {@code p} from now on: {@code shadow} (copied) is its float value, {@code grid} its levels; p's
   * data becomes the quantized shadow.
   */
  public StraightThroughOptimizer quantize(Parameter p, float[] shadow, LevelGrid grid, QuantizationMode mode) {
    if (!inner.parameters().contains(p)) {
      throw new IllegalArgumentException(p.name() + " is not a parameter of this optimizer");
    }
    if (shadow.length != p.size()) {
      throw new IllegalArgumentException(p.name() + ": shadow has " + shadow.length + " floats, expected " + p.size());
    }
    Slot s = new Slot(p, shadow.clone(), grid, mode);
    slots.add(s);
    quantizeInto(s);
    return this;
  }

  /** The levels {@code p} takes now, or null when it is not quantized. */
  public LevelGrid grid(Parameter p) {
    for (Slot s : slots) {
      if (s.p == p) {
        return s.grid;
      }
    }
    return null;
  }

  @Override
  public void step() {
    swapIn();
    inner.step();
    swapOut();
  }

  @Override
  public void step(GradientFill fill) {
    swapIn();
    inner.step(fill);
    swapOut();
  }

  private void swapIn() {
    for (Slot s : slots) {
      System.arraycopy(s.shadow, 0, s.p.data(), 0, s.shadow.length);
    }
  }

  private void swapOut() {
    for (Slot s : slots) {
      System.arraycopy(s.p.data(), 0, s.shadow, 0, s.shadow.length);
      s.grid = s.mode.refine(s.grid, s.shadow);
      quantizeInto(s);
    }
  }

  private static void quantizeInto(Slot s) {
    float[] w = s.p.data();
    System.arraycopy(s.shadow, 0, w, 0, w.length);
    s.grid.quantize(w);
  }

  @Override
  public void zeroGrad() {
    inner.zeroGrad();
  }

  @Override
  public void setLearningRate(float lr) {
    inner.setLearningRate(lr);
  }

  @Override
  public float learningRate() {
    return inner.learningRate();
  }

  @Override
  public List<Parameter> parameters() {
    return inner.parameters();
  }

  @Override
  public void setPenalty(Parameter p, float rho, float[] z, float[] u) {
    inner.setPenalty(p, rho, z, u);
  }

  @Override
  public void clearPenalty(Parameter p) {
    inner.clearPenalty(p);
  }

  @Override
  public void setMask(Parameter p, float[] mask) {
    inner.setMask(p, mask);
    for (Slot s : slots) {
      if (s.p == p) {
        for (int j = 0; j < mask.length; j++) {
          if (mask[j] == 0f) {
            s.shadow[j] = 0f;
          }
        }
      }
    }
  }

  @Override
  public void clearMask(Parameter p) {
    inner.clearMask(p);
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> state = new LinkedHashMap<>(inner.state());
    for (Slot s : slots) {
      state.put(s.p.name() + SHADOW, s.shadow.clone());
      state.put(s.p.name() + LEVELS, s.grid.scale() > 0 ? new float[] {s.grid.scale()} : s.grid.nonzeroLevels());
    }
    return state;
  }

  @Override
  public void loadState(Map<String, float[]> state) {
    Map<String, float[]> rest = new LinkedHashMap<>(state);
    for (Slot s : slots) {
      float[] shadow = rest.remove(s.p.name() + SHADOW);
      float[] levels = rest.remove(s.p.name() + LEVELS);
      if (shadow == null || levels == null) {
        throw new IllegalArgumentException("optimizer state lacks " + s.p.name() + SHADOW + " or " + LEVELS);
      }
      if (shadow.length != s.shadow.length) {
        throw new IllegalArgumentException(s.p.name() + SHADOW + " has " + shadow.length + " floats, expected "
            + s.shadow.length);
      }
      System.arraycopy(shadow, 0, s.shadow, 0, shadow.length);
      s.grid = s.mode == QuantizationMode.UNIFORM && levels.length == 1 ? LevelGrid.uniform(levels[0], s.bits)
          : LevelGrid.codebook(levels, s.bits);
      quantizeInto(s);
    }
    inner.loadState(rest);
  }

}
