package org.admm4j.spark;

import java.util.Locale;

/**
 * What one epoch (of dense training, of an ADMM W-step, of masked retraining) is on a partition of a
 * P-partition run.
 */
public enum EpochLength {

  /**
   * The local epoch's optimizer steps: P passes over the shard (1/P of the data), the learning rate schedule
   * over the phase's P·E passes. Each partition takes as many steps as the local run, so P machines take about
   * the local run's time. The default: with one pass the ADMM W-steps end short of their minimiser, Z's support
   * is chosen from under-trained weights and retraining from it ends below the local run.
   */
  LOCAL_STEPS,

  /** One pass over the shard: 1/P of the local steps per partition and 1/P of the time, at a lower accuracy. */
  SHARD_PASS;

  /** Passes over a partition's shard per epoch of a run on {@code partitions} partitions. */
  public int passes(int partitions) {
    return this == LOCAL_STEPS ? partitions : 1;
  }

  /** The command line's and report's spelling: {@code local-steps}, {@code shard-pass}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Reads {@link #label()}'s spelling. */
  public static EpochLength of(String label) {
    for (EpochLength e : values()) {
      if (e.label().equals(label)) {
        return e;
      }
    }
    throw new IllegalArgumentException("epoch length " + label + ": expected local-steps or shard-pass");
  }
}
