package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetResolverTest {
  @TempDir Path tmp;
  final TinyDataset tiny = new TinyDataset();
  final List<String> log = new ArrayList<>();

  @Test
  void explicitDirBeatsCacheBeatsFetch() throws Exception {
    Path data = tiny.writeTo(tmp.resolve("data"), true);
    Path cacheRoot = tmp.resolve("cache");
    tiny.writeTo(cacheRoot.resolve(TinyDataset.NAME), false);
    FakeSource source = new FakeSource("fake", tiny.writeTo(tmp.resolve("fetched"), false));
    DatasetResolver resolver = resolver(cacheRoot, null, source);

    DatasetSplits fromDir = resolver.load(TinyDataset.NAME, data, log::add);
    assertSame(tiny.splits, fromDir);
    assertTrue(log.get(0).contains("using " + data), log.toString());

    log.clear();
    DatasetSplits fromCache = resolver.load(TinyDataset.NAME, null, log::add);
    assertSame(tiny.splits, fromCache);
    assertTrue(log.get(0).contains("using cache"), log.toString());
    assertEquals(0, source.calls);

    deleteTree(cacheRoot);
    log.clear();
    DatasetSplits fetched = resolver.load(TinyDataset.NAME, null, log::add);
    assertSame(tiny.splits, fetched);
    assertEquals(1, source.calls);
    assertTrue(String.join("\n", log).contains("cached in"), log.toString());
    // The fetched files are now in the cache, raw and verified, and the next load uses them.
    for (DatasetSpec.PinnedFile f : resolver.spec(TinyDataset.NAME).files()) {
      assertEquals(f.sha256(), Sha256.ofFile(cacheRoot.resolve(TinyDataset.NAME).resolve(f.fileName())));
    }
    log.clear();
    resolver.load(TinyDataset.NAME, null, log::add);
    assertEquals(1, source.calls);
    assertTrue(log.get(0).contains("using cache"), log.toString());
  }

  @Test
  void environmentDirComesBeforeCacheAndFallsThroughWhenUnusable() throws Exception {
    Path env = tiny.writeTo(tmp.resolve("env").resolve(TinyDataset.NAME), false);
    Path cacheRoot = tmp.resolve("cache");
    tiny.writeTo(cacheRoot.resolve(TinyDataset.NAME), true);
    FakeSource source = new FakeSource("fake", null);
    // ADMM4J_DATA may name a root holding one folder per dataset.
    resolver(cacheRoot, tmp.resolve("env"), source).load(TinyDataset.NAME, null, log::add);
    assertTrue(log.get(0).contains("using " + env) && log.get(0).contains("ADMM4J_DATA"),
        log.toString());

    log.clear();
    Path emptyEnv = Files.createDirectories(tmp.resolve("empty-env"));
    DatasetSplits s = resolver(cacheRoot, emptyEnv, source).load(TinyDataset.NAME, null, log::add);
    assertSame(tiny.splits, s);
    assertTrue(String.join("\n", log).contains("using cache"), log.toString());
    assertEquals(0, source.calls);
  }

  @Test
  void explicitDirIsAuthoritative() throws Exception {
    Path cacheRoot = tmp.resolve("cache");
    tiny.writeTo(cacheRoot.resolve(TinyDataset.NAME), false);
    Path partial = tiny.writeTo(tmp.resolve("partial"), false);
    Files.delete(partial.resolve("t10k-labels-idx1-ubyte"));
    FakeSource source = new FakeSource("fake", null);
    DatasetException e = assertThrows(DatasetException.class,
        () -> resolver(cacheRoot, null, source).load(TinyDataset.NAME, partial, log::add));
    assertTrue(e.getMessage().contains("--data"), e.getMessage());
    assertTrue(e.getMessage().contains("missing t10k-labels-idx1-ubyte"), e.getMessage());
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    assertEquals(0, source.calls);

    Path tampered = tiny.writeTamperedTo(tmp.resolve("tampered"));
    e = assertThrows(DatasetException.class,
        () -> resolver(cacheRoot, null, source).load(TinyDataset.NAME, tampered, log::add));
    assertTrue(e.getMessage().contains(tampered.resolve("t10k-labels-idx1-ubyte").toString()),
        e.getMessage());
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
  }

  @Test
  void hashMismatchIsRefusedAndNothingIsCached() throws Exception {
    Path cacheRoot = tmp.resolve("cache");
    FakeSource bad = new FakeSource("tampered mirror", tiny.writeTamperedTo(tmp.resolve("bad")));
    DatasetResolver resolver = resolver(cacheRoot, null, bad);
    DatasetException e = assertThrows(DatasetException.class,
        () -> resolver.load(TinyDataset.NAME, null, log::add));
    assertTrue(e.getMessage().contains("tampered mirror"), e.getMessage());
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    assertTrue(e.getMessage().contains(tiny.spec(List.of()).testLabels().sha256()), e.getMessage());
    assertFalse(Files.exists(cacheRoot.resolve(TinyDataset.NAME)), "nothing may be cached");

    // The next fetcher in line with good files is used, and only its files are cached.
    FakeSource good = new FakeSource("good mirror", tiny.writeTo(tmp.resolve("good"), true));
    DatasetResolver two = new DatasetResolver(cacheRoot, null,
        Map.of(TinyDataset.NAME, tiny.spec(List.of(bad, good))));
    assertSame(tiny.splits, two.load(TinyDataset.NAME, null, log::add));
    assertEquals(2, bad.calls);
    assertEquals(1, good.calls);
    try (Stream<Path> files = Files.list(cacheRoot.resolve(TinyDataset.NAME))) {
      assertEquals(4, files.count(), "four raw files, no temporaries left");
    }
  }

  @Test
  void damagedCacheIsFetchedAgainAndReplaced() throws Exception {
    Path cacheRoot = tmp.resolve("cache");
    Path cached = tiny.writeTamperedTo(cacheRoot.resolve(TinyDataset.NAME));
    FakeSource source = new FakeSource("fake", tiny.writeTo(tmp.resolve("fetched"), true));
    assertSame(tiny.splits, resolver(cacheRoot, null, source).load(TinyDataset.NAME, null, log::add));
    assertEquals(1, source.calls);
    assertEquals(tiny.spec(List.of()).testLabels().sha256(),
        Sha256.ofFile(cached.resolve("t10k-labels-idx1-ubyte")));
  }

  @Test
  void failureListsEverythingTriedAndHowToProvideFiles() throws Exception {
    Path cacheRoot = tmp.resolve("cache");
    Path env = Files.createDirectories(tmp.resolve("env"));
    DatasetResolver resolver = new DatasetResolver(cacheRoot, env, Map.of(TinyDataset.NAME,
        tiny.spec(List.of(new FakeSource("first fetcher", null),
            new FakeSource("second fetcher", null)))));
    DatasetException e = assertThrows(DatasetException.class,
        () -> resolver.load(TinyDataset.NAME, null, null));
    String m = e.getMessage();
    assertTrue(m.contains("ADMM4J_DATA=" + env), m);
    assertTrue(m.contains("cache " + cacheRoot.resolve(TinyDataset.NAME)), m);
    assertTrue(m.contains("first fetcher: offline in tests"), m);
    assertTrue(m.contains("second fetcher: offline in tests"), m);
    assertTrue(m.contains("--data DIR"), m);
    for (DatasetSpec.PinnedFile f : resolver.spec(TinyDataset.NAME).files()) {
      assertTrue(m.contains(f.fileName()) && m.contains(f.sha256()), m);
    }
    assertTrue(m.indexOf("ADMM4J_DATA") < m.indexOf("cache ")
        && m.indexOf("cache ") < m.indexOf("first fetcher")
        && m.indexOf("first fetcher") < m.indexOf("second fetcher"), m);
  }

  @Test
  void rejectsUnknownNames() {
    DatasetException e = assertThrows(DatasetException.class,
        () -> resolver(tmp, null).load("cifar", null, null));
    assertTrue(e.getMessage().contains("cifar") && e.getMessage().contains(TinyDataset.NAME),
        e.getMessage());
    assertEquals(List.of("mnist", "fashion-mnist"), DatasetResolver.names());
  }

  @Test
  void cacheRootFollowsTheSystemProperty() {
    String old = System.getProperty(DatasetResolver.CACHE_PROPERTY);
    try {
      System.setProperty(DatasetResolver.CACHE_PROPERTY, tmp.toString());
      assertEquals(tmp, DatasetResolver.defaultCacheRoot());
      assertEquals(tmp.resolve("mnist"), DatasetResolver.fromEnvironment().cacheDir("mnist"));
      System.clearProperty(DatasetResolver.CACHE_PROPERTY);
      Path root = DatasetResolver.defaultCacheRoot();
      assertTrue(root.endsWith(Path.of("admm4j")), root.toString());
    } finally {
      if (old == null) {
        System.clearProperty(DatasetResolver.CACHE_PROPERTY);
      } else {
        System.setProperty(DatasetResolver.CACHE_PROPERTY, old);
      }
    }
  }

  @Test
  void cacheRootPrefersPropertyThenAbsoluteXdgThenHome() {
    assertEquals(Path.of("/p"), DatasetResolver.cacheRoot("/p", "/xdg", "/home/u"));
    assertEquals(Path.of("/xdg/admm4j"), DatasetResolver.cacheRoot(null, "/xdg", "/home/u"));
    assertEquals(Path.of("/xdg/admm4j"), DatasetResolver.cacheRoot(" ", "/xdg", "/home/u"));
    assertEquals(Path.of("/home/u/.cache/admm4j"),
        DatasetResolver.cacheRoot(null, "relative", "/home/u"));
    assertEquals(Path.of("/home/u/.cache/admm4j"), DatasetResolver.cacheRoot(null, null, "/home/u"));
  }

  @Test
  void fetchPropertyFalseLeavesNoFetchers() {
    // Surefire runs this module with admm4j.fetch=false; the known datasets then have no fetchers.
    assertEquals("false", System.getProperty(DatasetResolver.FETCH_PROPERTY));
    DatasetResolver r = DatasetResolver.fromEnvironment();
    assertTrue(r.spec("mnist").sources().isEmpty());
    assertTrue(r.spec("fashion-mnist").sources().isEmpty());
    assertFalse(KnownDatasets.MNIST.sources().isEmpty());
  }

  private DatasetResolver resolver(Path cacheRoot, Path env, DatasetSource... sources) {
    return new DatasetResolver(cacheRoot, env, Map.of(TinyDataset.NAME, tiny.spec(List.of(sources))));
  }

  private static void assertSame(DatasetSplits expected, DatasetSplits actual) {
    assertArrayEquals(expected.train().pixels(), actual.train().pixels());
    assertArrayEquals(expected.train().labels(), actual.train().labels());
    assertArrayEquals(expected.test().pixels(), actual.test().pixels());
    assertArrayEquals(expected.test().labels(), actual.test().labels());
    assertEquals(TinyDataset.NAME, actual.train().name());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
