package org.admm4j.nn.io.faults;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** How an injected fault fails. */
public enum Failure {
  /** An I/O error ({@code EIO}). */
  IO_ERROR,
  /** The disk is full ({@code ENOSPC}); a write first writes part of its bytes, as a real one does. */
  DISK_FULL,
  /** Permission denied ({@code EACCES}), as on a read-only folder or an unreadable file. */
  ACCESS_DENIED;

  /**
   * The exception the JDK throws for this failure on {@code path}: an open, move or folder creation names
   * the path (a {@code FileSystemException}), a write or force on an open channel does not.
   */
  IOException exception(Operation op, String path) {
    if (this == ACCESS_DENIED) {
      return new AccessDeniedException(path);
    }
    String reason = this == DISK_FULL ? "No space left on device" : "Input/output error (injected)";
    return switch (op) {
      case WRITE, FORCE, FORCE_FOLDER -> new IOException(reason);
      default -> new FileSystemException(path, null, reason);
    };
  }
}
