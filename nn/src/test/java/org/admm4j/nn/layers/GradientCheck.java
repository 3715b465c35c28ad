package org.admm4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.admm4j.nn.Parameter;

/**
 * Checks a layer's backward pass against central finite differences of {@code L = Σ r·y} for a fixed
 * random {@code r}, at random points of the input and of every parameter.
 */
public final class GradientCheck {

  private static final float EPS = 1e-2f;

  private GradientCheck() {}

  /** Runs the check; returns the number of points compared. */
  public static int check(Layer layer, int count, boolean training, Random random, int pointsPerTensor,
      double relTol, double absTol) {
    return check(layer, count, training, random, pointsPerTensor, relTol, absTol, false);
  }

  /**
   * With {@code spaced}, the inputs are a shuffle of distinct values at least 0.05 apart and 0.025 away
   * from 0, so a ±eps step never crosses a kink of max-pool or ReLU.
   */
  public static int check(Layer layer, int count, boolean training, Random random, int pointsPerTensor,
      double relTol, double absTol, boolean spaced) {
    List<Parameter> params = layer.parameters();
    float[][] grads = new float[params.size()][];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = new float[params.get(i).size()];
      java.util.Arrays.fill(grads[i], Float.NaN);
    }
    Layer.Context ctx = layer.newContext(count, grads);
    int inSize = count * layer.inputSize(), outSize = count * layer.outputSize();
    float[] x = new float[inSize];
    for (int i = 0; i < inSize; i++) {
      x[i] = spaced ? (i - inSize / 2 + 0.5f) * 0.05f : random.nextFloat() * 2 - 1;
    }
    if (spaced) {
      for (int i = inSize - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        float t = x[i];
        x[i] = x[j];
        x[j] = t;
      }
    }
    float[] r = new float[outSize];
    for (int i = 0; i < outSize; i++) {
      r[i] = random.nextFloat() * 2 - 1;
    }
    layer.forward(ctx, x, count, training);
    float[] dx = layer.backward(ctx, r.clone(), count, true).clone();
    float[][] analytic = new float[grads.length][];
    for (int i = 0; i < grads.length; i++) {
      analytic[i] = grads[i].clone();
    }
    int checked = 0;
    for (int p = 0; p < pointsPerTensor; p++) {
      int i = random.nextInt(inSize);
      double numeric = numeric(layer, ctx, x, x, i, r, count, training);
      assertClose("d/dx[" + i + "] of " + layer.name(), dx[i], numeric, relTol, absTol);
      checked++;
    }
    for (int t = 0; t < params.size(); t++) {
      float[] w = params.get(t).data();
      for (int p = 0; p < pointsPerTensor; p++) {
        int i = random.nextInt(w.length);
        double numeric = numeric(layer, ctx, x, w, i, r, count, training);
        assertClose("d/d" + params.get(t).name() + "[" + i + "]", analytic[t][i], numeric, relTol, absTol);
        checked++;
      }
    }
    assertTrue(checked > 0);
    return checked;
  }

  private static double numeric(Layer layer, Layer.Context ctx, float[] x, float[] target, int i, float[] r,
      int count, boolean training) {
    float old = target[i];
    target[i] = old + EPS;
    double plus = dot(layer.forward(ctx, x, count, training), r);
    target[i] = old - EPS;
    double minus = dot(layer.forward(ctx, x, count, training), r);
    target[i] = old;
    return (plus - minus) / (2.0 * EPS);
  }

  static double dot(float[] y, float[] r) {
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      s += (double) y[i] * r[i];
    }
    return s;
  }

  /** |a − b| ≤ absTol + relTol·max(|a|, |b|). */
  public static void assertClose(String what, double analytic, double numeric, double relTol, double absTol) {
    double tol = absTol + relTol * Math.max(Math.abs(analytic), Math.abs(numeric));
    assertEquals(numeric, analytic, tol, what + ": analytic " + analytic + " vs numeric " + numeric);
  }
}
