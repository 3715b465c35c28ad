package org.admm4j.nn.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;

/** The metadata keys every model file admm4j writes carries, and the map they go into. */
public final class ModelMetadata {

  /** The architecture spec's JSON ({@code SpecWriter}'s canonical form). */
  public static final String SPEC = "admm4j.spec";
  /** The input normalisation's JSON ({@link InputNormalization#toJson()}). */
  public static final String NORMALIZATION = "admm4j.normalization";
  /** The model's name (files written before specs were recorded name a zoo model here). */
  public static final String MODEL = "model";

  private ModelMetadata() {}

  /** The model's name and spec, then {@code extra} (which may override them). */
  public static Map<String, String> of(Model model, Map<String, String> extra) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(MODEL, model.name());
    meta.put(SPEC, model.spec().toJson());
    if (extra != null) {
      meta.putAll(extra);
    }
    return meta;
  }

  /** {@link #of(Model, Map)} with the normalisation recorded. */
  public static Map<String, String> of(Model model, InputNormalization normalization, Map<String, String> extra) {
    Map<String, String> meta = new LinkedHashMap<>();
    if (normalization != null) {
      meta.put(NORMALIZATION, normalization.toJson());
    }
    if (extra != null) {
      meta.putAll(extra);
    }
    return of(model, meta);
  }
}
