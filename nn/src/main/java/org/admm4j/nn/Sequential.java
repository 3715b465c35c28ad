package org.admm4j.nn;

import java.util.List;
import org.admm4j.nn.layers.Layer;

/** A model that is exactly its chain of layers. */
public final class Sequential extends Model {

  public Sequential(String name, int inputChannels, int inputHeight, int inputWidth, int classes,
      List<Layer> layers) {
    super(name, inputChannels, inputHeight, inputWidth, classes, layers);
  }
}
