package org.admm4j.admm.pipeline;

/** A run that cannot go on for a reason the user can fix; the message says what and how. */
public final class RunException extends Exception {

  private static final long serialVersionUID = 1L;

  public RunException(String message) {
    super(message);
  }

  public RunException(String message, Throwable cause) {
    super(message, cause);
  }
}
