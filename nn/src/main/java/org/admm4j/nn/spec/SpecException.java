package org.admm4j.nn.spec;

/**
 * An architecture spec that cannot be read or does not fit together. The message names where
 * (the source, the layer's path such as {@code layers[3] (block1.conv2)}), the key and, for shape
 * problems, the shapes involved.
 */
public final class SpecException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public SpecException(String message) {
    super(message);
  }
}
