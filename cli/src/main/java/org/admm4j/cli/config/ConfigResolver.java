package org.admm4j.cli.config;

import java.nio.file.Path;
import org.admm4j.admm.config.ConfigException;

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
    String named = flags.get("preset") != null ? flags.get("preset") : fromFile.get("preset");
    String preset = named != null ? named : Presets.DEFAULT;
    ConfigSettings s = Presets.settings(preset.trim());
    String presetModel = s.get("model");
    s.overlay(fromFile, true);
    s.overlay(flags, true);
    if (named == null && !presetModel.equals(s.get("model"))) {
      // the default preset's layer names are LeNet-5's: another model gets no silent targets from it
      s.removeLayerTargets("preset " + preset);
    }
    if (s.get(PruningConfigParser.COMPRESSION) != null) {
      // a global target replaces the preset's per-layer ones; targets the user wrote beside it contradict it
      s.removeLayerTargets("preset " + preset);
      if (s.hasLayerTargets()) {
        String key = s.layerKeys().get(0);
        throw new ConfigException("compression = " + s.get(PruningConfigParser.COMPRESSION) + " ("
            + s.origin(PruningConfigParser.COMPRESSION) + ") allocates every layer's target; drop " + key + " = "
            + s.get(key) + " (" + s.origin(key) + ") or the compression");
      }
      return PruningConfigParser.parse(s);
    }
    if (!s.hasLayerTargets()) {
      throw new ConfigException("nothing to prune: model " + s.get("model") + " has no layer targets; give some"
          + " with --keep LAYER=FRACTION (a name, a glob such as 'fc*', or kind:conv / kind:linear, e.g."
          + " --keep kind:conv=0.3 --keep kind:linear=0.1), --nonzeros LAYER=COUNT, or --preset NAME ("
          + String.join(", ", Presets.names()) + ")");
    }
    return PruningConfigParser.parse(s);
  }
}
