package org.admm4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.quant.QuantizationMode;
import org.junit.jupiter.api.Test;

class QuantizationSettingsTest {

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
  void bitsAndQuantizerParseAndRoundTrip() throws Exception {
    PruningConfig c = ConfigResolver.resolve(null, flags("layers.kind:conv.bits", "3", "layers.fc*.bits", "2",
        "layers.fc*.quantizer", "uniform"));
    assertEquals(List.of(new QuantizationRule("kind:conv", 3, QuantizationMode.CODEBOOK),
        new QuantizationRule("fc*", 2, QuantizationMode.UNIFORM)), c.plan().quantization());
    // bits alone keep the preset's keep targets
    assertEquals(4, c.layers().size());
    assertEquals(c, PruningConfigParser.parse(ConfigSettings.of(c.toSettings(), "saved")));
  }

  @Test
  void theQuantPresetQuantizesEveryLayerOfItsLastStage() throws Exception {
    PruningConfig c = PruningConfigParser.parse(Presets.settings("lenet5-quant"));
    assertEquals(3, c.plan().stages().size());
    List<org.admm4j.admm.config.Stage> base = PruningConfigParser.parse(Presets.settings("lenet5-350x-hand")).plan().stages();
    // stages 2-3 as lenet5-350x-hand (so their bits are its bits), stage 4 its targets on a shorter schedule
    assertEquals(base.subList(0, 2), c.plan().stages().subList(0, 2));
    assertEquals(base.get(2).layers(), c.plan().stages().get(2).layers());
    assertEquals(8, c.plan().stages().get(2).admmIterations());
    assertEquals(8, c.plan().stages().get(2).retrain().epochs());
    assertEquals(2, c.plan().quantization().size());
    for (QuantizationRule q : c.plan().quantization()) {
      assertEquals(3, q.bits());
      assertEquals(QuantizationMode.CODEBOOK, q.mode());
    }
  }

  @Test
  void badValuesAreNamed() {
    String m = error(flags("layers.fc1.bits", "9"));
    assertTrue(m.contains("layers.fc1.bits = 9") && m.contains("[2, 8]"), m);
    m = error(flags("layers.fc1.bits", "three"));
    assertTrue(m.contains("layers.fc1.bits = three"), m);
    m = error(flags("layers.fc1.bits", "3", "layers.fc1.quantizer", "lloyd"));
    assertTrue(m.contains("layers.fc1.quantizer = lloyd") && m.contains("codebook"), m);
    m = error(flags("layers.fc1.quantizer", "uniform"));
    assertTrue(m.contains("no layers.fc1.bits beside it"), m);
  }
}
