package org.admm4j.nn.compact;

import java.io.IOException;

/** A compact model file that cannot be read: the message names the file, the tensor and the field. */
public final class CompactFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public CompactFormatException(String message) {
    super(message);
  }
}
