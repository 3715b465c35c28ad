package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A fetcher that hands out a prepared folder (or fails), counting its calls. */
final class FakeSource implements DatasetSource {
  private final String description;
  private final Path folder;
  int calls;

  /** @param folder what fetch returns; null makes fetch fail */
  FakeSource(String description, Path folder) {
    this.description = description;
    this.folder = folder;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Path fetch(DatasetSpec spec, Path scratch, Consumer<String> log) throws IOException {
    calls++;
    if (folder == null) {
      throw new IOException("offline in tests");
    }
    return folder;
  }
}
