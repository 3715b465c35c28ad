package org.admm4j.datasets;

/**
 * A dataset could not be read, verified or found. The message is meant for the user as is: it names
 * the file, the field, what was expected and what was found, and for a failed resolution everything
 * that was tried and how to provide the files.
 */
public final class DatasetException extends Exception {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
