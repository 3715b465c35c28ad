package org.admm4j.nn.io;

import java.io.IOException;

/**
 * A file admm4j was writing could not be written (or its folder not forced to the disk); the message
 * names the file the user asked for and the reason, and says nothing of the temporary file beside it.
 */
public final class FileWriteException extends IOException {

  private static final long serialVersionUID = 1L;

  public FileWriteException(String message, IOException cause) {
    super(message, cause);
  }
}
