package org.admm4j.nn.inference;

import java.util.List;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.layers.Layer;

/**
 * A layer run by the training stack's own forward pass in evaluation mode: the dense path, and every
 * layer without weights (pooling, ReLU, BatchNorm, flatten, dropout).
 */
final class LayerStep implements InferenceStep {

  private final Layer layer;
  private final String description;

  LayerStep(Layer layer, String description) {
    this.layer = layer;
    this.description = description;
  }

  private record LayerState(Layer.Context context) implements State {}

  @Override
  public State newState(int capacity) {
    // forward never writes gradients: each thread's context may share the parameters' gradient arrays
    List<Parameter> params = layer.parameters();
    float[][] gradients = new float[params.size()][];
    for (int i = 0; i < gradients.length; i++) {
      gradients[i] = params.get(i).grad();
    }
    return new LayerState(layer.newContext(capacity, gradients));
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    return layer.forward(((LayerState) state).context(), x, count, false);
  }

  @Override
  public String describe() {
    return description;
  }
}
