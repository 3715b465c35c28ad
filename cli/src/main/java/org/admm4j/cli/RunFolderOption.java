package org.admm4j.cli;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.admm4j.spark.SparkPrune;

/**
 * A run folder named on the command line ({@code --out}, {@code --resume}): a path of the command line's file
 * system, or (for Spark runs) a Hadoop file system URI, which no {@link Path} can hold.
 *
 * @param text as the user wrote it
 * @param local the path, or null for a URI
 */
record RunFolderOption(String text, Path local) {

  static RunFolderOption parse(String text, FileSystem fs) {
    return new RunFolderOption(text, SparkPrune.isUri(text) ? null : fs.getPath(text));
  }

  boolean isUri() {
    return local == null;
  }

  @Override
  public String toString() {
    return text;
  }
}
