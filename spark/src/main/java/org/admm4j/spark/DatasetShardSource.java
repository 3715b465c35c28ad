package org.admm4j.spark;

import java.nio.file.Path;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetException;
import org.admm4j.datasets.DatasetLocator;
import org.admm4j.datasets.TrainTestSplit;

/**
 * A dataset by the command line's reference ({@code mnist}, {@code fashion-mnist}, {@code npy:DIR},
 * {@code cifar10:DIR}, {@code folder:DIR}), where DIR (and the IDX {@code --data} directory) may be a Hadoop
 * file system URI ({@code hdfs://…}, {@code s3a://…}, {@code file:/…}): each reader first copies it to a local
 * folder ({@link HadoopFiles}), then reads it as a local run does, keeping the first {@code trainLimit} /
 * {@code testLimit} images (≤ 0: all).
 */
public record DatasetShardSource(String ref, String dataDir, int trainLimit, int testLimit) implements ShardSource {

  private static final long serialVersionUID = 1L;

  @Override
  public TrainingData load() throws DatasetException {
    return TrainingData.of(split(), trainLimit, testLimit);
  }

  /** The split, its directory fetched from a Hadoop file system first where it names one. */
  public TrainTestSplit split() throws DatasetException {
    String r = ref.strip();
    int colon = r.indexOf(':');
    String localRef = r;
    if (colon > 0 && !r.startsWith("synthetic")) {
      String dir = r.substring(colon + 1);
      if (HadoopFiles.isUri(dir)) {
        localRef = r.substring(0, colon + 1) + HadoopFiles.localCopy(dir);
      }
    }
    Path local = null;
    if (dataDir != null && !dataDir.isBlank()) {
      local = HadoopFiles.isUri(dataDir) ? HadoopFiles.localCopy(dataDir) : Path.of(dataDir);
    }
    return DatasetLocator.load(localRef, local, null);
  }
}
