package org.admm4j.kernels.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The SGEMM tile height and blocking this JVM uses, chosen once before the first product: an explicit
 * {@code -Dadmm4j.gemm.mr} / {@code -Dadmm4j.gemm.kc} / {@code -Dadmm4j.gemm.mc} (mc rounded up to a multiple of
 * the tile height), else the choice {@code admm4j tune} measured and cached for this machine
 * ({@link #cacheFile}: keyed by CPU model, vector width and JDK feature release), else the defaults. {@code -Dadmm4j.tuning=off} ignores the cache (the tests run so: same bits on every
 * machine of a vector width).
 *
 * <p>There is no calibration on first use: a choice made from one noisy timing would make a run's bits
 * depend on what else the machine was doing when the JVM started. Measuring is an explicit step
 * ({@link GemmTuner}), its result a file the user can read, keep or delete.
 */
public final class GemmTuning {

  /**
   * One choice: rows of the register tile ({@code mr}, also the packed A panels' height), K slice and rows of
   * A per packed block. The tile rows do not change any sum (each C element still adds its K products in the
   * same order), the K slice does.
   */
  public record Choice(int mr, int kc, int mc) {
    public Choice {
      if (!TILE_ROWS.contains(mr)) {
        throw new IllegalArgumentException("mr = " + mr + ": one of " + TILE_ROWS + " expected");
      }
      if (kc < 1 || mc < mr || mc % mr != 0) {
        throw new IllegalArgumentException("kc = " + kc + ", mc = " + mc + ": kc ≥ 1 and mc a positive multiple of "
            + mr + " expected");
      }
    }

    @Override
    public String toString() {
      return "mr " + mr + ", kc " + kc + ", mc " + mc;
    }
  }

  /** Register tile heights the Panama GEMM has micro-kernels for. */
  public static final List<Integer> TILE_ROWS = List.of(6, 8);

  /** K slice and A block of a machine nobody tuned: measured best on the Intel Xeon and Zen 4 machines seen. */
  private static final int DEFAULT_KC = 256, DEFAULT_MC = 96;

  /** The choice of a machine nobody tuned: {@link #defaultTileRows()} and the default blocking. */
  public static final Choice DEFAULT = new Choice(defaultTileRows(), DEFAULT_KC, DEFAULT_MC);

  /**
   * What the tuner tries: both tile heights, K slices around L1's B panel, A blocks around L2 (every
   * {@code mc} here is a multiple of every tile height).
   */
  public static final List<Choice> CANDIDATES = candidates();

  private static List<Choice> candidates() {
    int[][] blockings = {{128, 96}, {192, 96}, {DEFAULT_KC, DEFAULT_MC}, {384, 96}, {512, 96}, {256, 48}, {256, 144},
        {256, 192}, {384, 144}};
    List<Choice> list = new java.util.ArrayList<>();
    for (int mr : TILE_ROWS) {
      for (int[] b : blockings) {
        list.add(new Choice(mr, b[0], b[1]));
      }
    }
    return List.copyOf(list);
  }

  /**
   * The tile height for this machine's vector registers: an 8×2-vector tile holds 16 accumulators and needs 3
   * more registers for the loads and the broadcast, which fits 32 registers (AVX-512, NEON, SVE) but spills
   * on x86 without AVX-512 (16 registers), where 6 rows (12 accumulators) fit.
   */
  static int defaultTileRows() {
    try {
      return PanamaConstants.VECTOR_REGISTERS >= 32 ? 8 : 6;
    } catch (LinkageError e) {
      // no Vector API in this JVM: the Panama GEMM is not used, any valid height will do
      return 8;
    }
  }

  /** Where the choice in effect came from. */
  public enum Source {
    DEFAULT, CACHE, PROPERTIES
  }

  private static final String MR_PROPERTY = "admm4j.gemm.mr";
  private static final String KC_PROPERTY = "admm4j.gemm.kc";
  private static final String MC_PROPERTY = "admm4j.gemm.mc";

  private static volatile Source source = Source.DEFAULT;
  private static volatile String note = "";

  private GemmTuning() {}

  /** The choice for this JVM (read once, by {@link GemmBlocking}'s initialisation). */
  static Choice resolve() {
    Integer mr = Integer.getInteger(MR_PROPERTY);
    Integer kc = Integer.getInteger(KC_PROPERTY), mc = Integer.getInteger(MC_PROPERTY);
    if (mr != null || kc != null || mc != null) {
      source = Source.PROPERTIES;
      int rows = mr != null && TILE_ROWS.contains(mr) ? mr : DEFAULT.mr();
      int k = kc != null && kc > 0 ? kc : DEFAULT.kc();
      int m = mc != null && mc > 0 ? (mc + rows - 1) / rows * rows : DEFAULT.mc();
      return new Choice(rows, k, m);
    }
    if ("off".equals(System.getProperty("admm4j.tuning"))) {
      note = "tuning cache off (-Dadmm4j.tuning=off)";
      return DEFAULT;
    }
    Path file = cacheFile();
    if (!Files.isRegularFile(file)) {
      note = "no tuning for this machine (admm4j tune measures one)";
      return DEFAULT;
    }
    try {
      Choice c = read(file);
      source = Source.CACHE;
      note = "tuned, " + file;
      return c;
    } catch (IOException | IllegalArgumentException e) {
      // a broken cache must not stop a run: the defaults are always correct, only maybe slower
      KernelProvider.LOG.warning("ignoring " + file + ": " + e.getMessage());
      note = "ignored a broken " + file;
      return DEFAULT;
    }
  }

  /** Where the active choice came from, and why. */
  public static Source source() {
    GemmBlocking.touch();
    return source;
  }

  /** A line for {@code admm4j info}: the choice and its origin. */
  public static String describe() {
    GemmBlocking.touch();
    return "gemm " + new Choice(GemmBlocking.MR, GemmBlocking.KC, GemmBlocking.MC) + " (" + switch (source) {
      case PROPERTIES -> "-Dadmm4j.gemm.* properties";
      case CACHE, DEFAULT -> note;
    } + ")";
  }

  /** This machine's key: CPU model, family and model numbers, vector width, JDK feature release. */
  public static String machineKey() {
    String cpu = System.getProperty("os.arch");
    Path info = Path.of("/proc/cpuinfo");
    if (Files.isReadable(info)) {
      String name = null, family = null, model = null;
      try {
        for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            if (name != null) {
              break; // the first processor's block is enough
            }
            continue;
          }
          String k = line.substring(0, colon).trim(), v = line.substring(colon + 1).trim();
          switch (k) {
            case "model name", "CPU part" -> name = name == null ? v : name;
            case "cpu family", "CPU architecture" -> family = family == null ? v : family;
            case "model", "CPU variant" -> model = model == null ? v : model;
            default -> { }
          }
        }
      } catch (IOException e) {
        // the architecture alone still separates the machines that matter most
      }
      if (name != null) {
        cpu = name + " f" + family + " m" + model;
      }
    }
    return cpu + " " + KernelProvider.getInstance().vectorBitSize() + "-bit jdk" + Runtime.version().feature();
  }

  /** The cache file of this machine: {@code $XDG_CACHE_HOME/admm4j/tuning/} (or ~/.cache/...), {@code -Dadmm4j.tuning.dir}. */
  public static Path cacheFile() {
    String dir = System.getProperty("admm4j.tuning.dir");
    Path base;
    if (dir != null) {
      base = Path.of(dir);
    } else {
      String xdg = System.getenv("XDG_CACHE_HOME");
      base = (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
          .resolve("admm4j").resolve("tuning");
    }
    String name = machineKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return base.resolve("gemm-" + name + ".properties");
  }

  /**
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the key when a value is missing or not a valid choice
   */
  static Choice read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    // files written before the tile height was tuned have no mr: this machine's default then
    int mr = p.getProperty("mr") == null ? DEFAULT.mr() : positive(p, "mr");
    return new Choice(mr, positive(p, "kc"), positive(p, "mc"));
  }

  private static int positive(Properties p, String key) {
    String v = p.getProperty(key);
    try {
      int x = Integer.parseInt(v == null ? "" : v.trim());
      if (x > 0 && x <= 1 << 16) {
        return x;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw new IllegalArgumentException("'" + key + "' = " + v + ": expected an integer in 1..65536");
  }

  /** Writes {@code choice} with its evidence to {@code file} atomically (beside, then moved over). */
  static void write(Path file, Choice choice, String evidence) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write("# admm4j SGEMM blocking for " + machineKey() + ", measured by admm4j tune\n");
        for (String line : evidence.split("\n")) {
          w.write("# " + line + "\n");
        }
        w.write("mr=" + choice.mr() + "\nkc=" + choice.kc() + "\nmc=" + choice.mc() + "\n");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
