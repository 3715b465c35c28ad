package org.admm4j.nn.optim;

import java.util.List;
import java.util.Map;
import org.admm4j.kernels.OptimizerKernels;
import org.admm4j.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, as PyTorch's
 * {@code torch.optim.SGD} (dampening 0): {@code g' = g + wd·w + ρ(w − z + u)}, {@code v = μv + g'},
 * {@code w −= lr·(nesterov ? g' + μv : v)}. State entries: {@code <name>.momentum_buffer}.
 */
public final class Sgd implements Optimizer {

  private final ParameterSlots slots;
  private float lr;
  private final float momentum;
  private final boolean nesterov;
  private final float weightDecay;

  /** Plain SGD with momentum; no Nesterov, no weight decay. */
  public Sgd(List<Parameter> parameters, float lr, float momentum) {
    this(parameters, lr, momentum, false, 0f);
  }

  /**
   * @param parameters the trainable ones are updated (buffers are skipped)
   * @throws IllegalArgumentException for a negative or non-finite lr, momentum or weight decay, or
   *     Nesterov without momentum
   */
  public Sgd(List<Parameter> parameters, float lr, float momentum, boolean nesterov, float weightDecay) {
    checkNonNegative("learning rate", lr);
    checkNonNegative("momentum", momentum);
    checkNonNegative("weight decay", weightDecay);
    if (nesterov && momentum == 0f) {
      throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
    }
    this.slots = new ParameterSlots(parameters, "momentum_buffer");
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  static void checkNonNegative(String what, float x) {
    if (!(x >= 0f) || Float.isInfinite(x)) {
      throw new IllegalArgumentException(what + " must be finite and ≥ 0, got " + x);
    }
  }

  private final ParameterSlots.BlockUpdate update = this::updateBlock;

  private void updateBlock(ParameterSlots.Slot s, int from, int to) {
    OptimizerKernels.sgd(from, to, s.parameter.data(), s.parameter.grad(), s.state[0], lr, momentum, nesterov,
        weightDecay, s.rho, s.z, s.u, s.mask);
  }

  /** Updates every parameter; large models in blocks on the kernel pool (same bits either way). */
  @Override
  public void step() {
    slots.forEachBlock(update);
  }

  @Override
  public void step(GradientFill fill) {
    slots.forEachBlock(update, fill);
  }

  @Override
  public void zeroGrad() {
    slots.zeroGrad();
  }

  @Override
  public void setLearningRate(float lr) {
    checkNonNegative("learning rate", lr);
    this.lr = lr;
  }

  @Override
  public float learningRate() {
    return lr;
  }

  public float momentum() {
    return momentum;
  }

  public boolean nesterov() {
    return nesterov;
  }

  public float weightDecay() {
    return weightDecay;
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
    return slots.state();
  }

  @Override
  public void loadState(Map<String, float[]> state) {
    slots.loadState(state, "SGD");
  }
}
