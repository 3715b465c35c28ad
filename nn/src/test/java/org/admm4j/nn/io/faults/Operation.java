package org.admm4j.nn.io.faults;

/** The file-system operations a {@link FaultyFileSystem} counts and can make fail. */
public enum Operation {
  /** Opening a file for writing (creating it). */
  OPEN_WRITE,
  /** One {@code write} call on a channel opened for writing. */
  WRITE,
  /** {@code force} on a file's channel (fsync). */
  FORCE,
  /** {@code force} on a folder's channel (fsync of the folder, which makes a move durable). */
  FORCE_FOLDER,
  /** A move or rename. */
  MOVE,
  /** Creating a folder. */
  CREATE_FOLDER,
  /** Opening a file for reading. */
  OPEN_READ
}
