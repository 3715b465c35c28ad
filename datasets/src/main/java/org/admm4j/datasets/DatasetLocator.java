package org.admm4j.datasets;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Resolves a dataset argument as the command line writes it:
 * <ul>
 *   <li>{@code mnist}, {@code fashion-mnist}: through {@link DatasetResolver} (data directory,
 *       {@code ADMM4J_DATA}, cache, fetchers), with their usual normalisation constants;
 *   <li>{@code npy:DIR} ({@link NpyReader}), {@code cifar10:DIR} ({@link Cifar10Reader}),
 *       {@code folder:DIR} ({@link ImageFolderReader}): the user's own files; {@code DIR} is used
 *       as given (relative to the working directory), the data directory plays no part;
 *   <li>{@code synthetic}: {@link SyntheticDataset}, 28×28, 10 classes, {@value #SYNTHETIC_TRAIN}
 *       train and {@value #SYNTHETIC_TEST} test images, seed {@value #SYNTHETIC_SEED}, as the
 *       commands generate it (for tests and smoke runs).
 * </ul>
 */
public final class DatasetLocator {
  /** Synthetic split sizes and seed: the same as the commands' "synthetic". */
  public static final int SYNTHETIC_TRAIN = 2048;
  public static final int SYNTHETIC_TEST = 512;
  public static final long SYNTHETIC_SEED = 7;

  /** The accepted forms, as an error message lists them. */
  public static final List<String> FORMS = List.of("mnist", "fashion-mnist", "npy:DIR",
      "cifar10:DIR", "folder:DIR", "synthetic");

  private final DatasetResolver resolver;

  /** A locator resolving named datasets with {@code resolver} (tests inject one without fetchers). */
  public DatasetLocator(DatasetResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /**
   * Loads {@code ref} with {@link DatasetResolver#fromEnvironment()} for the named datasets.
   *
   * @param ref e.g. "mnist", "npy:/data/mine", "cifar10:~/cifar" (no ~ expansion: the shell does it)
   * @param dataDir the user's {@code --data} directory for mnist and fashion-mnist, or null
   * @param log receives one line per step; may be null
   * @throws DatasetException for an unknown form (listing the accepted ones) or unreadable data
   */
  public static TrainTestSplit load(String ref, Path dataDir, Consumer<String> log)
      throws DatasetException {
    return new DatasetLocator(DatasetResolver.fromEnvironment()).open(ref, dataDir, log);
  }

  /** Instance form of {@link #load}. */
  public TrainTestSplit open(String ref, Path dataDir, Consumer<String> log)
      throws DatasetException {
    Consumer<String> out = log != null ? log : line -> {};
    String r = ref == null ? "" : ref.strip();
    if (r.equals("synthetic")) {
      DatasetSplits s = SyntheticDataset.generate(SYNTHETIC_TRAIN, SYNTHETIC_TEST, 28, 28, 10,
          SYNTHETIC_SEED);
      Dataset train = s.train().asDataset(10);
      return new TrainTestSplit(train, s.test().asDataset(10), ChannelNormalization.of(train));
    }
    if (DatasetResolver.names().contains(r)) {
      return TrainTestSplit.of(resolver.load(r, dataDir, out));
    }
    int colon = r.indexOf(':');
    String form = colon < 0 ? r : r.substring(0, colon);
    String dir = colon < 0 ? "" : r.substring(colon + 1);
    if (colon > 0 && List.of("npy", "cifar10", "folder").contains(form)) {
      if (dir.isEmpty()) {
        throw new DatasetException("dataset '" + ref + "': expected a directory after '" + form
            + ":', e.g. " + form + ":/path/to/data");
      }
      Path path = Path.of(dir);
      TrainTestSplit split = switch (form) {
        case "npy" -> NpyReader.read(path);
        case "cifar10" -> Cifar10Reader.read(path);
        default -> ImageFolderReader.read(path);
      };
      out.accept(form + ": " + split.train().size() + " train and " + split.test().size()
          + " test samples of " + InMemoryDataset.shapeText(split.train().sampleShape()) + ", "
          + split.train().classes() + " classes, from " + path);
      return split;
    }
    throw new DatasetException("dataset: expected one of " + String.join(", ", FORMS)
        + ", found '" + ref + "'");
  }
}
