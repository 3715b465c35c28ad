package org.admm4j.nn.inference;

import java.util.List;

/** A residual block at inference: the body's steps plus the shortcut's (or the input itself). */
final class ResidualStep implements InferenceStep {

  private final String name;
  private final InferenceStep[] body;
  private final InferenceStep[] shortcut;
  private final int outputSize;

  ResidualStep(String name, List<InferenceStep> body, List<InferenceStep> shortcut, int outputSize) {
    this.name = name;
    this.body = body.toArray(new InferenceStep[0]);
    this.shortcut = shortcut.toArray(new InferenceStep[0]);
    this.outputSize = outputSize;
  }

  private record Buffers(State[] body, State[] shortcut, float[] output) implements State {}

  @Override
  public State newState(int capacity) {
    State[] b = new State[body.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = body[i].newState(capacity);
    }
    State[] s = new State[shortcut.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shortcut[i].newState(capacity);
    }
    return new Buffers(b, s, new float[capacity * outputSize]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers s = (Buffers) state;
    float[] b = x;
    for (int i = 0; i < body.length; i++) {
      b = body[i].forward(s.body[i], b, count);
    }
    float[] sc = x;
    for (int i = 0; i < shortcut.length; i++) {
      sc = shortcut[i].forward(s.shortcut[i], sc, count);
    }
    int n = count * outputSize;
    for (int i = 0; i < n; i++) {
      s.output[i] = b[i] + sc[i];
    }
    return s.output;
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder(name + ": residual block");
    for (InferenceStep step : body) {
      sb.append("\n  body ").append(step.describe());
    }
    for (InferenceStep step : shortcut) {
      sb.append("\n  shortcut ").append(step.describe());
    }
    return sb.toString();
  }
}
