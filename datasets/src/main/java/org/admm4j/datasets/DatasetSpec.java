package org.admm4j.datasets;

import java.util.List;
import java.util.Objects;

/**
 * What a known dataset consists of: four IDX files with pinned content hashes, and where to fetch
 * them from.
 *
 * @param name the dataset name users type, e.g. "mnist"
 * @param trainImages train images file
 * @param trainLabels train labels file
 * @param testImages test images file
 * @param testLabels test labels file
 * @param sources fetchers tried, in order, when neither a data directory nor the cache has the files
 */
public record DatasetSpec(String name, PinnedFile trainImages, PinnedFile trainLabels,
    PinnedFile testImages, PinnedFile testLabels, List<DatasetSource> sources) {

  public DatasetSpec {
    Objects.requireNonNull(name, "name");
    sources = List.copyOf(sources);
  }

  /** The four files in a fixed order: train images, train labels, test images, test labels. */
  public List<PinnedFile> files() {
    return List.of(trainImages, trainLabels, testImages, testLabels);
  }

  /** The same files with other fetchers (e.g. none, in tests). */
  public DatasetSpec withSources(List<DatasetSource> newSources) {
    return new DatasetSpec(name, trainImages, trainLabels, testImages, testLabels, newSources);
  }

  /**
   * One IDX file of a dataset.
   *
   * @param fileName canonical uncompressed name, e.g. "train-images-idx3-ubyte"; "NAME.gz" is also accepted
   * @param sha256 lower-case hex SHA-256 of the uncompressed content: the gzip wrapping differs between
   *     mirrors and repackagings, the content does not
   * @param size uncompressed size in bytes
   */
  public record PinnedFile(String fileName, String sha256, long size) {}
}
