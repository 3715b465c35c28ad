package org.admm4j.nn.surgery;

import java.util.ArrayList;
import java.util.List;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.LayerSpec;

/**
 * The tensors besides a layer's weight that act on its output channels one entry per channel: its bias and
 * the scale and shift of every BatchNorm the channel passes through (after pools, ReLUs, dropouts) before
 * the next conv or linear layer. A pruned filter carries exact zeros only when these are zero at its index
 * too, which is what {@link FilterRemoval} requires to remove it.
 */
public final class ChannelTensors {

  private ChannelTensors() {}

  /**
   * The channel tensors of conv or linear layer {@code layer} (a full dotted name such as
   * {@code block1.conv1}), bias first; empty when it has neither bias nor BatchNorm.
   *
   * @throws IllegalArgumentException when the model has no conv or linear layer of that name
   */
  public static List<Parameter> of(Model model, String layer) {
    List<Parameter> out = find(model, model.spec().layers(), "", layer);
    if (out == null) {
      throw new IllegalArgumentException("no conv or linear layer named '" + layer + "' in " + model.name());
    }
    return out;
  }

  private static List<Parameter> find(Model model, List<LayerSpec> layers, String prefix, String layer) {
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String name = prefix + l.name();
      if (l instanceof LayerSpec.Residual r) {
        List<Parameter> inside = find(model, r.body(), name + ".", layer);
        if (inside == null) {
          inside = find(model, r.shortcut(), name + ".", layer);
        }
        if (inside != null) {
          return inside;
        }
        continue;
      }
      if (!name.equals(layer) || !(l instanceof LayerSpec.Conv2d || l instanceof LayerSpec.Linear)) {
        continue;
      }
      List<Parameter> out = new ArrayList<>();
      boolean bias = l instanceof LayerSpec.Conv2d c ? c.bias() : ((LayerSpec.Linear) l).bias();
      if (bias) {
        out.add(model.parameter(name + ".bias"));
      }
      for (int j = i + 1; j < layers.size(); j++) {
        LayerSpec next = layers.get(j);
        if (next instanceof LayerSpec.BatchNorm) {
          out.add(model.parameter(prefix + next.name() + ".weight"));
          out.add(model.parameter(prefix + next.name() + ".bias"));
        } else if (!(next instanceof LayerSpec.Relu || next instanceof LayerSpec.MaxPool
            || next instanceof LayerSpec.AvgPool || next instanceof LayerSpec.GlobalAvgPool
            || next instanceof LayerSpec.Dropout)) {
          break;
        }
      }
      return out;
    }
    return null;
  }
}
