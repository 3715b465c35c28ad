package org.admm4j.nn.inference;

/** One layer of an {@link InferenceModel}: immutable, with per-thread buffers in a {@link State}. */
interface InferenceStep {

  /** Buffers for batches of up to {@code capacity} samples, owned by one thread. */
  State newState(int capacity);

  /**
   * Runs the first {@code count} samples of {@code x}; returns the output (a buffer of {@code state} or
   * x itself), valid until the next call with the same state.
   */
  float[] forward(State state, float[] x, int count);

  /** A line for logs, e.g. {@code "conv2: sparse (5.1% of weights, 3 taps inactive)"}. */
  String describe();

  /** Marker for per-thread step buffers. */
  interface State {}
}
