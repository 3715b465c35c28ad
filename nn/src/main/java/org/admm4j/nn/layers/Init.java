package org.admm4j.nn.layers;

import java.util.SplittableRandom;

/** PyTorch's default initialisation of conv and linear layers. */
final class Init {

  private Init() {}

  /**
   * {@code kaiming_uniform_(a=√5)} for the weight, which is U(−1/√fanIn, 1/√fanIn), and the same bound
   * for the bias: what {@code nn.Conv2d} and {@code nn.Linear} do in {@code reset_parameters}.
   */
  static void uniformFanIn(float[] weight, float[] bias, int fanIn, SplittableRandom random) {
    double bound = 1.0 / Math.sqrt(fanIn);
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    if (bias != null) {
      for (int i = 0; i < bias.length; i++) {
        bias[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
      }
    }
  }
}
