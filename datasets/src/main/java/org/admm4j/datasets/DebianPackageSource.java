package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Uses the folder an installed Debian package put the files in (found with {@code dpkg -L}, or at its
 * known path). It installs nothing: that needs root, so the error says which package to install.
 */
final class DebianPackageSource implements DatasetSource {
  static final long TIMEOUT_SECONDS = 30;

  private final String packageName;
  private final Path knownDir;

  DebianPackageSource(String packageName, Path knownDir) {
    this.packageName = packageName;
    this.knownDir = knownDir;
  }

  @Override
  public String description() {
    return "Debian package " + packageName + " (" + knownDir + ")";
  }

  @Override
  public Path fetch(DatasetSpec spec, Path scratch, Consumer<String> log) throws IOException {
    String marker = spec.trainImages().fileName();
    if (ExternalCommand.onPath("dpkg").isPresent()) {
      try {
        String listing = ExternalCommand.run(List.of("dpkg", "-L", packageName), scratch,
            TIMEOUT_SECONDS);
        for (String line : listing.split("\n")) {
          Path p = Path.of(line.strip());
          Path name = p.getFileName();
          if (name != null && (name.toString().equals(marker)
              || name.toString().equals(marker + ".gz")) && Files.isRegularFile(p)) {
            return p.getParent();
          }
        }
      } catch (IOException notInstalled) {
        // Fall through to the known path, then to the install hint.
      }
    }
    if (Files.isRegularFile(knownDir.resolve(marker + ".gz"))
        || Files.isRegularFile(knownDir.resolve(marker))) {
      return knownDir;
    }
    throw new IOException("package " + packageName + " is not installed (sudo apt-get install "
        + packageName + ")");
  }
}
