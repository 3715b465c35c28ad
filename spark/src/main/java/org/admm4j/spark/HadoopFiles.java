package org.admm4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import org.admm4j.datasets.DatasetException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Data folders on a Hadoop file system (any scheme the cluster's Hadoop knows: hdfs, s3a, abfs, file), copied
 * once per JVM to a local folder named after the URI, so the dataset readers (which read local files) read
 * them unchanged. A copy is made under a temporary name and moved into place, so a reader never sees half a
 * copy.
 */
final class HadoopFiles {

  private HadoopFiles() {}

  /** Whether {@code path} names a URI with a scheme (not a local path). */
  static boolean isUri(String path) {
    int c = path.indexOf("://");
    return c > 0 || path.startsWith("file:") || path.startsWith("hdfs:");
  }

  static synchronized Path localCopy(String uri) throws DatasetException {
    try {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = src.getFileSystem(new Configuration());
      if (!fs.exists(src)) {
        throw new DatasetException(uri + ": no such file or folder");
      }
      String name = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(uri.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "admm4j-hadoop");
      Path target = root.resolve(name);
      if (Files.isDirectory(target)) {
        return target;
      }
      Files.createDirectories(root);
      Path fresh = Files.createTempDirectory(root, name + ".");
      fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(fresh.resolve("data").toUri()), true);
      Path data = fresh.resolve("data");
      try {
        Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        }
      }
      return target;
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new DatasetException(uri + ": cannot copy from its file system: " + e.getMessage());
    }
  }
}
