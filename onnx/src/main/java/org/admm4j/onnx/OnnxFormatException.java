package org.admm4j.onnx;

import java.io.IOException;

/** An ONNX file admm4j refuses: broken, hostile, or using what the importer does not support. */
public final class OnnxFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
