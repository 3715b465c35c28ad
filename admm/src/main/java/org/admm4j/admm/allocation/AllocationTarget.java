package org.admm4j.admm.allocation;

/**
 * A global compression target to split over the layers: {@code compression}× fewer conv and linear
 * weights in all (the ratio a run's report calls {@code compression}), allocated by {@code method}.
 *
 * @param compression total prunable weights over total kept, above 1
 * @param method how the per-layer keep fractions are chosen
 * @param floor the smallest keep fraction any layer gets (a layer pruned to nothing breaks the network)
 * @param heldBackImages training images (the last ones of the training set, never the test set) the
 *     sensitivity pass evaluates on
 * @param remeasure in a progressive run, allocate each later stage when it starts, from the model it starts
 *     from ({@link LayerAllocator#allocateFrom}), instead of from the dense model's pass alone
 */
public record AllocationTarget(double compression, AllocationMethod method, double floor, int heldBackImages,
    boolean remeasure) {

  /** Defaults of the command line: a 0.2 % floor and 5,000 images for the sensitivity pass. */
  public static final double DEFAULT_FLOOR = 0.002;
  public static final int DEFAULT_HELD_BACK = 5000;

  /** A target whose every stage is allocated from the dense model's pass. */
  public AllocationTarget(double compression, AllocationMethod method, double floor, int heldBackImages) {
    this(compression, method, floor, heldBackImages, false);
  }

  /** This target at another compression (a later stage's), the rest unchanged. */
  public AllocationTarget at(double otherCompression) {
    return new AllocationTarget(otherCompression, method, floor, heldBackImages, remeasure);
  }

  public AllocationTarget {
    if (!(compression > 1) || Double.isInfinite(compression)) {
      throw new IllegalArgumentException("compression = " + compression + " is invalid: expected a ratio above 1");
    }
    if (method == null) {
      throw new IllegalArgumentException("allocation.method must not be null");
    }
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException("allocation.floor = " + floor + " is invalid: expected a fraction in (0, 1]");
    }
    if (heldBackImages < 1) {
      throw new IllegalArgumentException("allocation.images = " + heldBackImages + " is invalid: expected at least 1");
    }
  }
}
