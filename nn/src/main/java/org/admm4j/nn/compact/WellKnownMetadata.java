package org.admm4j.nn.compact;

import java.util.List;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.io.ModelMetadata;

/**
 * The metadata keys every admm4j model file carries, written as a one-byte id when the preamble has
 * {@link CompactFormat#FLAG_SHORT_METADATA}, and the normalisation's value in the short form
 * {@code m1,m2,…/s1,s2,…} ({@link InputNormalization#toMeanStd}) instead of its JSON: about 40 of a pruned LeNet-5
 * file's 1,800 bytes. The reader gives back the same keys and the canonical JSON, so callers see no
 * difference.
 */
final class WellKnownMetadata {

  /** Ids 0, 1, 2, … in this order; never reordered (files depend on it). */
  static final List<String> KEYS = List.of(ModelMetadata.MODEL, ModelMetadata.SPEC, ModelMetadata.NORMALIZATION);

  private WellKnownMetadata() {}

  /** The id of {@code key} when its value can take the short form exactly, else −1 (written literally). */
  static int id(String key, String value) {
    int id = KEYS.indexOf(key);
    if (id < 0) {
      return -1;
    }
    if (key.equals(ModelMetadata.NORMALIZATION) && shortNormalization(value) == null) {
      return -1;
    }
    return id;
  }

  /** The value as written under an id. */
  static String encode(String key, String value) {
    return key.equals(ModelMetadata.NORMALIZATION) ? shortNormalization(value) : value;
  }

  /**
   * The value as the file's readers see it.
   *
   * @throws IllegalArgumentException naming what is wrong with a short normalisation
   */
  static String decode(String key, String stored) {
    return key.equals(ModelMetadata.NORMALIZATION) ? InputNormalization.parseMeanStd(stored).toJson() : stored;
  }

  /** The short form of canonical normalisation JSON, or null when the JSON is not canonical. */
  private static String shortNormalization(String json) {
    InputNormalization n;
    try {
      n = InputNormalization.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return n.toJson().equals(json) ? n.toMeanStd() : null;
  }
}
