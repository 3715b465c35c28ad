package org.admm4j.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.admm4j.admm.allocation.AllocationMethod;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.TrainingSchedule;

/** Turns {@link ConfigSettings} into a {@link PruningConfig}, rejecting every bad value by name. */
public final class PruningConfigParser {

  private static final List<String> PHASES = List.of("dense", "admm", "retrain");
  private static final List<String> PHASE_KEYS = List.of("epochs", "optimizer", "lr", "momentum", "weight_decay", "schedule");
  private static final Set<String> OPTIMIZERS = Set.of("sgd", "adam");
  private static final Set<String> SCHEDULES = Set.of("constant", "step", "cosine");

  /** The global compression whose layer targets the run allocates ({@code --compression}). */
  public static final String COMPRESSION = "compression";

  /** Every key a configuration may hold, besides the {@code layers.<pattern>.keep|nonzeros} targets. */
  public static final Set<String> KEYS;

  static {
    Set<String> keys = new TreeSet<>(List.of("preset", "model", "dataset", "batch", "seed", "threads",
        "admm.iterations", "rho.initial", "rho.growth", "rho.max", "prune.support", "augment.shift", "augment.flip",
        "distill.weight",
        "distill.temperature", "distill.phases", COMPRESSION, "allocation.method", "allocation.floor",
        "allocation.images", "allocation.remeasure"));
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
      if (!KEYS.contains(key) && ConfigSettings.layerPattern(key) == null
          && ConfigSettings.structurePattern(key) == null && !ConfigSettings.isStageKey(key)
          && !QuantizationSettings.isKey(key)) {
        if (key.startsWith(ConfigSettings.LAYERS_PREFIX)) {
          throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): a layer setting must be "
              + "layers.<name or glob>.keep (a fraction in (0,1]), layers.<name or glob>.nonzeros (a count) or "
              + "layers.<name or glob>.structure (filter, channel, column or weight)");
        }
        throw new ConfigException("unknown setting '" + key + "' (" + s.origin(key) + "); known settings: "
            + String.join(", ", KEYS) + ", layers.<name>.keep, layers.<name>.nonzeros, layers.<name>.structure, stages,"
            + " stages.<n>.*");
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
    RhoSchedule rho = new RhoSchedule(rho0, growth, rhoMax);
    List<LayerRule> layers = layers();
    List<Stage> stages = stages(iterations, rho, retrain);
    for (LayerRule r : layers) {
      String key = ConfigSettings.LAYERS_PREFIX + r.pattern() + ConfigSettings.STRUCTURE_SUFFIX;
      if (r.structure().grouped() && !stages.isEmpty()) {
        throw new ConfigException(key + " = " + s.get(key) + " (" + s.origin(key) + "): structured pruning runs in one"
            + " stage, and this configuration has " + (stages.size() + 1) + " (stages.*)");
      }
    }
    AllocationTarget allocation = allocation();
    if (allocation != null && allocation.remeasure() && stages.isEmpty()) {
      throw new ConfigException("allocation.remeasure = true (" + s.origin("allocation.remeasure") + ") allocates each"
          + " later stage of a progressive run when it starts, but this run has one stage: set stages = 150x, 250x, …"
          + " or drop allocation.remeasure");
    }
    if (allocation != null) {
      double before = allocation.compression();
      for (int i = 0; i < stages.size(); i++) {
        Stage st = stages.get(i);
        String at = "stages." + (i + 2);
        if (st.compression() == 0) {
          throw new ConfigException(COMPRESSION + " = " + s.get(COMPRESSION) + " (" + s.origin(COMPRESSION) + ")"
              + " allocates every stage's layer targets, but " + at + " gives layer targets (" + st.describeTargets()
              + "; e.g. from the preset): give each further stage a compression instead (stages = 150x, 250x or "
              + at + ".compression), or drop the compression");
        }
        if (!(st.compression() > before)) {
          throw new ConfigException(at + ".compression = " + st.compression() + " must exceed the stage before's "
              + before + ": each stage keeps fewer weights than the one before");
        }
        before = st.compression();
      }
    }
    return new PruningConfig(new PrunePlan(preset, model, dataset, batch, seed, dense, iterations, admm,
        rho, support, retrain, layers, shift, flip, distillation(), stages)
        .withQuantization(QuantizationSettings.parse(s)), threads, allocation);
  }

  /** {@code compression} with {@code allocation.method|floor|images}, or null when no compression is set. */
  private AllocationTarget allocation() throws ConfigException {
    if (s.get(COMPRESSION) == null) {
      for (String k : new String[] {"allocation.method", "allocation.floor", "allocation.images",
          "allocation.remeasure"}) {
        if (s.get(k) != null) {
          throw new ConfigException(k + " = " + s.get(k) + " (" + s.origin(k) + ") needs " + COMPRESSION + " (--compression R)");
        }
      }
      return null;
    }
    double ratio = number(COMPRESSION);
    if (!(ratio > 1) || Double.isInfinite(ratio)) {
      throw bad(COMPRESSION, "a ratio above 1 (total conv and linear weights over those kept, e.g. 100)");
    }
    AllocationMethod method;
    try {
      method = s.get("allocation.method") == null ? AllocationMethod.SENSITIVITY
          : AllocationMethod.parse(s.get("allocation.method").trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad("allocation.method", "magnitude (one global magnitude threshold) or sensitivity (layers pruned one"
          + " at a time on held-back training images)");
    }
    double floor = AllocationTarget.DEFAULT_FLOOR;
    if (s.get("allocation.floor") != null) {
      floor = number("allocation.floor");
      if (!(floor > 0 && floor <= 1)) {
        throw bad("allocation.floor", "a fraction in (0, 1]: the least of each layer's weights kept");
      }
    }
    int images = s.get("allocation.images") == null ? AllocationTarget.DEFAULT_HELD_BACK
        : integer("allocation.images", 1, 1 << 24);
    return new AllocationTarget(ratio, method, floor, images, flag("allocation.remeasure"));
  }

  /**
   * Most stages a run may have, stage 1 included: each costs a schedule and a checkpointed phase list, and a
   * settings file of a few bytes must not ask for thousands (found by {@code ConfigResolverFuzzTest}).
   */
  public static final int MAX_STAGES = 16;

  /**
   * The further stages: {@code stages = 100x, 200x, 350x} (a compression per stage, stage 2 first) and/or
   * {@code stages.<n>.*} keys for stage n = 2, 3, …: {@code compression}, {@code layers.<p>.keep|nonzeros},
   * {@code admm.iterations}, {@code rho.initial|growth|max}, {@code retrain.<epochs, lr, …>}; what a stage
   * does not set it takes from the plan.
   */
  private List<Stage> stages(int planIterations, RhoSchedule planRho, TrainingSchedule planRetrain)
      throws ConfigException {
    java.util.TreeMap<Integer, String> compressions = new java.util.TreeMap<>();
    String list = s.get(ConfigSettings.STAGES);
    if (list != null && !list.isBlank()) {
      String[] items = list.split(",");
      for (int i = 0; i < items.length; i++) {
        compressions.put(i + 2, items[i].trim());
      }
    }
    java.util.TreeMap<Integer, List<String>> keys = new java.util.TreeMap<>();
    for (String key : s.values().keySet()) {
      if (!key.startsWith(ConfigSettings.STAGES + ".")) {
        continue;
      }
      String rest = key.substring(ConfigSettings.STAGES.length() + 1);
      int dot = rest.indexOf('.');
      int n;
      try {
        n = Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 2 || dot < 0) {
        throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): a stage setting is stages.<n>.<key>"
            + " with n = 2, 3, … (stage 1 is the plan's own targets and schedule)");
      }
      keys.computeIfAbsent(n, x -> new ArrayList<>()).add(key);
    }
    Set<Integer> numbers = new TreeSet<>(compressions.keySet());
    numbers.addAll(keys.keySet());
    if (numbers.size() + 1 > MAX_STAGES) {
      String key = list != null ? ConfigSettings.STAGES : keys.lastEntry().getValue().get(0);
      throw new ConfigException("setting '" + key + "' (" + s.origin(key) + ") gives " + (numbers.size() + 1)
          + " stages; at most " + MAX_STAGES + " are supported (progressive ADMM needs 3 to 5)");
    }
    List<Stage> stages = new ArrayList<>();
    int expected = 2;
    for (int n : numbers) {
      if (n != expected) {
        String key = keys.containsKey(n) ? keys.get(n).get(0) : ConfigSettings.STAGES;
        throw new ConfigException("setting '" + key + "' (" + s.origin(key) + ") is for stage " + n + ", but stage "
            + expected + " has no targets: stages are numbered 2, 3, … without gaps");
      }
      expected++;
      stages.add(stage(n, compressions.get(n), keys.getOrDefault(n, List.of()), planIterations, planRho,
          planRetrain));
    }
    return stages;
  }

  private Stage stage(int n, String fromList, List<String> keys, int planIterations, RhoSchedule planRho,
      TrainingSchedule planRetrain) throws ConfigException {
    String prefix = ConfigSettings.STAGES + "." + n + ".";
    double compression = 0;
    String compressionKey = prefix + "compression";
    if (fromList != null && s.get(compressionKey) != null) {
      throw new ConfigException("stage " + n + " has a compression both in stages (" + s.origin(ConfigSettings.STAGES)
          + ") and in " + compressionKey + " (" + s.origin(compressionKey) + "): give it once");
    }
    if (fromList != null) {
      compression = compressionFactor(ConfigSettings.STAGES, fromList);
    } else if (s.get(compressionKey) != null) {
      compression = compressionFactor(compressionKey, s.get(compressionKey));
    }
    List<LayerRule> rules = new ArrayList<>();
    Set<String> known = new TreeSet<>(List.of("compression", "admm.iterations", "rho.initial", "rho.growth",
        "rho.max"));
    for (String k : PHASE_KEYS) {
      known.add("retrain." + k);
    }
    for (String key : keys) {
      String rest = key.substring(prefix.length());
      if (ConfigSettings.structurePattern(rest) != null) {
        throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): structured pruning runs in one stage;"
            + " give layers.<name>.structure without stages");
      }
      String pattern = ConfigSettings.layerPattern(rest);
      if (pattern != null) {
        rules.add(layerRule(key, pattern));
      } else if (!known.contains(rest)) {
        throw new ConfigException("unknown setting '" + key + "' (" + s.origin(key) + "); a stage takes "
            + String.join(", ", known) + ", layers.<name>.keep, layers.<name>.nonzeros");
      }
    }
    if (rules.isEmpty() == (compression == 0)) {
      throw new ConfigException("stage " + n + (rules.isEmpty()
          ? " has no targets: give " + compressionKey + " (e.g. 200x), an entry in stages, or " + prefix
              + "layers.<name>.keep|nonzeros"
          : " has both a compression and layer targets (" + prefix + "layers.*): give one of them"));
    }
    int iterations = s.get(prefix + "admm.iterations") == null ? planIterations
        : integer(prefix + "admm.iterations", 1, 100_000);
    double rho0 = s.get(prefix + "rho.initial") == null ? planRho.initial() : number(prefix + "rho.initial");
    if (!(rho0 > 0) || Double.isInfinite(rho0)) {
      throw bad(prefix + "rho.initial", "a positive number (the ADMM penalty ρ must be > 0)");
    }
    double growth = s.get(prefix + "rho.growth") == null ? planRho.growth() : number(prefix + "rho.growth");
    if (!(growth >= 1) || Double.isInfinite(growth)) {
      throw bad(prefix + "rho.growth", "a factor ≥ 1 (ρ is multiplied by it every iteration)");
    }
    double rhoMax = s.get(prefix + "rho.max") == null ? Math.max(planRho.max(), rho0) : number(prefix + "rho.max");
    if (!(rhoMax >= rho0) || Double.isInfinite(rhoMax)) {
      throw bad(prefix + "rho.max", "a cap ≥ the stage's rho.initial (" + rho0 + ")");
    }
    TrainingSchedule r = planRetrain;
    String rp = prefix + "retrain.";
    int epochs = s.get(rp + "epochs") == null ? r.epochs() : integer(rp + "epochs", 0, 100_000);
    String optimizer = s.get(rp + "optimizer") == null ? r.optimizer() : required(rp + "optimizer").toLowerCase(Locale.ROOT);
    if (!OPTIMIZERS.contains(optimizer)) {
      throw bad(rp + "optimizer", "one of " + new TreeSet<>(OPTIMIZERS));
    }
    double lr = s.get(rp + "lr") == null ? r.lr() : number(rp + "lr");
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw bad(rp + "lr", "a positive learning rate");
    }
    double momentum = s.get(rp + "momentum") == null ? r.momentum() : number(rp + "momentum");
    if (!(momentum >= 0 && momentum < 1)) {
      throw bad(rp + "momentum", "a value in [0, 1)");
    }
    double wd = s.get(rp + "weight_decay") == null ? r.weightDecay() : number(rp + "weight_decay");
    if (!(wd >= 0) || Double.isInfinite(wd)) {
      throw bad(rp + "weight_decay", "a value ≥ 0");
    }
    String schedule = s.get(rp + "schedule") == null ? r.schedule() : required(rp + "schedule").toLowerCase(Locale.ROOT);
    if (!SCHEDULES.contains(schedule)) {
      throw bad(rp + "schedule", "one of " + new TreeSet<>(SCHEDULES));
    }
    return new Stage(rules, compression, iterations, new RhoSchedule(rho0, growth, rhoMax),
        new TrainingSchedule(epochs, optimizer, (float) lr, (float) momentum, (float) wd, schedule));
  }

  /** {@code 350x} or {@code 350}: a compression factor > 1. */
  private double compressionFactor(String key, String value) throws ConfigException {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("x")) {
      v = v.substring(0, v.length() - 1).trim();
    }
    double f;
    try {
      f = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      f = Double.NaN;
    }
    if (!(f > 1) || Double.isInfinite(f)) {
      throw new ConfigException(key + " = " + s.get(key) + " (" + s.origin(key) + ") is invalid: '" + value.trim()
          + "' is not a compression factor: expected a number > 1, optionally with x (e.g. 200x)");
    }
    return f;
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

  /**
   * The plan's layer rules, in the order of their keep/nonzeros keys; a {@code layers.<p>.structure} joins
   * the target of the same pattern p (under filter, channel or column, keep is the fraction of those kept).
   */
  private List<LayerRule> layers() throws ConfigException {
    java.util.LinkedHashMap<String, LayerRule> rules = new java.util.LinkedHashMap<>();
    for (String key : s.layerKeys()) {
      if (QuantizationSettings.isKey(key)) {
        continue;
      }
      if (ConfigSettings.structurePattern(key) == null) {
        rules.put(ConfigSettings.layerPattern(key), layerRule(key, ConfigSettings.layerPattern(key)));
      }
    }
    for (String key : s.layerKeys()) {
      String pattern = ConfigSettings.structurePattern(key);
      if (pattern == null) {
        continue;
      }
      LayerStructure structure = LayerStructure.parse(required(key));
      if (structure == null) {
        throw bad(key, "filter (whole output channels), channel (input channels), column (input channel × tap)"
            + " or weight (single weights, the default)");
      }
      LayerRule rule = rules.get(pattern);
      if (rule == null) {
        throw new ConfigException(key + " = " + s.get(key) + " (" + s.origin(key) + ") has no target: give "
            + ConfigSettings.LAYERS_PREFIX + pattern + ConfigSettings.KEEP_SUFFIX + " beside it (under "
            + structure.setting() + ", the fraction of its " + structure.plural() + " kept)");
      }
      if (structure.grouped() && rule.nonzeros() >= 0) {
        String count = ConfigSettings.LAYERS_PREFIX + pattern + ConfigSettings.NONZEROS_SUFFIX;
        throw new ConfigException(key + " = " + s.get(key) + " (" + s.origin(key) + ") cannot go with " + count + " ("
            + s.origin(count) + "): a structured layer's target is " + ConfigSettings.LAYERS_PREFIX + pattern
            + ConfigSettings.KEEP_SUFFIX + ", the fraction of its " + structure.plural() + " kept");
      }
      rules.put(pattern, rule.withStructure(structure));
    }
    return new ArrayList<>(rules.values());
  }

  /** The rule of a {@code [stages.<n>.]layers.<pattern>.keep|nonzeros} key. */
  private LayerRule layerRule(String key, String pattern) throws ConfigException {
    if (pattern.isEmpty()) {
      throw new ConfigException("setting '" + key + "' (" + s.origin(key) + "): the layer name is empty");
    }
    if (key.endsWith(ConfigSettings.KEEP_SUFFIX)) {
      double keep = number(key);
      if (!(keep > 0 && keep <= 1)) {
        throw bad(key, "a keep fraction in (0, 1] (1 leaves the layer dense)");
      }
      return LayerRule.keep(pattern, keep);
    }
    long count = longValue(key);
    if (count < 1) {
      throw bad(key, "a number of non-zero weights ≥ 1");
    }
    return LayerRule.nonzeros(pattern, count);
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
