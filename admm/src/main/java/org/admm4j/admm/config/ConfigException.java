package org.admm4j.admm.config;

/** A pruning configuration that cannot be used; the message names the setting, its value and what is expected. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
