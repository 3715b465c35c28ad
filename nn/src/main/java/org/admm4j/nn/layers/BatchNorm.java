package org.admm4j.nn.layers;

import java.util.List;
import org.admm4j.kernels.Elementwise;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Parameter;

/**
 * Batch normalisation per channel: over (N, H, W) for {@code [C, H, W]} inputs (PyTorch's
 * {@code BatchNorm2d}) and over N for {@code [F]} inputs ({@code BatchNorm1d}). Training normalises with
 * the batch's mean and biased variance and moves the running statistics (momentum 0.1, unbiased
 * variance) in {@link #mergeStatistics}; evaluation uses the running statistics.
 *
 * <p>Data-parallel training normalises each shard with its own statistics (as PyTorch's DDP without
 * SyncBatchNorm does) and folds the shards' means and variances into the running statistics weighted by
 * shard size.
 */
public final class BatchNorm extends Layer {

  /** PyTorch's defaults. */
  public static final float EPS = 1e-5f;
  public static final float MOMENTUM = 0.1f;

  private final float eps;
  private final float momentum;

  private final int channels;
  private final int spatial;
  private final Parameter gamma;
  private final Parameter beta;
  private final Parameter runningMean;
  private final Parameter runningVar;

  /** @param shape {@code [C, H, W]} or {@code [F]} */
  public BatchNorm(String name, int[] shape) {
    this(name, shape, EPS, MOMENTUM);
  }

  /** With PyTorch's {@code eps} (added to the variance) and {@code momentum} (of the running statistics). */
  public BatchNorm(String name, int[] shape, float eps, float momentum) {
    super(name, shape, shape);
    if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(name + ": batch norm needs eps > 0 and momentum in [0, 1], got eps "
          + eps + " momentum " + momentum);
    }
    this.eps = eps;
    this.momentum = momentum;
    channels = shape[0];
    spatial = volume(shape) / channels;
    gamma = Parameter.other(name + ".weight", LayerKind.OTHER, channels);
    beta = Parameter.other(name + ".bias", LayerKind.OTHER, channels);
    runningMean = Parameter.buffer(name + ".running_mean", channels);
    runningVar = Parameter.buffer(name + ".running_var", channels);
    java.util.Arrays.fill(gamma.data(), 1f);
    java.util.Arrays.fill(runningVar.data(), 1f);
  }

  /** The variance's ε. */
  public float eps() {
    return eps;
  }

  public float momentum() {
    return momentum;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.BatchNorm(localName(), eps, momentum);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gamma, beta);
  }

  @Override
  public List<Parameter> buffers() {
    return List.of(runningMean, runningVar);
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  /**
   * Per channel: the batch mean (per-plane float sums added over the samples), the biased variance from the
   * deviations (two passes, no {@code Σx² − n·mean²} cancellation), then {@code y = γ·(x − μ)/σ + β} as one
   * multiply-add per element. Backward recomputes x̂ from the input instead of storing it.
   */
  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    s.training = training;
    s.input = x;
    float[] g = gamma.data(), b = beta.data();
    long n = (long) count * spatial;
    int sample = channels * spatial;
    if (training) {
      java.util.Arrays.fill(s.sums, 0f);
      for (int i = 0; i < count; i++) {
        Elementwise.accumulateChannelSums(channels, spatial, x, i * sample, s.sums);
      }
    }
    for (int c = 0; c < channels; c++) {
      float mean, invStd;
      if (training) {
        double m = (double) s.sums[c] / n;
        mean = (float) m;
        double sq = 0;
        for (int i = 0; i < count; i++) {
          sq += Elementwise.sumOfSquaredDeviations(spatial, x, i * sample + c * spatial, mean);
        }
        double var = sq / n;
        invStd = (float) (1.0 / Math.sqrt(var + eps));
        s.batchMean[c] = mean;
        s.batchVar[c] = n > 1 ? (float) (sq / (n - 1)) : (float) var;
      } else {
        mean = runningMean.data()[c];
        invStd = (float) (1.0 / Math.sqrt(runningVar.data()[c] + eps));
      }
      s.mean[c] = mean;
      s.invStd[c] = invStd;
      float scale = g[c] * invStd, shift = b[c] - mean * scale;
      for (int i = 0; i < count; i++) {
        int base = i * sample + c * spatial;
        Elementwise.affine(spatial, scale, shift, x, base, s.output, base);
      }
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    State s = (State) context;
    float[] g = gamma.data();
    float[] x = s.input;
    float[] dGamma = s.gradients[0], dBeta = s.gradients[1];
    long n = (long) count * spatial;
    int sample = channels * spatial;
    java.util.Arrays.fill(s.sums, 0f);
    for (int i = 0; i < count; i++) {
      Elementwise.accumulateChannelSums(channels, spatial, dy, i * sample, s.sums);
    }
    for (int c = 0; c < channels; c++) {
      float mean = s.mean[c], invStd = s.invStd[c];
      double sumDy = s.sums[c], sumDyXc = 0;
      for (int i = 0; i < count; i++) {
        sumDyXc += Elementwise.dotDeviations(spatial, dy, i * sample + c * spatial, x, i * sample + c * spatial,
            mean);
      }
      double sumDyXh = sumDyXc * invStd;
      dGamma[c] = (float) sumDyXh;
      dBeta[c] = (float) sumDy;
      if (!needInputGradient) {
        continue;
      }
      float scale = g[c] * invStd;
      // training: the batch statistics depend on x too
      float meanDy = s.training ? (float) (sumDy / n) : 0f;
      float meanDyXh = s.training ? (float) (sumDyXh / n) : 0f;
      // scale·(dy − meanDy − x̂·meanDyXh) with x̂ = (x − μ)·invStd, as a·dy + b·x + c
      float bx = -scale * invStd * meanDyXh;
      float cx = -scale * meanDy - bx * mean;
      for (int i = 0; i < count; i++) {
        int base = i * sample + c * spatial;
        Elementwise.affineGradient(spatial, scale, dy, base, bx, x, base, cx, s.inputGradient, base);
      }
    }
    return needInputGradient ? s.inputGradient : null;
  }

  @Override
  public void mergeStatistics(Context[] shards, int[] counts) {
    long total = 0;
    for (int k = 0; k < shards.length; k++) {
      if (((State) shards[k]).training) {
        total += counts[k];
      }
    }
    if (total == 0) {
      return;
    }
    float[] rm = runningMean.data(), rv = runningVar.data();
    for (int c = 0; c < channels; c++) {
      double mean = 0, var = 0;
      for (int k = 0; k < shards.length; k++) {
        State s = (State) shards[k];
        if (s.training) {
          mean += (double) counts[k] * s.batchMean[c];
          var += (double) counts[k] * s.batchVar[c];
        }
      }
      rm[c] = (1 - momentum) * rm[c] + momentum * (float) (mean / total);
      rv[c] = (1 - momentum) * rv[c] + momentum * (float) (var / total);
    }
  }

  private final class State extends Context {
    final float[] output;
    final float[] inputGradient;
    /** The forward's input (x̂ is recomputed from it in backward) and the mean and 1/σ it used. */
    float[] input;
    final float[] mean = new float[channels];
    /** Per-channel sums (of x in forward, of dy in backward). */
    final float[] sums = new float[channels];
    final float[] batchMean = new float[channels];
    final float[] batchVar = new float[channels];
    final float[] invStd = new float[channels];
    boolean training;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      int size = capacity * inputSize();
      output = new float[size];
      inputGradient = new float[size];
    }
  }
}
