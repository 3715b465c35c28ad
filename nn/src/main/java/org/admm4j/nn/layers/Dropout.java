package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;
/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest scaled by
 * 1/(1−p); identity in evaluation. The mask is a hash of (seed, step, sample position, element), so it
 * does not depend on how the batch is split across threads and a resumed run draws the same masks.
 */
public final class Dropout extends Layer {

  private final float p;
  private final long seed;

  public Dropout(String name, int[] shape, float p, long seed) {
    super(name, shape, shape);
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    this.p = p;
    this.seed = seed;
  }

  /** Drop probability. */
  public float probability() {
    return p;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Dropout(localName(), p);
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients), capacity * inputSize());
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    s.active = training && p > 0f;
    if (!s.active) {
      return x;
    }
    int size = inputSize();
    float keepScale = 1f / (1f - p);
    // threshold on the top 24 bits of the hash: keep when u >= p
    long threshold = (long) Math.ceil(p * (double) (1 << 24));
    for (int b = 0; b < count; b++) {
      long sampleKey = mix(seed ^ mix(s.step * 0x9E3779B97F4A7C15L + s.firstSample + b));
      int base = b * size;
      for (int i = 0; i < size; i++) {
        long u = mix(sampleKey + i) >>> 40;
        float scale = u >= threshold ? keepScale : 0f;
        s.scale[base + i] = scale;
        s.output[base + i] = x[base + i] * scale;
      }
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    if (!s.active) {
      return dy;
    }
    int n = count * inputSize();
    for (int i = 0; i < n; i++) {
      dy[i] *= s.scale[i];
    }
    return dy;
  }

  /** SplitMix64's finaliser: a well-mixed 64-bit hash. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static final class State extends Context {
    final float[] output;
    final float[] scale;
    boolean active;

    State(int capacity, float[][] gradients, int size) {
      super(capacity, gradients);
      output = new float[size];
      scale = new float[size];
    }
  }
}
