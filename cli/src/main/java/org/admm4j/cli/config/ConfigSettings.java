package org.admm4j.cli.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flat configuration settings ({@code rho.initial = 0.001}, {@code layers.fc1.keep = 0.015}) with the
 * place each value came from, so that a validation message can say "from config.json".
 */
public final class ConfigSettings {

  /** Prefix of per-layer targets: {@code layers.<name or glob>.keep} / {@code .nonzeros}. */
  public static final String LAYERS_PREFIX = "layers.";
  public static final String KEEP_SUFFIX = ".keep";
  public static final String NONZEROS_SUFFIX = ".nonzeros";
  /** What a layer's pruning removes: {@code layers.<name or glob>.structure = filter | channel | column | weight}. */
  public static final String STRUCTURE_SUFFIX = ".structure";
  /** The further stages of a progressive run: {@code stages} (the short list) and {@code stages.<n>.*}. */
  public static final String STAGES = "stages";

  private final LinkedHashMap<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();

  /** The settings {@code values} (e.g. {@link PruningConfig#toSettings}), each from {@code origin}. */
  public static ConfigSettings of(Map<String, String> values, String origin) {
    ConfigSettings cs = new ConfigSettings();
    values.forEach((k, v) -> cs.put(k, v, origin));
    return cs;
  }

  /** Sets {@code key} to {@code value}; a keep and a non-zero count for the same layer replace each other. */
  public ConfigSettings put(String key, String value, String origin) {
    String pattern = layerPattern(key);
    if (pattern != null) {
      String other = key.endsWith(KEEP_SUFFIX) ? LAYERS_PREFIX + pattern + NONZEROS_SUFFIX
          : LAYERS_PREFIX + pattern + KEEP_SUFFIX;
      values.remove(other);
      origins.remove(other);
    }
    values.remove(key);
    values.put(key, value);
    origins.put(key, origin);
    return this;
  }

  /** Removes every layer target that came from {@code origin}. */
  public void removeLayerTargets(String origin) {
    for (String key : layerKeys()) {
      if (origin.equals(origins.get(key))) {
        values.remove(key);
        origins.remove(key);
      }
    }
  }

  /**
   * Lays {@code over}'s settings over these; when {@code replaceLayers} and over has layer targets, these lose
   * theirs. Stage targets come from one place too: when over gives any ({@code stages},
   * {@code stages.<n>.compression} or {@code stages.<n>.layers.*}), these lose every stage setting; a stage's
   * schedule keys alone ({@code stages.3.retrain.epochs}) are merged per key.
   */
  public ConfigSettings overlay(ConfigSettings over, boolean replaceLayers) {
    if (over.values.keySet().stream().anyMatch(ConfigSettings::isStageTargetKey)) {
      for (String key : new ArrayList<>(values.keySet())) {
        if (isStageKey(key)) {
          values.remove(key);
          origins.remove(key);
        }
      }
    }
    if (replaceLayers && over.hasLayerTargets()) {
      // quantization keys (layers.<p>.bits) stay unless over gives some of its own
      boolean quantization = over.values.keySet().stream().anyMatch(QuantizationSettings::isKey);
      for (String key : new ArrayList<>(values.keySet())) {
        if (key.startsWith(LAYERS_PREFIX) && (quantization || !QuantizationSettings.isKey(key))) {
          values.remove(key);
          origins.remove(key);
        }
      }
    }
    for (Map.Entry<String, String> e : over.values.entrySet()) {
      put(e.getKey(), e.getValue(), over.origins.get(e.getKey()));
    }
    return this;
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    return values.get(key);
  }

  /** Where {@code key}'s value came from, e.g. {@code "preset lenet5-40x"} or {@code "--set"}. */
  public String origin(String key) {
    return origins.getOrDefault(key, "defaults");
  }

  /** All settings, in insertion order. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }

  /**
   * Whether any layer target ({@code layers.*.keep|nonzeros}) is present; a structure alone is not a target,
   * so {@code --structure} laid over a preset keeps the preset's targets.
   */
  public boolean hasLayerTargets() {
    for (String key : values.keySet()) {
      if (key.startsWith(LAYERS_PREFIX) && structurePattern(key) == null && !QuantizationSettings.isKey(key)) {
        return true;
      }
    }
    return false;
  }

  /** The layer keys, in order. */
  public List<String> layerKeys() {
    List<String> keys = new ArrayList<>();
    for (String key : values.keySet()) {
      if (key.startsWith(LAYERS_PREFIX)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Whether {@code key} is {@code stages} or a {@code stages.<n>.*} setting. */
  public static boolean isStageKey(String key) {
    return key.equals(STAGES) || key.startsWith(STAGES + ".");
  }

  /** Whether {@code key} gives a stage's targets: {@code stages}, {@code stages.<n>.compression|layers.*}. */
  static boolean isStageTargetKey(String key) {
    if (key.equals(STAGES)) {
      return true;
    }
    if (!key.startsWith(STAGES + ".")) {
      return false;
    }
    String rest = key.substring(STAGES.length() + 1);
    int dot = rest.indexOf('.');
    String field = dot < 0 ? "" : rest.substring(dot + 1);
    return field.equals("compression") || field.startsWith(LAYERS_PREFIX);
  }

  /** The layer pattern of a {@code layers.<pattern>.structure} key, or null for other keys. */
  public static String structurePattern(String key) {
    // "layers.structure" starts with the prefix and ends with the suffix that overlap in it: no pattern.
    if (!key.startsWith(LAYERS_PREFIX) || !key.endsWith(STRUCTURE_SUFFIX)
        || key.length() <= LAYERS_PREFIX.length() + STRUCTURE_SUFFIX.length()) {
      return null;
    }
    return key.substring(LAYERS_PREFIX.length(), key.length() - STRUCTURE_SUFFIX.length());
  }

  /** The layer pattern of a {@code layers.<pattern>.keep|nonzeros} key, or null for other keys. */
  public static String layerPattern(String key) {
    if (!key.startsWith(LAYERS_PREFIX)) {
      return null;
    }
    String rest = key.substring(LAYERS_PREFIX.length());
    if (rest.endsWith(KEEP_SUFFIX)) {
      return rest.substring(0, rest.length() - KEEP_SUFFIX.length());
    }
    if (rest.endsWith(NONZEROS_SUFFIX)) {
      return rest.substring(0, rest.length() - NONZEROS_SUFFIX.length());
    }
    return null;
  }
}
