package org.admm4j.admm.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;

/**
 * One weight layer's size before and after pruning, in weights and in multiply-accumulates per image
 * (MACs = non-zeros · MACs per weight: the output's spatial size for a conv, 1 for a linear layer), with
 * its shape before and after (they differ where pruned filters were removed: the layer's own outputs, or
 * the inputs a removed filter of the layer before it fed).
 */
public record LayerSummary(String name, LayerKind kind, int weights, int nonzero, long macsDense, long macsPruned,
    int[] shapeBefore, int[] shapeAfter) {

  public LayerSummary {
    shapeBefore = shapeBefore.clone();
    shapeAfter = shapeAfter.clone();
  }

  @Override
  public int[] shapeBefore() {
    return shapeBefore.clone();
  }

  @Override
  public int[] shapeAfter() {
    return shapeAfter.clone();
  }

  /** By value, shapes included (a record compares array components by reference). */
  @Override
  public boolean equals(Object o) {
    return o instanceof LayerSummary l && name.equals(l.name) && kind == l.kind && weights == l.weights
        && nonzero == l.nonzero && macsDense == l.macsDense && macsPruned == l.macsPruned
        && java.util.Arrays.equals(shapeBefore, l.shapeBefore) && java.util.Arrays.equals(shapeAfter, l.shapeAfter);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, kind, weights, nonzero, macsDense, macsPruned,
        java.util.Arrays.hashCode(shapeBefore), java.util.Arrays.hashCode(shapeAfter));
  }

  @Override
  public String toString() {
    return name + " (" + kind + "): " + nonzero + " of " + weights + " weights, MACs " + macsDense + " -> " + macsPruned
        + ", shape " + java.util.Arrays.toString(shapeBefore) + " -> " + java.util.Arrays.toString(shapeAfter);
  }

  /** {@code conv} or {@code linear}. */
  public String kindName() {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Fraction of the weights kept. */
  public double keptFraction() {
    return weights == 0 ? 1 : (double) nonzero / weights;
  }

  /**
   * Whether {@code p} is a weight tensor of a conv or linear layer: what can be pruned and what compression
   * counts (biases and other layers' weights are not).
   */
  public static boolean isPrunable(Parameter p) {
    return p.isWeight() && (p.kind() == LayerKind.CONV || p.kind() == LayerKind.LINEAR);
  }

  /** The layer name of a weight tensor: {@code conv1.weight} → {@code conv1}. */
  public static String layerName(Parameter p) {
    String n = p.name();
    return n.endsWith(".weight") ? n.substring(0, n.length() - ".weight".length()) : n;
  }

  /** Every conv and linear weight tensor of {@code model} as it is now (biases excluded), in model order. */
  public static List<LayerSummary> of(Model model) {
    return of(model, model);
  }

  /**
   * Every conv and linear weight tensor of {@code before} (weights and dense MACs from its shapes) with its
   * non-zeros and MACs in {@code after}, the same network with pruned filters removed.
   */
  public static List<LayerSummary> of(Model before, Model after) {
    List<LayerSummary> rows = new ArrayList<>();
    for (Parameter p : before.parameters()) {
      if (!LayerSummary.isPrunable(p)) {
        continue;
      }
      Parameter q = after.parameter(p.name());
      int nz = q.countNonZero();
      rows.add(new LayerSummary(layerName(p), p.kind(), p.size(), nz, p.size() * p.macsPerWeight(),
          nz * q.macsPerWeight(), p.shape(), q.shape()));
    }
    return rows;
  }

  /** The per-layer table the CLI prints, with a total row. */
  public static List<String> table(List<LayerSummary> rows) {
    List<String> lines = new ArrayList<>();
    boolean reshaped = rows.stream().anyMatch(r -> !java.util.Arrays.equals(r.shapeBefore, r.shapeAfter));
    String fmt = "%-10s %10s %10s %8s %14s %14s %8s";
    lines.add(String.format(fmt, "layer", "weights", "non-zero", "kept %", "MACs before", "MACs after", "ratio")
        + (reshaped ? "  shape" : ""));
    long w = 0;
    long nz = 0;
    long md = 0;
    long mp = 0;
    long cw = 0;
    long cnz = 0;
    long cmd = 0;
    long cmp = 0;
    for (LayerSummary r : rows) {
      lines.add(row(fmt, r.name, r.weights, r.nonzero, r.macsDense, r.macsPruned) + (reshaped
          ? "  " + shape(r.shapeBefore) + (java.util.Arrays.equals(r.shapeBefore, r.shapeAfter) ? ""
              : " -> " + shape(r.shapeAfter)) : ""));
      w += r.weights;
      nz += r.nonzero;
      md += r.macsDense;
      mp += r.macsPruned;
      if (r.kind == LayerKind.CONV) {
        cw += r.weights;
        cnz += r.nonzero;
        cmd += r.macsDense;
        cmp += r.macsPruned;
      }
    }
    if (cw > 0 && cw < w) {
      lines.add(row(fmt, "conv", cw, cnz, cmd, cmp));
    }
    lines.add(row(fmt, "total", w, nz, md, mp));
    return lines;
  }

  /** {@code 32x1x3x3}. */
  static String shape(int[] s) {
    StringBuilder b = new StringBuilder();
    for (int d : s) {
      b.append(b.length() == 0 ? "" : "x").append(d);
    }
    return b.toString();
  }

  private static String row(String fmt, String name, long w, long nz, long md, long mp) {
    return String.format(java.util.Locale.ROOT, fmt, name, String.format("%,d", w), String.format("%,d", nz),
        String.format(java.util.Locale.ROOT, "%.2f", w == 0 ? 100.0 : 100.0 * nz / w),
        String.format("%,d", md), String.format("%,d", mp),
        nz == 0 ? "inf" : String.format(java.util.Locale.ROOT, "%.1fx", (double) w / nz));
  }
}
