package org.admm4j.nn.io.faults;

import java.io.IOException;
import java.nio.file.AccessDeniedException;

/** How an injected fault fails. */
public enum Failure {
  /** An I/O error ({@code EIO}). */
  IO_ERROR,
  /** The disk is full ({@code ENOSPC}); a write first writes part of its bytes, as a real one does. */
  DISK_FULL,
  /** Permission denied ({@code EACCES}), as on a read-only folder or an unreadable file. */
  ACCESS_DENIED;

  /** The exception the JDK would throw for this failure on {@code path}. */
  IOException exception(String path) {
    return switch (this) {
      case IO_ERROR -> new IOException("Input/output error (injected)");
      case DISK_FULL -> new IOException("No space left on device");
      case ACCESS_DENIED -> new AccessDeniedException(path);
    };
  }
}
