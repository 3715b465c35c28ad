package org.admm4j.admm.pipeline;

/**
 * One training epoch of the dense or the retraining phase, as report.json lists it.
 *
 * @param epoch 1-based within its phase
 * @param loss the mean training loss of the epoch
 * @param accuracy test accuracy after the epoch, in percent
 * @param lr the learning rate the epoch trained with
 */
public record EpochRecord(int epoch, double loss, double accuracy, float lr, double imagesPerSecond, double seconds) {}
