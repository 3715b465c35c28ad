package org.admm4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * A partition's training state between tasks: its optimizer's state (null at the start of a phase, as a
 * local run makes a new optimizer per phase) and its trainer's step count (which seeds augmentation, and
 * runs on across phases).
 */
public record LocalTraining(Map<String, float[]> optimizer, long steps) implements Serializable {}
