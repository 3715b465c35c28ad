package org.admm4j.admm.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object of a checkpoint's state.json, read field by field. A field that is missing, of the
 * wrong type or out of range is an {@link IllegalArgumentException} naming its path ({@code config.batch},
 * {@code progress.dense_epochs[2].loss}), which {@link Checkpoint#readState} reports with the file: Gson's
 * own accessors would throw a different unchecked exception for each way a field can be wrong, none
 * naming it. A JSON {@code null} counts as missing. Numbers are also taken from strings, as checkpoints
 * written before the state was typed hold every setting as one. Paths are built only for a message: a
 * state file has thousands of numbers.
 */
final class StateFields {

  private static final int NO_INDEX = -1;

  private final JsonObject object;
  /** Where this object is: the object holding it (null at the top), its key there, its array index. */
  private final StateFields parent;
  private final String key;
  private final int index;

  private StateFields(JsonObject object, StateFields parent, String key, int index) {
    this.object = object;
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  /** The top-level object. */
  static StateFields of(JsonObject object) {
    return new StateFields(object, null, null, NO_INDEX);
  }

  /** Whether {@code key} is present and not {@code null}. */
  boolean has(String key) {
    JsonElement e = object.get(key);
    return e != null && !e.isJsonNull();
  }

  /** The keys of this object, in file order. */
  Set<String> keys() {
    return object.keySet();
  }

  /** The path of {@code key} in the file, for messages (a key of the file's own making shortened, in one line). */
  String name(String key) {
    return name(key, NO_INDEX);
  }

  StateFields object(String key) {
    JsonElement e = required(key);
    if (!e.isJsonObject()) {
      throw bad(key, NO_INDEX, "an object", e);
    }
    return new StateFields(e.getAsJsonObject(), this, key, NO_INDEX);
  }

  /** An array of objects. */
  List<StateFields> objects(String key) {
    JsonArray a = array(key);
    List<StateFields> list = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonElement e = a.get(i);
      if (!e.isJsonObject()) {
        throw bad(key, i, "an object", e);
      }
      list.add(new StateFields(e.getAsJsonObject(), this, key, i));
    }
    return list;
  }

  String string(String key) {
    return primitive(key, NO_INDEX, required(key), "a string").getAsString();
  }

  /** One of {@code type}'s constants, by its name in any case. */
  <E extends Enum<E>> E choice(String key, Class<E> type) {
    String v = string(key);
    for (E c : type.getEnumConstants()) {
      if (c.name().equalsIgnoreCase(v)) {
        return c;
      }
    }
    List<String> names = new ArrayList<>();
    for (E c : type.getEnumConstants()) {
      names.add(c.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(name(key) + " = " + quoted(v) + ": expected one of " + names);
  }

  boolean bool(String key) {
    JsonPrimitive p = primitive(key, NO_INDEX, required(key), "true or false");
    String v = p.getAsString();
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw bad(key, NO_INDEX, "true or false", p);
  }

  int integer(String key, int min, int max) {
    return (int) integer(key, NO_INDEX, required(key), min, max);
  }

  long longValue(String key, long min, long max) {
    return integer(key, NO_INDEX, required(key), min, max);
  }

  double number(String key) {
    return number(key, NO_INDEX, required(key));
  }

  /** A number in [min, max] (NaN is in no range). */
  double number(String key, double min, double max) {
    double v = number(key);
    if (!(v >= min && v <= max)) {
      throw bad(key, NO_INDEX, "a number in [" + min + ", " + max + "]", object.get(key));
    }
    return v;
  }

  /** A float in [min, max], read as a float. */
  float floatValue(String key, double min, double max) {
    float v = floatValue(key);
    if (!(v >= min && v <= max)) {
      throw bad(key, NO_INDEX, "a number in [" + min + ", " + max + "]", object.get(key));
    }
    return v;
  }

  /** A float read as a float (through a double, a decimal could round to another float). */
  float floatValue(String key) {
    JsonPrimitive p = primitive(key, NO_INDEX, required(key), "a number");
    try {
      return Float.parseFloat(p.getAsString());
    } catch (NumberFormatException e) {
      throw bad(key, NO_INDEX, "a number", p);
    }
  }

  float[] floats(String key) {
    JsonArray a = array(key);
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) number(key, i, a.get(i));
    }
    return v;
  }

  long[] longs(String key, long min, long max) {
    JsonArray a = array(key);
    long[] v = new long[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = integer(key, i, a.get(i), min, max);
    }
    return v;
  }

  /** Every field of this object as a number. */
  Map<String, Double> numbers() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      m.put(e.getKey(), number(e.getKey(), NO_INDEX, e.getValue()));
    }
    return m;
  }

  /** Every field of this object as an integer in [min, max]. */
  Map<String, Integer> integers(int min, int max) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      m.put(e.getKey(), (int) integer(e.getKey(), NO_INDEX, e.getValue(), min, max));
    }
    return m;
  }

  private JsonArray array(String key) {
    JsonElement e = required(key);
    if (!e.isJsonArray()) {
      throw bad(key, NO_INDEX, "an array", e);
    }
    return e.getAsJsonArray();
  }

  private JsonElement required(String key) {
    if (!has(key)) {
      throw new IllegalArgumentException(name(key) + " is missing");
    }
    return object.get(key);
  }

  private JsonPrimitive primitive(String key, int index, JsonElement e, String expected) {
    if (e == null || !e.isJsonPrimitive()) {
      throw bad(key, index, expected, e);
    }
    return e.getAsJsonPrimitive();
  }

  private double number(String key, int index, JsonElement e) {
    JsonPrimitive p = primitive(key, index, e, "a number");
    try {
      return Double.parseDouble(p.getAsString());
    } catch (NumberFormatException x) {
      throw bad(key, index, "a number", p);
    }
  }

  /**
   * An integer in [min, max]. Through {@link BigDecimal}, whose exact conversion refuses a fraction or an
   * overflow from the digits and the exponent alone ({@code 1e999999999} costs nothing).
   */
  private long integer(String key, int index, JsonElement e, long min, long max) {
    JsonPrimitive p = primitive(key, index, e, "an integer");
    long v;
    try {
      v = new BigDecimal(p.getAsString().trim()).longValueExact();
    } catch (NumberFormatException | ArithmeticException x) {
      throw bad(key, index, "an integer in [" + min + ", " + max + "]", p);
    }
    if (v < min || v > max) {
      throw bad(key, index, "an integer in [" + min + ", " + max + "]", p);
    }
    return v;
  }

  /** The path of this object's {@code key} (its element {@code index} unless NO_INDEX). */
  private String name(String key, int index) {
    String k = shortened(key) + (index == NO_INDEX ? "" : "[" + index + "]");
    String p = path();
    return p.isEmpty() ? k : p + "." + k;
  }

  private String path() {
    return parent == null ? "" : parent.name(key, index);
  }

  private IllegalArgumentException bad(String key, int index, String expected, JsonElement found) {
    String f = found == null || found.isJsonNull() ? "nothing" : found.isJsonObject() ? "an object"
        : found.isJsonArray() ? "an array" : quoted(found.getAsString());
    return new IllegalArgumentException(name(key, index) + ": expected " + expected + ", found " + f);
  }

  private static String quoted(String s) {
    return "\"" + shortened(s) + "\"";
  }

  /** At most 40 characters, control characters as '?': the message is one line whatever the file holds. */
  private static String shortened(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 41));
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 40 ? b.append('…').toString() : b.toString();
  }
}
