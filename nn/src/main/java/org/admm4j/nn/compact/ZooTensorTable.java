package org.admm4j.nn.compact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.Tensor;

/**
 * The names and shapes of a zoo model's tensors, in order: what the tensor table of a file with
 * {@link CompactFormat#FLAG_ZOO_TENSORS} leaves out (68 of a pruned LeNet-5 file's 2,005 bytes).
 * Tables are built once per zoo model and JVM, from the model itself, so they cannot drift from it.
 */
final class ZooTensorTable {

  private static final Map<String, ZooTensorTable> BUILT = new ConcurrentHashMap<>();

  private final List<String> names;
  private final List<int[]> shapes;
  private final long elements;

  private ZooTensorTable(List<String> names, List<int[]> shapes, long elements) {
    this.names = names;
    this.shapes = shapes;
    this.elements = elements;
  }

  /**
   * The table of zoo model {@code model}, or null when no zoo model has that name.
   *
   * @throws org.admm4j.nn.spec.SpecException when its weights exceed {@code maxElements} (refused before the
   *     model is allocated: a reader's cap on decoded floats bounds this allocation as well)
   */
  static ZooTensorTable of(String model, long maxElements) {
    if (model == null || !Models.names().contains(model)) {
      return null;
    }
    ZooTensorTable table = BUILT.get(model);
    if (table == null) {
      Model m = Models.spec(model).build(0, maxElements);
      List<String> names = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      long elements = 0;
      for (Parameter p : m.tensors()) {
        names.add(p.name());
        shapes.add(p.shape().clone());
        elements += p.size();
      }
      table = new ZooTensorTable(List.copyOf(names), List.copyOf(shapes), elements);
      BUILT.putIfAbsent(model, table);
    }
    return table;
  }

  int size() {
    return names.size();
  }

  String name(int i) {
    return names.get(i);
  }

  int[] shape(int i) {
    return shapes.get(i).clone();
  }

  /** Floats the model's tensors hold in all. */
  long elements() {
    return elements;
  }

  /** Whether {@code tensors} are this table's, same names and shapes in the same order. */
  boolean matches(Map<String, Tensor> tensors) {
    if (tensors.size() != names.size()) {
      return false;
    }
    int i = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (!e.getKey().equals(names.get(i)) || !Arrays.equals(e.getValue().shape(), shapes.get(i))) {
        return false;
      }
      i++;
    }
    return true;
  }
}
