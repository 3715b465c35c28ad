package org.admm4j.spark;

import java.io.Serializable;

/**
 * What one task measured on its partition.
 *
 * @param seconds the local solve (W-step epochs, or a training epoch), on the executor
 * @param fetchSeconds reading the broadcast value on the executor (its first read fetches it)
 * @param loss mean training loss of the local solve (NaN where it has none)
 * @param samples training samples the task went through
 */
public record TaskFigures(double seconds, double fetchSeconds, double loss, long samples) implements Serializable {

  public static final TaskFigures NONE = new TaskFigures(0, 0, Double.NaN, 0);
}
