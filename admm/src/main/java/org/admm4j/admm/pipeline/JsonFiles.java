package org.admm4j.admm.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.nn.io.AtomicFile;

/** Pretty-printed JSON files, written through {@link AtomicFile} (beside, forced, moved, folder forced). */
public final class JsonFiles {

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();

  private JsonFiles() {}

  /** Writes {@code json} to {@code file}, replacing it atomically. */
  public static void write(Path file, JsonElement json) throws IOException {
    writeAtomically(file, (GSON.toJson(json) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code file} by {@code bytes} through {@link AtomicFile}. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    AtomicFile.write(file, bytes);
  }

  /**
   * Reads a JSON object.
   *
   * @throws IOException naming the file when it cannot be read, is not UTF-8 text or is not a JSON object
   */
  public static JsonObject read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (FileSystemException e) {
      throw e; // names the file already, and a missing one stays a NoSuchFileException
    } catch (CharacterCodingException e) {
      // the JDK's message is only "Input length = 1"
      throw new IOException(file + " is not UTF-8 text (a malformed or unmappable byte sequence)", e);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new IOException(file + ": expected a JSON object");
      }
      return e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IOException(file + " is not valid JSON: " + syntaxError(e), e);
    }
  }

  /**
   * Gson's description of a syntax error, in one line and without the exception class: Gson wraps the
   * reader's exception (its message starting "java.io.EOFException: ") and adds a second line pointing to
   * its troubleshooting page.
   */
  private static String syntaxError(JsonParseException e) {
    Throwable t = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
