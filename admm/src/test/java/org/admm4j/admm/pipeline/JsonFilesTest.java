package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {

  @TempDir
  Path dir;

  @Test
  void readsWhatItWrites() throws IOException {
    Path f = dir.resolve("a.json");
    JsonFiles.write(f, com.google.gson.JsonParser.parseString("{\"x\": [1, 2.5], \"name\": \"<é>\"}"));
    assertEquals("{\"x\":[1,2.5],\"name\":\"<é>\"}", JsonFiles.read(f).toString());
  }

  @Test
  void aFileThatIsNoJsonObjectIsOneLineNamingIt() throws IOException {
    Path f = dir.resolve("bad.json");
    Files.write(f, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
    assertEquals(f + " is not UTF-8 text (a malformed or unmappable byte sequence)",
        assertThrows(IOException.class, () -> JsonFiles.read(f)).getMessage());
    Files.writeString(f, "[1, 2]");
    assertEquals(f + ": expected a JSON object", assertThrows(IOException.class, () -> JsonFiles.read(f)).getMessage());
    Files.writeString(f, "{\"a\": [1,\n");
    String m = assertThrows(IOException.class, () -> JsonFiles.read(f)).getMessage();
    assertTrue(m.startsWith(f + " is not valid JSON: "), m);
    assertEquals(1, m.lines().count(), m);
    assertThrows(NoSuchFileException.class, () -> JsonFiles.read(dir.resolve("absent.json")));
  }
}
