package org.admm4j.nn.train;

/**
 * One training epoch's figures.
 *
 * @param meanLoss mean cross-entropy over the epoch's samples (before each step's update)
 * @param trainAccuracy percent of the epoch's samples classified right during training
 * @param imagesPerSecond samples trained per second of wall time
 * @param wallSeconds wall time of the epoch
 * @param samples samples trained
 */
public record EpochStats(double meanLoss, double trainAccuracy, double imagesPerSecond, double wallSeconds,
    int samples) {}
