package org.admm4j.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.quant.QuantizationMode;

/**
 * The quantization settings: {@code layers.<name or glob>.bits = 2..8} and, optionally,
 * {@code layers.<name or glob>.quantizer = codebook|uniform} (default codebook) for the same pattern.
 */
final class QuantizationSettings {

  static final String BITS_SUFFIX = ".bits";
  static final String QUANTIZER_SUFFIX = ".quantizer";

  private QuantizationSettings() {}

  /** Whether {@code key} is a {@code layers.<p>.bits} or {@code layers.<p>.quantizer} key. */
  static boolean isKey(String key) {
    int prefix = ConfigSettings.LAYERS_PREFIX.length();
    return key.startsWith(ConfigSettings.LAYERS_PREFIX)
        && (key.endsWith(BITS_SUFFIX) && key.length() >= prefix + BITS_SUFFIX.length()
            || key.endsWith(QUANTIZER_SUFFIX) && key.length() >= prefix + QUANTIZER_SUFFIX.length());
  }

  static List<QuantizationRule> parse(ConfigSettings s) throws ConfigException {
    Set<String> patterns = new LinkedHashSet<>();
    for (String key : s.layerKeys()) {
      if (key.endsWith(BITS_SUFFIX)) {
        patterns.add(pattern(key, BITS_SUFFIX));
      } else if (key.endsWith(QUANTIZER_SUFFIX) && !s.values().containsKey(
          ConfigSettings.LAYERS_PREFIX + pattern(key, QUANTIZER_SUFFIX) + BITS_SUFFIX)) {
        throw new ConfigException("setting '" + key + "' (" + s.origin(key) + ") has no layers."
            + pattern(key, QUANTIZER_SUFFIX) + ".bits beside it: give the bits of that layer pattern too");
      }
    }
    List<QuantizationRule> rules = new ArrayList<>();
    for (String p : patterns) {
      String bitsKey = ConfigSettings.LAYERS_PREFIX + p + BITS_SUFFIX;
      if (p.isEmpty()) {
        throw new ConfigException("setting '" + bitsKey + "' (" + s.origin(bitsKey) + "): the layer name is empty");
      }
      int bits;
      try {
        bits = Integer.parseInt(s.get(bitsKey).trim());
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 2 || bits > 8) {
        throw new ConfigException(bitsKey + " = " + s.get(bitsKey) + " (" + s.origin(bitsKey)
            + ") is invalid: expected an integer in [2, 8] (each non-zero one of 2^bits - 1 levels, zero included)");
      }
      String modeKey = ConfigSettings.LAYERS_PREFIX + p + QUANTIZER_SUFFIX;
      String m = s.get(modeKey) == null ? "codebook" : s.get(modeKey).trim().toLowerCase(Locale.ROOT);
      QuantizationMode mode = switch (m) {
        case "codebook" -> QuantizationMode.CODEBOOK;
        case "uniform" -> QuantizationMode.UNIFORM;
        default -> throw new ConfigException(modeKey + " = " + s.get(modeKey) + " (" + s.origin(modeKey)
            + ") is invalid: expected codebook (k-means levels) or uniform (optimal scale)");
      };
      rules.add(new QuantizationRule(p, bits, mode));
    }
    return rules;
  }

  private static String pattern(String key, String suffix) {
    return key.substring(ConfigSettings.LAYERS_PREFIX.length(), key.length() - suffix.length());
  }
}
