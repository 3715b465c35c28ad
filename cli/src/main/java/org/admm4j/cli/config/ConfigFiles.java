package org.admm4j.cli.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.admm4j.admm.config.ConfigException;

/**
 * Reads a configuration file: JSON ({@code {"rho": {"initial": 0.002}, "layers": {"fc1": {"keep": 0.01}}}},
 * nested objects flattened with dots) or Java properties ({@code rho.initial=0.002},
 * {@code layers.fc1.keep=0.01}); {@code .json} files, or files starting with '{', are JSON.
 */
public final class ConfigFiles {

  private ConfigFiles() {}

  /** The file's settings, each marked as coming from the file. */
  public static ConfigSettings load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    String origin = "from " + file.getFileName();
    ConfigSettings s = new ConfigSettings();
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
        || text.stripLeading().startsWith("{");
    if (json) {
      JsonElement root;
      try {
        root = JsonParser.parseString(text);
      } catch (JsonParseException e) {
        throw new ConfigException("configuration file " + file + " is not valid JSON: " + e.getMessage());
      }
      if (!root.isJsonObject()) {
        throw new ConfigException("configuration file " + file + ": expected a JSON object at the top level");
      }
      flatten(file, "", root.getAsJsonObject(), s, origin);
    } else {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("configuration file " + file + " is not a valid properties file: " + e.getMessage());
      }
      for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
        s.put(key.trim(), p.getProperty(key).trim(), origin);
      }
    }
    return s;
  }

  /**
   * {@code "stages": ["100x", "200x"]} (the short list) or {@code "stages": [{...}, {...}]} (stage 2, 3, …
   * as objects of stage settings, flattened to {@code stages.<n>.*}).
   */
  private static void stages(Path file, com.google.gson.JsonArray a, ConfigSettings s, String origin)
      throws ConfigException {
    List<String> items = new java.util.ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonElement e = a.get(i);
      if (e.isJsonObject()) {
        flatten(file, ConfigSettings.STAGES + "." + (i + 2) + ".", e.getAsJsonObject(), s, origin);
      } else if (e.isJsonPrimitive()) {
        items.add(e.getAsString());
      } else {
        throw new ConfigException("configuration file " + file + ": stages[" + i + "] must be a compression (\"200x\")"
            + " or an object of stage settings");
      }
    }
    if (!items.isEmpty()) {
      if (items.size() != a.size()) {
        throw new ConfigException("configuration file " + file + ": stages mixes compressions and objects; give"
            + " every stage as an object ({\"compression\": \"200x\"}) or every stage as a compression");
      }
      s.put(ConfigSettings.STAGES, String.join(", ", items), origin);
    }
  }

  private static void flatten(Path file, String prefix, JsonObject o, ConfigSettings s, String origin)
      throws ConfigException {
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      String key = prefix + e.getKey();
      JsonElement v = e.getValue();
      if (v.isJsonObject()) {
        flatten(file, key + ".", v.getAsJsonObject(), s, origin);
      } else if (v.isJsonPrimitive()) {
        s.put(key, v.getAsString(), origin);
      } else if (v.isJsonArray() && key.equals(ConfigSettings.STAGES)) {
        stages(file, v.getAsJsonArray(), s, origin);
      } else {
        throw new ConfigException("configuration file " + file + ": '" + key
            + "' must be a number, a string or an object, found " + (v.isJsonNull() ? "null" : "an array"));
      }
    }
  }
}
