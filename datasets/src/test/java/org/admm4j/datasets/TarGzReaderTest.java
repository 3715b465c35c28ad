package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzReaderTest {
  @TempDir Path tmp;

  @Test
  void extractsOnlyTheNamedEntriesUnderThePrefix() throws Exception {
    byte[] a = IdxBytes.randomBytes(1000, 1);
    byte[] b = IdxBytes.randomBytes(512, 2);
    byte[] c = IdxBytes.randomBytes(3, 3);
    byte[] d = IdxBytes.randomBytes(700, 4);
    String longDir = "package/" + "x".repeat(120) + "/";
    Path archive = write("pkg.tgz", new TarBytes()
        .directory("package/")
        .file("package/readme.md", "hello".getBytes())
        .file("package/data/a", a)
        .file("package/other/b", IdxBytes.randomBytes(10, 9))
        .fileWithPrefix("package/data", "b", b)
        .paxPath("package/data/c", c)
        .gnuLongName(longDir + "d", d)
        .file("package/data/../../evil", IdxBytes.randomBytes(5, 5))
        .finish());
    Path out = Files.createDirectories(tmp.resolve("out"));
    Map<String, Path> found = TarGzReader.extract(archive, "package/data/",
        Set.of("a", "b", "c", "evil", "missing"), out);
    assertEquals(Set.of("a", "b", "c"), found.keySet());
    assertArrayEquals(a, Files.readAllBytes(out.resolve("a")));
    assertArrayEquals(b, Files.readAllBytes(out.resolve("b")));
    assertArrayEquals(c, Files.readAllBytes(out.resolve("c")));
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(3, files.count());
    }
    Map<String, Path> longName = TarGzReader.extract(archive, longDir, Set.of("d"), out);
    assertArrayEquals(d, Files.readAllBytes(longName.get("d")));
  }

  @Test
  void reportsTruncatedArchives() throws Exception {
    byte[] tar = new TarBytes().file("package/data/a", IdxBytes.randomBytes(5000, 1)).finish();
    Path archive = write("cut.tgz", Arrays.copyOf(tar, 3000));
    IOException e = assertThrows(IOException.class, () -> TarGzReader.extract(archive,
        "package/data/", Set.of("a"), Files.createDirectories(tmp.resolve("o"))));
    assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void reportsTruncatedGzip() throws Exception {
    byte[] packed = IdxBytes.gzip(new TarBytes().file("package/data/a", IdxBytes.randomBytes(5000, 1))
        .finish());
    Path archive = tmp.resolve("cut-gzip.tgz");
    Files.write(archive, Arrays.copyOf(packed, packed.length - 100));
    IOException e = assertThrows(IOException.class, () -> TarGzReader.extract(archive,
        "package/data/", Set.of("a"), Files.createDirectories(tmp.resolve("o"))));
    assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains("gzip"),
        e.getMessage());
  }

  private Path write(String name, byte[] tar) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(f, IdxBytes.gzip(tar));
    return f;
  }
}
