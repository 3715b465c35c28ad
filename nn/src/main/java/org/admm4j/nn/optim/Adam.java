package org.admm4j.nn.optim;

import java.util.List;
import java.util.Map;
import org.admm4j.kernels.OptimizerKernels;
import org.admm4j.nn.Parameter;

/**
 * Adam with bias correction and L2 weight decay added to the gradient, as PyTorch's
 * {@code torch.optim.Adam}. State entries: {@code <name>.exp_avg}, {@code <name>.exp_avg_sq} and
 * {@code step} (one float holding the number of steps taken).
 */
public final class Adam implements Optimizer {

  /** Key of the step counter in {@link #state()}. */
  public static final String STEP_KEY = "step";

  private final ParameterSlots slots;
  private float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private int step;

  /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
  public Adam(List<Parameter> parameters, float lr) {
    this(parameters, lr, 0.9f, 0.999f, 1e-8f, 0f);
  }

  public Adam(List<Parameter> parameters, float lr, float beta1, float beta2, float eps, float weightDecay) {
    Sgd.checkNonNegative("learning rate", lr);
    Sgd.checkNonNegative("weight decay", weightDecay);
    if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
      throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("Adam eps must be finite and > 0, got " + eps);
    }
    this.slots = new ParameterSlots(parameters, "exp_avg", "exp_avg_sq");
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  private final ParameterSlots.BlockUpdate update = this::updateBlock;

  private void updateBlock(ParameterSlots.Slot s, int from, int to) {
    OptimizerKernels.adam(from, to, s.parameter.data(), s.parameter.grad(), s.state[0], s.state[1], lr, beta1,
        beta2, eps, step, weightDecay, s.rho, s.z, s.u, s.mask);
  }

  /** Updates every parameter; large models in blocks on the kernel pool (same bits either way). */
  @Override
  public void step() {
    step++;
    slots.forEachBlock(update);
  }

  @Override
  public void step(GradientFill fill) {
    step++;
    slots.forEachBlock(update, fill);
  }

  /** Steps taken so far. */
  public int steps() {
    return step;
  }

  @Override
  public void zeroGrad() {
    slots.zeroGrad();
  }

  @Override
  public void setLearningRate(float lr) {
    Sgd.checkNonNegative("learning rate", lr);
    this.lr = lr;
  }

  @Override
  public float learningRate() {
    return lr;
  }

  @Override
  public List<Parameter> parameters() {
    return slots.parameters();
  }

  @Override
  public void setPenalty(Parameter p, float rho, float[] z, float[] u) {
    slots.setPenalty(p, rho, z, u);
  }

  @Override
  public void clearPenalty(Parameter p) {
    slots.clearPenalty(p);
  }

  @Override
  public void setMask(Parameter p, float[] mask) {
    slots.setMask(p, mask);
  }

  @Override
  public void clearMask(Parameter p) {
    slots.clearMask(p);
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> state = slots.state();
    state.put(STEP_KEY, new float[] {step});
    return state;
  }

  @Override
  public void loadState(Map<String, float[]> state) {
    float[] s = state.get(STEP_KEY);
    if (s != null && (s.length != 1 || !(s[0] >= 0f) || s[0] != Math.rint(s[0]))) {
      throw new IllegalArgumentException("Adam state entry '" + STEP_KEY + "' must be one whole number ≥ 0");
    }
    slots.loadState(state, "Adam", STEP_KEY);
    step = (int) s[0];
  }
}
