package org.admm4j.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.TrainingSchedule;

/** Turns {@link ConfigSettings} into a {@link PruningConfig}, rejecting every bad value by name. */
public final class PruningConfigParser {

  private static final List<String> PHASES = List.of("dense", "admm", "retrain");
  private static final List<String> PHASE_KEYS = List.of("epochs", "optimizer", "lr", "momentum", "weight_decay", "schedule");
  private static final Set<String> OPTIMIZERS = Set.of("sgd", "adam");
  private static final Set<String> SCHEDULES = Set.of("constant", "step", "cosine");

  /** Every key a configuration may hold, besides the {@code layers.<pattern>.keep|nonzeros} targets. */
  public static final Set<String> KEYS;

  static {
    Set<String> keys = new TreeSet<>(List.of("preset", "model", "dataset", "batch", "seed", "threads",
        "admm.iterations", "rho.initial", "rho.growth", "rho.max", "prune.support", "augment.shift", "augment.flip",
        "distill.weight",
        "distill.temperature", "distill.phases"));
    for (String phase : PHASES) {
      for (String k : PHASE_KEYS) {
        keys.add(phase + "." + k);
      }
    }
    KEYS = java.util.Collections.unmodifiableSet(keys);
  }

  private final ConfigSettings s;

  private PruningConfigParser(ConfigSettings s) {
    this.s = s;
  }

  /**
   * Validates and converts.
   *
   * @throws ConfigException naming the first bad setting, its value, where it came from and what is expected
   */
  public static PruningConfig parse(ConfigSettings settings) throws ConfigException {
    return new PruningConfigParser(settings).parse();
  }

