package org.admm4j.nn.spec;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON architecture spec:
 *
 * <pre>{@code
 * {"name": "mynet", "input": [3, 32, 32], "classes": 10, "layers": [
 *   {"type": "conv2d", "name": "conv1", "out_channels": 16, "kernel": 3, "stride": 1, "padding": 1, "bias": false},
 *   {"type": "batchnorm", "name": "bn1"}, {"type": "relu"},
 *   {"type": "residual", "name": "block1", "body": [...], "shortcut": [...]},
 *   {"type": "maxpool", "kernel": 2, "stride": 2}, {"type": "avgpool", "kernel": 2},
 *   {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "dropout", "p": 0.3},
 *   {"type": "linear", "name": "fc", "out_features": 10}]}
 * }</pre>
 *
 * <p>Defaults are PyTorch's: {@code stride} 1, {@code padding} 0, {@code bias} true, a pool's stride its
 * kernel, dropout {@code p} 0.5, batchnorm {@code eps} 1e-5 and {@code momentum} 0.1. Kernel, stride and
 * padding may be given as PyTorch's pairs when square ({@code [3, 3]}); max pooling takes a
 * {@code padding} too. A layer without a {@code name} gets {@code <type><n>}, n counting the
 * layers of that type from 1 within the enclosing list (a residual block's body and shortcut count
 * together), e.g. {@code conv2d1}, {@code linear2}. Unknown keys, unknown types, wrong value types and
 * missing required keys are refused with the layer's path and the key. Shapes are checked when the
 * spec is {@linkplain ModelSpec#build built}.
 */
public final class SpecReader {

  private static final Set<String> MODEL_KEYS = Set.of("name", "input", "classes", "layers");
  private static final Map<String, Set<String>> LAYER_KEYS = Map.of(
      "conv2d", Set.of("type", "name", "out_channels", "kernel", "stride", "padding", "bias"),
      "linear", Set.of("type", "name", "out_features", "bias"),
      "batchnorm", Set.of("type", "name", "eps", "momentum"),
      "relu", Set.of("type", "name"),
      "maxpool", Set.of("type", "name", "kernel", "stride", "padding"),
      "avgpool", Set.of("type", "name", "kernel", "stride", "padding"),
      "global_avgpool", Set.of("type", "name"),
      "flatten", Set.of("type", "name"),
      "dropout", Set.of("type", "name", "p"),
      "residual", Set.of("type", "name", "body", "shortcut"));

  private final String source;

  private SpecReader(String source) {
    this.source = source;
  }

  /** The layer types a spec may use. */
  public static Set<String> types() {
    return new java.util.TreeSet<>(LAYER_KEYS.keySet());
  }

  /**
   * Reads a spec file.
   *
   * @throws IOException when the file cannot be read
   * @throws SpecException naming the file, the layer and the key when its content is not a valid spec
   */
  public static ModelSpec read(Path file) throws IOException {
    if (Files.size(file) > 16L << 20) {
      throw new SpecException(file + ": " + Files.size(file) + " bytes is too large for an architecture spec "
          + "(at most 16 MiB)");
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses the JSON text of a spec; {@code source} names it in messages (a file name).
   *
   * @throws SpecException when it is not a valid spec
   */
  public static ModelSpec parse(String json, String source) {
    return new SpecReader(source).model(parseJson(json, source));
  }

  private static JsonElement parseJson(String json, String source) {
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = new Gson().getAdapter(JsonElement.class).read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new SpecException(source + ": text after the spec's closing brace");
      }
      return root;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SpecException s) {
        throw s;
      }
      throw new SpecException(source + ": not valid JSON: " + e.getMessage());
    }
  }

  private ModelSpec model(JsonElement root) {
    if (!root.isJsonObject()) {
      throw error("", "the spec must be a JSON object with keys " + MODEL_KEYS);
    }
    JsonObject o = root.getAsJsonObject();
    checkKeys(o, MODEL_KEYS, "");
    String name = o.has("name") ? string(o, "name", "") : "model";
    JsonArray in = array(o, "input", "", true);
    if (in.size() != 3 && in.size() != 1) {
      throw error("", "key 'input': expected [channels, height, width] (or [features]), found " + in);
    }
    int[] input = new int[in.size()];
    for (int i = 0; i < input.length; i++) {
      input[i] = positive(in.get(i), "input[" + i + "]", "");
    }
    int classes = positive(required(o, "classes", ""), "classes", "");
    JsonArray layers = array(o, "layers", "", true);
    if (layers.isEmpty()) {
      throw error("", "key 'layers': a model needs at least one layer");
    }
    return new ModelSpec(name, input, classes, list(layers, "layers"));
  }

  private List<LayerSpec> list(JsonArray array, String path) {
    return list(array, path, new AutoNames());
  }

  private List<LayerSpec> list(JsonArray array, String path, AutoNames names) {
    List<LayerSpec> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(layer(array.get(i), path + "[" + i + "]", names));
    }
    return out;
  }

  private LayerSpec layer(JsonElement e, String path, AutoNames names) {
    if (!e.isJsonObject()) {
      throw error(path, "expected a layer object {\"type\": ...}, found " + e);
    }
    JsonObject o = e.getAsJsonObject();
    String type = string(o, "type", path);
    Set<String> keys = LAYER_KEYS.get(type);
    if (keys == null) {
      throw error(path, "key 'type': unknown layer type '" + type + "'; known types: " + types());
    }
    String auto = names.next(type);
    String name = o.has("name") ? string(o, "name", path) : auto;
    if (name.isEmpty() || name.contains(".") || !name.equals(name.strip())) {
      throw error(path, "key 'name': '" + name + "' is not a valid layer name (non-empty, no dots, no "
          + "surrounding spaces: dots separate a residual block's name from its layers')");
    }
    String where = path + " (" + type + " '" + name + "')";
    checkKeys(o, keys, where);
    switch (type) {
      case "conv2d":
        return new LayerSpec.Conv2d(name, positive(required(o, "out_channels", where), "out_channels", where),
            positive(required(o, "kernel", where), "kernel", where), optionalPositive(o, "stride", 1, where),
            optionalNonNegative(o, "padding", 0, where), optionalBoolean(o, "bias", true, where));
      case "linear":
        return new LayerSpec.Linear(name, positive(required(o, "out_features", where), "out_features", where),
            optionalBoolean(o, "bias", true, where));
      case "batchnorm": {
        double eps = o.has("eps") ? number(o.get("eps"), "eps", where).doubleValue() : 1e-5;
        double momentum = o.has("momentum") ? number(o.get("momentum"), "momentum", where).doubleValue() : 0.1;
        if (!(eps > 0)) {
          throw error(where, "key 'eps': expected a positive number, found " + o.get("eps"));
        }
        if (!(momentum >= 0 && momentum <= 1)) {
          throw error(where, "key 'momentum': expected a number in [0, 1], found " + o.get("momentum"));
        }
        return new LayerSpec.BatchNorm(name, (float) eps, (float) momentum);
      }
      case "relu":
        return new LayerSpec.Relu(name);
      case "maxpool": {
        int k = positive(required(o, "kernel", where), "kernel", where);
        int padding = optionalNonNegative(o, "padding", 0, where);
        if (2 * padding > k) {
          throw error(where, "key 'padding': " + padding + " is more than half the kernel " + k
              + " (PyTorch refuses it too)");
        }
        return new LayerSpec.MaxPool(name, k, optionalPositive(o, "stride", k, where), padding);
      }
      case "avgpool": {
        int k = positive(required(o, "kernel", where), "kernel", where);
        int padding = optionalNonNegative(o, "padding", 0, where);
        if (2 * padding > k) {
          throw error(where, "key 'padding': " + padding + " is more than half the kernel " + k
              + " (PyTorch refuses it too)");
        }
        return new LayerSpec.AvgPool(name, k, optionalPositive(o, "stride", k, where), padding);
      }
      case "global_avgpool":
        return new LayerSpec.GlobalAvgPool(name);
      case "flatten":
        return new LayerSpec.Flatten(name);
      case "dropout": {
        double p = o.has("p") ? number(o.get("p"), "p", where).doubleValue() : 0.5;
        if (!(p >= 0 && p < 1)) {
          throw error(where, "key 'p': the drop probability must be in [0, 1), found " + o.get("p"));
        }
        return new LayerSpec.Dropout(name, (float) p);
      }
      case "residual": {
        AutoNames inner = new AutoNames();
        List<LayerSpec> body = residualList(o, "body", where, path, true, inner);
        List<LayerSpec> shortcut = residualList(o, "shortcut", where, path, false, inner);
        return new LayerSpec.Residual(name, body, shortcut);
      }
      default:
        throw new AssertionError(type);
    }
  }

  /** Body and shortcut name their unnamed layers with one set of counters, so the two never clash. */
  private List<LayerSpec> residualList(JsonObject o, String key, String where, String path, boolean needed,
      AutoNames names) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      if (needed) {
        throw error(where, "key '" + key + "' is missing: a residual block needs a body");
      }
      return List.of();
    }
    JsonArray a = array(o, key, where, needed);
    if (needed && a.isEmpty()) {
      throw error(where, "key 'body' is empty: a residual block needs at least one layer in its body");
    }
    return list(a, path + "." + key, names);
  }

  private void checkKeys(JsonObject o, Set<String> allowed, String where) {
    Set<String> unknown = new LinkedHashSet<>(o.keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw error(where, "unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown.stream().map(k -> "'" + k + "'")
          .reduce((a, b) -> a + ", " + b).orElse("") + "; allowed keys: " + new java.util.TreeSet<>(allowed));
    }
  }

  private JsonElement required(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw error(where, "key '" + key + "' is missing");
    }
    return e;
  }

  private String string(JsonObject o, String key, String where) {
    JsonElement e = required(o, key, where);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw error(where, "key '" + key + "': expected a string, found " + e);
    }
    return e.getAsString();
  }

  private JsonArray array(JsonObject o, String key, String where, boolean needed) {
    JsonElement e = needed ? required(o, key, where) : o.get(key);
    if (!e.isJsonArray()) {
      throw error(where, "key '" + key + "': expected an array, found " + e);
    }
    return e.getAsJsonArray();
  }

  private BigDecimal number(JsonElement e, String key, String where) {
    if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
      throw error(where, "key '" + key + "': expected a number, found " + e);
    }
    try {
      return e.getAsBigDecimal();
    } catch (NumberFormatException ex) {
      // JSON allows any exponent; BigDecimal's scale is an int (e.g. 1.0E-533333333333)
      throw error(where, "key '" + key + "': expected a number, found " + e + " (exponent out of range)");
    }
  }

  /** A whole number, or PyTorch's pair form {@code [n, n]} of a square kernel, stride or padding. */
  private int integer(JsonElement e, String key, String where) {
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      if (a.size() != 2) {
        throw error(where, "key '" + key + "': expected a whole number or a pair [n, n], found " + e);
      }
      int h = integer(a.get(0), key, where), w = integer(a.get(1), key, where);
      if (h != w) {
        throw error(where, "key '" + key + "': " + e + " is not square; only square kernels, strides and paddings "
            + "are supported");
      }
      return h;
    }
    BigDecimal d = number(e, key, where);
    try {
      return d.intValueExact();
    } catch (ArithmeticException ex) {
      throw error(where, "key '" + key + "': expected a whole number, found " + e);
    }
  }

  /**
   * Largest value of any size in a spec (a dimension, channel or feature count, kernel, stride or
   * padding): products of a few such values stay far from int overflow in the shape arithmetic.
   */
  static final int MAX_SIZE = 1 << 20;

  private int positive(JsonElement e, String key, String where) {
    int v = integer(e, key, where);
    if (v < 1 || v > MAX_SIZE) {
      throw error(where, "key '" + key + "': expected a whole number in 1.." + MAX_SIZE + ", found " + v);
    }
    return v;
  }

  private int optionalPositive(JsonObject o, String key, int fallback, String where) {
    return o.has(key) && !o.get(key).isJsonNull() ? positive(o.get(key), key, where) : fallback;
  }

  private int optionalNonNegative(JsonObject o, String key, int fallback, String where) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    int v = integer(o.get(key), key, where);
    if (v < 0 || v > MAX_SIZE) {
      throw error(where, "key '" + key + "': expected a whole number in 0.." + MAX_SIZE + ", found " + v);
    }
    return v;
  }

  private boolean optionalBoolean(JsonObject o, String key, boolean fallback, String where) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    JsonElement e = o.get(key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw error(where, "key '" + key + "': expected true or false, found " + e);
    }
    return e.getAsBoolean();
  }

  private SpecException error(String where, String what) {
    return new SpecException(source + (where.isEmpty() ? "" : ": " + where) + ": " + what);
  }
}
