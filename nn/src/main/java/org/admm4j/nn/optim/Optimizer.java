package org.admm4j.nn.optim;

import java.util.List;
import java.util.Map;
import org.admm4j.nn.Parameter;

/**
 * Updates a model's trainable parameters from their gradients. Per parameter it can add the ADMM
 * penalty gradient {@code ρ(W − Z + U)} and apply a pruning mask inside the same fused pass.
 */
public interface Optimizer {

  /** One update of every parameter from its {@link Parameter#grad()}. */
  void step();

  /**
   * As {@link #step()}, with each block of a gradient written by {@code fill} right before it is read.
   * Same result as filling every gradient first and then stepping.
   */
  default void step(GradientFill fill) {
    for (Parameter p : parameters()) {
      fill.fill(p, 0, p.size());
    }
    step();
  }

  /** Sets every gradient to zero. */
  void zeroGrad();

  void setLearningRate(float lr);

  float learningRate();

  /** The parameters this optimizer updates. */
  List<Parameter> parameters();

  /**
   * Adds {@code ρ(W − Z + U)} to p's gradient in every later step (the ADMM W-step). z and u are read
   * at each step, not copied, so the caller may update them in place.
   *
   * @throws IllegalArgumentException if p is not one of {@link #parameters()}, ρ is negative or not
   *     finite, or z/u have the wrong length
   */
  void setPenalty(Parameter p, float rho, float[] z, float[] u);

  /** Removes p's penalty. */
  void clearPenalty(Parameter p);

  /**
   * Fixes p's sparsity: where {@code mask} is 0 the weight and its optimizer state are set to 0 now
   * and stay exactly 0 after every step. The mask is read at each step, not copied.
   */
  void setMask(Parameter p, float[] mask);

  /** Removes p's mask. */
  void clearMask(Parameter p);

  /** A copy of the optimizer state (momentum buffers, moments, step count) by name, for checkpoints. */
  Map<String, float[]> state();

  /**
   * Restores {@link #state()}.
   *
   * @throws IllegalArgumentException naming the missing, unknown or wrongly sized entries
   */
  void loadState(Map<String, float[]> state);
}
