package org.admm4j.cli.config;

import java.nio.file.Path;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.PruningConfig;

/**
 * Builds the configuration of a run from, lowest precedence first: the preset (from the flags, else the
 * file's {@code preset}, else {@link Presets#DEFAULT}), the file, the command-line flags. Layer targets in a
 * file replace the preset's (so "layers left out stay dense" holds for the file as written); layer targets
 * given as flags are merged per layer name.
 */
public final class ConfigResolver {

  private ConfigResolver() {}

  /**
   * @param file a JSON or properties file, or null
   * @param flags settings from the command line (may hold {@code preset})
   */
  public static PruningConfig resolve(Path file, ConfigSettings flags) throws ConfigException {
    ConfigSettings fromFile = file == null ? new ConfigSettings() : ConfigFiles.load(file);
    String preset = flags.get("preset") != null ? flags.get("preset")
        : fromFile.get("preset") != null ? fromFile.get("preset") : Presets.DEFAULT;
    ConfigSettings s = Presets.settings(preset.trim());
    s.overlay(fromFile, true);
    s.overlay(flags, true);
    return PruningConfigParser.parse(s);
  }
}
