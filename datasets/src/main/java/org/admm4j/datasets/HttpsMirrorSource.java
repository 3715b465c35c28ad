package org.admm4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Downloads the four gzipped files from one public mirror over HTTPS. */
final class HttpsMirrorSource implements DatasetSource {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final String baseUrl;

  /** @param baseUrl ends with '/', the files are {@code baseUrl + name + ".gz"} */
  HttpsMirrorSource(String baseUrl) {
    if (!baseUrl.startsWith("https://") || !baseUrl.endsWith("/")) {
      throw new IllegalArgumentException("mirror must be an https:// URL ending in '/': " + baseUrl);
    }
    this.baseUrl = baseUrl;
  }

  @Override
  public String description() {
    return baseUrl;
  }

  @Override
  public Path fetch(DatasetSpec spec, Path scratch, Consumer<String> log) throws IOException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    for (DatasetSpec.PinnedFile f : spec.files()) {
      URI uri = URI.create(baseUrl + f.fileName() + ".gz");
      log.accept(spec.name() + ": downloading " + uri);
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
      Path target = scratch.resolve(f.fileName() + ".gz");
      HttpResponse<Path> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofFile(target));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(uri + ": interrupted");
      } catch (IOException e) {
        // HttpClient's connect failures often carry no message; the class name says what happened.
        throw new IOException(uri + ": " + e.getClass().getSimpleName()
            + (e.getMessage() != null ? ": " + e.getMessage() : " (offline?)"));
      }
      if (response.statusCode() != 200) {
        Files.deleteIfExists(target);
        throw new IOException(uri + ": HTTP " + response.statusCode());
      }
    }
    return scratch;
  }
}
