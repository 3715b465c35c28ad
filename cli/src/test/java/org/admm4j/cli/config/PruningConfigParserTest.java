package org.admm4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruningConfigParserTest {

  @TempDir
  Path dir;

  private static ConfigSettings flags(String... kv) {
    ConfigSettings s = new ConfigSettings();
    for (int i = 0; i < kv.length; i += 2) {
      s.put(kv[i], kv[i + 1], "--set");
    }
    return s;
  }

  private static String error(ConfigSettings flags) {
    return assertThrows(ConfigException.class, () -> ConfigResolver.resolve(null, flags)).getMessage();
  }

  @Test
  void defaultPresetResolves() throws Exception {
    PruningConfig c = ConfigResolver.resolve(null, new ConfigSettings());
    assertEquals(Presets.DEFAULT, c.preset());
    assertEquals("lenet5", c.model());
    assertEquals(4, c.layers().size());
    assertTrue(c.threads() >= 1);
    assertEquals(c, PruningConfigParser.parse(ConfigSettings.of(c.toSettings(), "saved")));
    PruningConfig kd = ConfigResolver.resolve(null, flags("distill.weight", "0.25", "distill.phases", "admm, retrain",
        "augment.shift", "2"));
    assertEquals(new Distillation(0.25f, 4f, true, true), kd.distillation());
    assertEquals(2, kd.augmentShift());
    assertEquals(kd, PruningConfigParser.parse(ConfigSettings.of(kd.toSettings(), "saved")));
  }

  /** layers.<p>.structure joins the target of the same pattern, survives the saved settings, and is checked. */
  @Test
  void structureSettingsJoinTheirTargets() throws Exception {
    PruningConfig c = ConfigResolver.resolve(null, flags("layers.conv2.structure", "Filter"));
    LayerRule conv2 = c.layers().stream().filter(r -> r.pattern().equals("conv2")).findFirst().orElseThrow();
    assertEquals(org.admm4j.admm.config.LayerStructure.FILTER, conv2.structure(), "merged over the preset's keep");
    assertEquals(0.12, conv2.keepFraction());
    assertEquals(4, c.layers().size());
    assertEquals(c, PruningConfigParser.parse(ConfigSettings.of(c.toSettings(), "saved")));
    PruningConfig f = ConfigResolver.resolve(null, flags("preset", "convnet-filter"));
    assertEquals(f, PruningConfigParser.parse(ConfigSettings.of(f.toSettings(), "saved")));
    assertTrue(f.layers().stream().allMatch(r -> r.structure().grouped()));
    String e = error(flags("layers.conv2.structure", "kernel"));
    assertTrue(e.contains("layers.conv2.structure = kernel (--set) is invalid"), e);
    e = error(flags("layers.fc*.structure", "column"));
    assertTrue(e.contains("layers.fc*.structure = column (--set) has no target") && e.contains("layers.fc*.keep"), e);
    e = error(flags("stages.2.layers.conv2.structure", "filter", "stages.2.layers.conv2.keep", "0.1"));
    assertTrue(e.contains("stages.2.layers.conv2.structure") && e.contains("one stage"), e);
  }

  /** A checkpoint saved before augmentation and distillation existed resumes with both off. */
  @Test
  void settingsWithoutTheLaterKeysMeanOff() throws Exception {
    ConfigSettings old = ConfigSettings.of(ConfigResolver.resolve(null, new ConfigSettings()).toSettings(), "saved");
    ConfigSettings trimmed = new ConfigSettings();
    old.values().forEach((k, v) -> {
      if (!k.startsWith("augment.") && !k.startsWith("distill.")) {
        trimmed.put(k, v, "saved");
      }
    });
    PruningConfig c = PruningConfigParser.parse(trimmed);
    assertEquals(0, c.augmentShift());
    assertEquals(0f, c.distillation().weight());
  }

  @Test
  void keepOutsideUnitIntervalIsNamed() {
    String m = error(flags("layers.conv2.keep", "1.5"));
    assertTrue(m.contains("layers.conv2.keep") && m.contains("1.5") && m.contains("(0, 1]"), m);
    m = error(flags("layers.conv2.keep", "0"));
    assertTrue(m.contains("layers.conv2.keep = 0"), m);
  }

  @Test
  void negativeRhoIsNamed() {
    String m = error(flags("rho.initial", "-0.01"));
    assertTrue(m.contains("rho.initial = -0.01") && m.contains("--set") && m.contains("positive"), m);
    m = error(flags("rho.growth", "0.5"));
    assertTrue(m.contains("rho.growth = 0.5"), m);
    m = error(flags("rho.max", "0.0001"));
    assertTrue(m.contains("rho.max"), m);
  }

  @Test
  void otherBadValuesAreNamed() {
    assertTrue(error(flags("admm.iterations", "0")).contains("admm.iterations = 0"));
    assertTrue(error(flags("batch", "ten")).contains("batch = ten"));
    assertTrue(error(flags("retrain.optimizer", "rmsprop")).contains("retrain.optimizer = rmsprop"));
    assertTrue(error(flags("dense.lr", "NaN")).contains("dense.lr = NaN"));
    assertTrue(error(flags("admm.momentum", "1")).contains("admm.momentum = 1"));
    assertTrue(error(flags("prune.support", "x")).contains("prune.support = x"));
    assertTrue(error(flags("layers.fc1.nonzeros", "0")).contains("layers.fc1.nonzeros = 0"));
    assertTrue(error(flags("rho.intial", "1")).contains("unknown setting 'rho.intial'"));
    assertTrue(error(flags("layers.fc1.keeep", "1")).contains("layers.fc1.keeep"));
    assertTrue(error(flags("preset", "lenet5-9000x")).contains("unknown preset 'lenet5-9000x'"));
    assertTrue(error(flags("augment.shift", "-1")).contains("augment.shift = -1"));
    assertTrue(error(flags("distill.weight", "2")).contains("distill.weight = 2"));
    assertTrue(error(flags("distill.temperature", "0")).contains("distill.temperature = 0"));
    assertTrue(error(flags("distill.phases", "dense")).contains("distill.phases = dense"));
  }

  @Test
  void fileThenFlagsOverridePreset() throws Exception {
    Path json = dir.resolve("c.json");
    Files.writeString(json, "{\"preset\": \"lenet5-71x\", \"rho\": {\"initial\": 0.002, \"growth\": 1.5},"
        + " \"admm\": {\"iterations\": 3}, \"layers\": {\"fc1\": {\"keep\": 0.01}}}", StandardCharsets.UTF_8);
    PruningConfig c = ConfigResolver.resolve(json, flags("admm.iterations", "4", "layers.conv2.nonzeros", "77"));
    assertEquals("lenet5-71x", c.preset());
    assertEquals(0.002, c.rho().initial());
    assertEquals(1.5, c.rho().growth());
    assertEquals(4, c.admmIterations());
    // the flags' layer targets replace the file's, which replace the preset's
    assertEquals(1, c.layers().size());
    assertEquals(77, c.layers().get(0).nonzeros());
    c = ConfigResolver.resolve(json, new ConfigSettings());
    assertEquals(1, c.layers().size());
    assertEquals(0.01, c.layers().get(0).keepFraction());

    Path props = dir.resolve("c.properties");
    Files.writeString(props, "rho.initial=0.004\nlayers.fc*.keep=0.05\n", StandardCharsets.UTF_8);
    c = ConfigResolver.resolve(props, new ConfigSettings());
    assertEquals(0.004, c.rho().initial());
    assertEquals(1, c.layers().size());
    assertEquals("fc*", c.layers().get(0).pattern());
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path json = dir.resolve("bad.json");
    Files.writeString(json, "{\"rho\": [1, 2]}", StandardCharsets.UTF_8);
    String m = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(json, new ConfigSettings())).getMessage();
    assertTrue(m.contains("bad.json") && m.contains("'rho'"), m);
    Files.writeString(json, "{\"rho\": ", StandardCharsets.UTF_8);
    m = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(json, new ConfigSettings())).getMessage();
    assertTrue(m.contains("not valid JSON"), m);
    Path missing = dir.resolve("missing.json");
    m = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(missing, new ConfigSettings())).getMessage();
    assertTrue(m.contains("does not exist"), m);
    Path props = dir.resolve("p.properties");
    Files.writeString(props, "rho.initial=-1\n", StandardCharsets.UTF_8);
    m = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(props, new ConfigSettings())).getMessage();
    assertTrue(m.contains("rho.initial = -1 (from p.properties)"), m);
  }

  /** Stages: the short list, stage keys, a JSON array of objects; a stage's own schedule over the plan's. */
  @Test
  void stagesParseFromTheListKeysAndFiles() throws Exception {
    PruningConfig c = ConfigResolver.resolve(null, flags("stages", "100x, 200", "stages.3.admm.iterations", "7",
        "stages.3.rho.initial", "0.01", "stages.3.retrain.lr", "0.002"));
    assertEquals(2, c.plan().stages().size());
    Stage two = c.plan().stages().get(0);
    assertEquals(100, two.compression());
    assertEquals(c.admmIterations(), two.admmIterations());
    assertEquals(c.rho(), two.rho());
    assertEquals(c.plan().retrain(), two.retrain());
    Stage three = c.plan().stages().get(1);
    assertEquals(200, three.compression());
    assertEquals(7, three.admmIterations());
    assertEquals(new RhoSchedule(0.01, c.rho().growth(), c.rho().max()), three.rho());
    assertEquals(0.002f, three.retrain().lr());
    assertEquals(c.plan().retrain().epochs(), three.retrain().epochs());
    // the settings round trip (as a resumed or reported run writes them)
    ConfigSettings again = new ConfigSettings();
    c.toSettings().forEach((k, v) -> again.put(k, v, "saved"));
    assertEquals(c.plan(), PruningConfigParser.parse(again).plan());

    Path json = dir.resolve("stages.json");
    Files.writeString(json, "{\"stages\": [{\"layers\": {\"fc1\": {\"keep\": 0.004}}, \"admm\": {\"iterations\": 5}},"
        + " {\"compression\": \"300x\", \"retrain\": {\"epochs\": 12}}]}", StandardCharsets.UTF_8);
    c = ConfigResolver.resolve(json, new ConfigSettings());
    assertEquals(List.of(LayerRule.keep("fc1", 0.004)), c.plan().stages().get(0).layers());
    assertEquals(5, c.plan().stages().get(0).admmIterations());
    assertEquals(300, c.plan().stages().get(1).compression());
    assertEquals(12, c.plan().stages().get(1).retrain().epochs());
    Files.writeString(json, "{\"stages\": [\"100x\", \"250x\"]}", StandardCharsets.UTF_8);
    assertEquals(250, ConfigResolver.resolve(json, new ConfigSettings()).plan().stages().get(1).compression());
    // a preset's stages: a stage's schedule key merges, a stage target replaces them all
    c = ConfigResolver.resolve(null, flags("preset", "lenet5-350x-hand", "stages.4.retrain.epochs", "3"));
    assertEquals(3, c.plan().stages().size());
    assertEquals(3, c.plan().stages().get(2).retrain().epochs());
    c = ConfigResolver.resolve(null, flags("preset", "lenet5-350x-hand", "stages", "150x"));
    assertEquals(1, c.plan().stages().size());
    assertEquals(0, ConfigResolver.resolve(null, new ConfigSettings()).plan().stages().size());
  }

  @Test
  void aCompressionAllocatesStagesGivenAsCompressions() throws Exception {
    PruningConfig c = ConfigResolver.resolve(null, flags("preset", "lenet5-350x-hand", "compression", "70",
        "stages", "150x, 350x", "stages.3.retrain.epochs", "12"));
    assertEquals(70, c.allocation().compression());
    assertEquals(List.of(), c.plan().layers(), "the preset's own targets give way to the allocation");
    assertEquals(2, c.plan().stages().size());
    assertEquals(350, c.plan().stages().get(1).compression());
    assertEquals(12, c.plan().stages().get(1).retrain().epochs());
    String m = error(flags("preset", "lenet5-350x-hand", "compression", "70"));
    assertTrue(m.contains("compression = 70 (--set) allocates every stage's layer targets, but stages.2 gives layer"
        + " targets") && m.contains("stages = 150x, 250x"), m);
    m = error(flags("compression", "70", "stages", "150x, 120x"));
    assertTrue(m.contains("stages.3.compression = 120.0 must exceed the stage before's 150.0"), m);
    m = error(flags("compression", "200", "stages", "150x"));
    assertTrue(m.contains("stages.2.compression = 150.0 must exceed the stage before's 200.0"), m);
    assertFalse(c.allocation().remeasure(), "later stages from the dense model's pass unless asked");
    c = ConfigResolver.resolve(null, flags("compression", "70", "stages", "150x, 350x", "allocation.remeasure", "true"));
    assertTrue(c.allocation().remeasure());
    m = error(flags("compression", "70", "allocation.remeasure", "true"));
    assertTrue(m.contains("allocation.remeasure = true (--set) allocates each later stage") && m.contains("one stage"), m);
    m = error(flags("allocation.remeasure", "true"));
    assertTrue(m.contains("allocation.remeasure = true (--set) needs compression"), m);
  }

  @Test
  void badStagesAreNamed() throws Exception {
    String m = error(flags("stages", "100x, fast"));
    assertTrue(m.contains("stages = 100x, fast (--set)") && m.contains("'fast' is not a compression factor"), m);
    m = error(flags("stages", "0.5"));
    assertTrue(m.contains("expected a number > 1"), m);
    m = error(flags("stages.3.compression", "200"));
    assertTrue(m.contains("'stages.3.compression' (--set) is for stage 3, but stage 2 has no targets"), m);
    m = error(flags("stages.1.compression", "200"));
    assertTrue(m.contains("stages.<n>.<key> with n = 2, 3"), m);
    m = error(flags("stages.2.admm.iterations", "4"));
    assertTrue(m.contains("stage 2 has no targets"), m);
    m = error(flags("stages.2.compression", "200", "stages.2.layers.fc1.keep", "0.01"));
    assertTrue(m.contains("stage 2 has both a compression and layer targets"), m);
    m = error(flags("stages", "200x", "stages.2.compression", "300"));
    assertTrue(m.contains("stage 2 has a compression both in stages"), m);
    m = error(flags("stages.2.layers.fc1.keep", "2"));
    assertTrue(m.contains("stages.2.layers.fc1.keep = 2 (--set) is invalid"), m);
    m = error(flags("stages", "200x", "stages.2.rho.growth", "0.5"));
    assertTrue(m.contains("stages.2.rho.growth = 0.5 (--set) is invalid"), m);
    m = error(flags("stages", "200x", "stages.2.retrain.optimizer", "lbfgs"));
    assertTrue(m.contains("stages.2.retrain.optimizer = lbfgs (--set) is invalid"), m);
    m = error(flags("stages", "200x", "stages.2.dense.epochs", "3"));
    assertTrue(m.contains("unknown setting 'stages.2.dense.epochs'"), m);
    Path json = dir.resolve("bad-stages.json");
    Files.writeString(json, "{\"stages\": [\"100x\", {\"compression\": 200}]}", StandardCharsets.UTF_8);
    m = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(json, new ConfigSettings())).getMessage();
    assertTrue(m.contains("bad-stages.json") && m.contains("mixes compressions and objects"), m);
  }

  @Test
  void keepAndNonzerosReplaceEachOther() throws Exception {
    ConfigSettings s = Presets.settings(Presets.DEFAULT);
    s.put("layers.fc1.nonzeros", "5000", "--nonzeros");
    PruningConfig c = PruningConfigParser.parse(s);
    LayerRule fc1 = c.layers().stream().filter(r -> r.pattern().equals("fc1")).findFirst().orElseThrow();
    assertEquals(5000, fc1.nonzeros());
    assertTrue(Double.isNaN(fc1.keepFraction()));
  }

  @Test
  void learningRateSchedules() {
    TrainingSchedule cos = new TrainingSchedule(4, "sgd", 0.1f, 0.9f, 0f, "cosine");
    assertEquals(0.1f, cos.lrAt(0, 4), 1e-7);
    assertEquals(0.05f, cos.lrAt(2, 4), 1e-7);
    TrainingSchedule step = new TrainingSchedule(4, "sgd", 0.1f, 0.9f, 0f, "step");
    assertEquals(0.1f, step.lrAt(1, 4), 1e-7);
    assertEquals(0.01f, step.lrAt(2, 4), 1e-7);
    assertEquals(0.001f, step.lrAt(3, 4), 1e-7);
    RhoSchedule rho = new RhoSchedule(0.001, 2, 0.005);
    assertEquals(0.004, rho.at(2), 1e-12);
    assertEquals(0.005, rho.at(3), 1e-12);
  }
}