  private PruningConfig parse() throws ConfigException {
    for (String key : s.values().keySet()) {
      if (!KEYS.contains(key) && ConfigSettings.layerPattern(key) == null) {
        if (key.startsWith(ConfigSettings.LAYERS_PREFIX)) {
          throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): a layer target must be "
              + "layers.<name or glob>.keep (a fraction in (0,1]) or layers.<name or glob>.nonzeros (a count)");
        }
        throw new ConfigException("unknown setting '" + key + "' (" + s.origin(key) + "); known settings: "
            + String.join(", ", KEYS) + ", layers.<name>.keep, layers.<name>.nonzeros");
      }
    }
    String preset = string("preset");
    String model = string("model");
    String dataset = string("dataset");
    int batch = integer("batch", 1, 1 << 16);
    long seed = longValue("seed");
    int threads = "auto".equals(required("threads"))
        ? Runtime.getRuntime().availableProcessors() : integer("threads", 1, 4096);
    TrainingSchedule dense = schedule("dense", 0);
    int iterations = integer("admm.iterations", 1, 100_000);
    TrainingSchedule admm = schedule("admm", 1);
    double rho0 = number("rho.initial");
    if (!(rho0 > 0) || Double.isInfinite(rho0)) {
      throw bad("rho.initial", "a positive number (the ADMM penalty ρ must be > 0)");
    }
    double growth = number("rho.growth");
    if (!(growth >= 1) || Double.isInfinite(growth)) {
      throw bad("rho.growth", "a factor ≥ 1 (ρ is multiplied by it every iteration)");
    }
    double rhoMax = number("rho.max");
    if (!(rhoMax >= rho0) || Double.isInfinite(rhoMax)) {
      throw bad("rho.max", "a cap ≥ rho.initial (" + rho0 + ")");
    }
    HardPruneSupport support;
    String sup = required("prune.support").toLowerCase(Locale.ROOT);
    if (sup.equals("z")) {
      support = HardPruneSupport.Z;
    } else if (sup.equals("w")) {
      support = HardPruneSupport.W;
    } else {
      throw bad("prune.support", "z (keep Z's support) or w (keep the top-k of W)");
    }
    TrainingSchedule retrain = schedule("retrain", 0);
    // settings added after the first release: absent (an older checkpoint's configuration) means off
    int shift = s.get("augment.shift") == null ? 0 : integer("augment.shift", 0, 8);
    boolean flip = flag("augment.flip");
    return new PruningConfig(new PrunePlan(preset, model, dataset, batch, seed, dense, iterations, admm,
        new RhoSchedule(rho0, growth, rhoMax), support, retrain, layers(), shift, flip, distillation()), threads);
  }

  /** An optional true/false setting, false when absent. */
  private boolean flag(String key) throws ConfigException {
    String v = s.get(key);
    if (v == null) {
      return false;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw bad(key, "true or false");
    }
  }

  private Distillation distillation() throws ConfigException {
    if (s.get("distill.weight") == null) {
      return Distillation.NONE;
    }
    double weight = number("distill.weight");
    if (!(weight >= 0 && weight <= 1)) {
      throw bad("distill.weight", "a weight in [0, 1] for the dense model's soft targets (0 = off)");
    }
    double t = s.get("distill.temperature") == null ? 4 : number("distill.temperature");
    if (!(t > 0) || Double.isInfinite(t)) {
      throw bad("distill.temperature", "a positive temperature");
    }
    boolean admm = false;
    boolean retrain = false;
    String phases = s.get("distill.phases") == null ? "retrain" : required("distill.phases");
    for (String p : phases.toLowerCase(Locale.ROOT).split(",")) {
      switch (p.trim()) {
        case "admm" -> admm = true;
        case "retrain" -> retrain = true;
        case "none" -> { }
        default -> throw bad("distill.phases", "a comma-separated list of admm and retrain (or none)");
      }
    }
    return new Distillation((float) weight, (float) t, admm, retrain);
  }

  private List<LayerRule> layers() throws ConfigException {
    List<LayerRule> rules = new ArrayList<>();
    for (String key : s.layerKeys()) {
      String pattern = ConfigSettings.layerPattern(key);
      if (pattern.isEmpty()) {
        throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): the layer name is empty");
      }
      if (key.endsWith(ConfigSettings.KEEP_SUFFIX)) {
        double keep = number(key);
        if (!(keep > 0 && keep <= 1)) {
          throw bad(key, "a keep fraction in (0, 1] (1 leaves the layer dense)");
        }
        rules.add(LayerRule.keep(pattern, keep));
      } else {
        long count = longValue(key);
        if (count < 1) {
          throw bad(key, "a number of non-zero weights ≥ 1");
        }
        rules.add(LayerRule.nonzeros(pattern, count));
      }
    }
    return rules;
  }

  private TrainingSchedule schedule(String phase, int minEpochs) throws ConfigException {
    int epochs = integer(phase + ".epochs", minEpochs, 100_000);
    String optimizer = required(phase + ".optimizer").toLowerCase(Locale.ROOT);
    if (!OPTIMIZERS.contains(optimizer)) {
      throw bad(phase + ".optimizer", "one of " + new TreeSet<>(OPTIMIZERS));
    }
    double lr = number(phase + ".lr");
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw bad(phase + ".lr", "a positive learning rate");
    }
    double momentum = number(phase + ".momentum");
    if (!(momentum >= 0 && momentum < 1)) {
      throw bad(phase + ".momentum", "a value in [0, 1)");
    }
    double wd = number(phase + ".weight_decay");
    if (!(wd >= 0) || Double.isInfinite(wd)) {
      throw bad(phase + ".weight_decay", "a value ≥ 0");
    }
    String schedule = required(phase + ".schedule").toLowerCase(Locale.ROOT);
    if (!SCHEDULES.contains(schedule)) {
      throw bad(phase + ".schedule", "one of " + new TreeSet<>(SCHEDULES));
    }
    return new TrainingSchedule(epochs, optimizer, (float) lr, (float) momentum, (float) wd, schedule);
  }

  private String required(String key) throws ConfigException {
    String v = s.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException("setting '" + key + "' is missing");
    }
    return v.trim();
  }

  private String string(String key) throws ConfigException {
    return required(key);
  }

  private double number(String key) throws ConfigException {
    String v = required(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(key, "a number");
    }
  }

  private long longValue(String key) throws ConfigException {
    String v = required(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(key, "an integer");
    }
  }

  private int integer(String key, int min, int max) throws ConfigException {
    String v = required(key);
    long x;
    try {
      x = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(key, "an integer in [" + min + ", " + max + "]");
    }
    if (x < min || x > max) {
      throw bad(key, "an integer in [" + min + ", " + max + "]");
    }
    return (int) x;
  }

  private ConfigException bad(String key, String expected) {
    return new ConfigException(key + " = " + s.get(key) + " (" + s.origin(key) + ") is invalid: expected " + expected);
  }
}
