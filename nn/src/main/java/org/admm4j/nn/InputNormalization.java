package org.admm4j.nn;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Arrays;

/**
 * What a model expects of its input: pixels scaled to [0, 1], then {@code (x − mean[c]) / std[c]} per
 * channel. Model files record it as {@code {"mean": [...], "std": [...]}} so a served model needs nothing
 * but its file.
 */
public record InputNormalization(float[] mean, float[] std) {

  public InputNormalization {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("normalization needs one mean and one std per channel, got "
          + mean.length + " means and " + std.length + " stds");
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException("normalization of channel " + c + ": need a finite mean and a "
            + "positive std, got mean " + mean[c] + " std " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** One mean and std for every channel. */
  public static InputNormalization of(float mean, float std) {
    return new InputNormalization(new float[] {mean}, new float[] {std});
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  public int channels() {
    return mean.length;
  }

  /**
   * Normalises {@code count} samples of {@code channels × spatial} values in place. A single-channel
   * normalization applies to every channel.
   *
   * @throws IllegalArgumentException when the channel counts differ
   */
  public void applyInPlace(float[] x, int count, int channels, int spatial) {
    if (mean.length != 1 && mean.length != channels) {
      throw new IllegalArgumentException("normalization has " + mean.length + " channels, the input " + channels);
    }
    for (int n = 0; n < count; n++) {
      for (int c = 0; c < channels; c++) {
        float m = mean[mean.length == 1 ? 0 : c], s = std[mean.length == 1 ? 0 : c];
        int base = (n * channels + c) * spatial;
        for (int j = 0; j < spatial; j++) {
          x[base + j] = (x[base + j] - m) / s;
        }
      }
    }
  }

  /** {@code {"mean": [...], "std": [...]}}, each float in its shortest form that reads back equal. */
  public String toJson() {
    JsonObject o = new JsonObject();
    o.add("mean", array(mean));
    o.add("std", array(std));
    return o.toString();
  }

  private static JsonArray array(float[] v) {
    JsonArray a = new JsonArray();
    for (float f : v) {
      a.add(Double.parseDouble(Float.toString(f)));
    }
    return a;
  }

  /**
   * Parses {@code MEAN/STD}, per channel comma-separated ({@code 0.2860/0.3530},
   * {@code 0.4914,0.4822,0.4465/0.2470,0.2435,0.2616}): {@code --normalize}'s form, and compact files' short one.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static InputNormalization parseMeanStd(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected MEAN/STD (e.g. 0.2860/0.3530), found '" + value + "'");
    }
    float[] mean = meanStdFloats(parts[0], "mean", value);
    float[] std = meanStdFloats(parts[1], "std", value);
    if (mean.length != std.length) {
      throw new IllegalArgumentException("'" + value + "' gives " + mean.length + " means but " + std.length
          + " standard deviations; give one of each per channel");
    }
    try {
      return new InputNormalization(mean, std);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + value + "': " + e.getMessage());
    }
  }

  /** {@link #parseMeanStd}'s form, each float in its shortest form that reads back equal. */
  public String toMeanStd() {
    return join(mean) + "/" + join(std);
  }

  private static String join(float[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ",").append(Float.toString(v[i]));
    }
    return b.toString();
  }

  private static float[] meanStdFloats(String list, String what, String value) {
    String[] items = list.split(",", -1);
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      try {
        out[i] = Float.parseFloat(items[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "': " + what + " " + (i + 1) + " is '" + items[i]
            + "', not a number");
      }
      if (!Float.isFinite(out[i]) || what.equals("std") && !(out[i] > 0)) {
        throw new IllegalArgumentException("'" + value + "': " + what + " " + (i + 1) + " must be "
            + (what.equals("std") ? "positive" : "finite") + ", found " + items[i]);
      }
    }
    return out;
  }

  /**
   * Parses {@link #toJson()}'s form.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static InputNormalization parse(String json) {
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject() || !e.getAsJsonObject().has("mean") || !e.getAsJsonObject().has("std")) {
        throw new IllegalArgumentException("expected {\"mean\": [...], \"std\": [...]}, found " + json);
      }
      return new InputNormalization(floats(e.getAsJsonObject().get("mean")), floats(e.getAsJsonObject().get("std")));
    } catch (RuntimeException ex) {
      if (ex instanceof IllegalArgumentException && !(ex instanceof com.google.gson.JsonParseException)) {
        throw ex;
      }
      throw new IllegalArgumentException("normalization is not valid JSON: " + json);
    }
  }

  private static float[] floats(JsonElement e) {
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException("expected an array of numbers, found " + e);
    }
    JsonArray a = e.getAsJsonArray();
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) {
      if (!a.get(i).isJsonPrimitive() || !a.get(i).getAsJsonPrimitive().isNumber()) {
        throw new IllegalArgumentException("expected a number, found " + a.get(i));
      }
      v[i] = a.get(i).getAsFloat();
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputNormalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
