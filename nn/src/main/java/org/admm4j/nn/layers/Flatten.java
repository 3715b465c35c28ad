package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;
/** {@code [C, H, W] → [C·H·W]} in C, H, W order, as {@code torch.flatten(x, 1)}: a view, no copy. */
public final class Flatten extends Layer {

  public Flatten(String name, int[] inputShape) {
    super(name, inputShape, new int[] {volume(inputShape)});
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Flatten(localName());
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new Context(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    context.checkCount(count);
    return x;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    return needInputGradient ? dy : null;
  }
}
