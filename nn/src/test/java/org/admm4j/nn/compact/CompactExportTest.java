package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactExportTest {

  @TempDir
  Path dir;

  @Test
  void aZooSpecIsStoredAsItsNameAndRebuiltOnRead() throws IOException {
    Model m = QuantizedLenet5.build(3);
    Path f = dir.resolve("zoo.a4jc");
    CompactExport.Written w = CompactExport.write(f, m.spec(), ModelTensors.of(m), ModelMetadata.of(m, Map.of()),
        CompactExport.Options.EXACT);
    Map<String, String> stored = CompactModelReader.read(f).metadata();
    assertFalse(stored.containsKey(ModelMetadata.SPEC), stored.toString());
    assertEquals("lenet5", stored.get(ModelMetadata.MODEL));
    assertEquals(w.metadata(), stored);
    assertEquals(Models.spec("lenet5"), ModelFiles.read(f).model().spec());
    // the sparse path from the file predicts what the model does
    InferenceModel im = InferenceModel.load(f);
    float[] x = new float[8 * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37);
    }
    int[] expected = new int[8];
    float[] logits = m.predictLogits(x, 8);
    for (int i = 0; i < 8; i++) {
      expected[i] = Model.argmax(logits, i * 10, 10);
    }
    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(im.predictBatch(x, 8)));
  }

  @Test
  void anyOtherSpecIsStored() throws IOException {
    // named like a zoo model but one unit wider: the name alone would rebuild the wrong network
    List<LayerSpec> layers = new java.util.ArrayList<>(Models.spec("lenet5").layers());
    layers.set(5, new LayerSpec.Linear("fc1", 501, true));
    ModelSpec wider = new ModelSpec("lenet5", new int[] {1, 28, 28}, 10, layers);
    Model m = wider.build(1);
    Path f = dir.resolve("wider.a4jc");
    CompactExport.write(f, wider, ModelTensors.of(m), Map.of(ModelMetadata.MODEL, "lenet5"),
        CompactExport.Options.EXACT);
    assertEquals(wider.toJson(), CompactModelReader.read(f).metadata().get(ModelMetadata.SPEC));
    assertEquals(wider, ModelFiles.read(f).model().spec());
    // the zoo's spec under another model name is stored too
    Model lenet = Models.create("lenet5", 1);
    CompactExport.write(f, lenet.spec(), ModelTensors.of(lenet), Map.of(ModelMetadata.MODEL, "mine"),
        CompactExport.Options.EXACT);
    assertTrue(CompactModelReader.read(f).metadata().containsKey(ModelMetadata.SPEC));
  }

  /** Files written before the zoo reference (the spec in full, no gapped tensors) load as they did. */
  @Test
  void filesThatCarryTheSpecStillLoad() throws IOException {
    Model m = QuantizedLenet5.build(5);
    Path older = dir.resolve("older.a4jc");
    Path v1 = dir.resolve("v1.a4jc");
    CompactModelWriter.write(older, ModelTensors.of(m), ModelMetadata.of(m, Map.of()));
    CompactModelWriter.writeVersion1(v1, ModelTensors.of(m), ModelMetadata.of(m, Map.of()));
    for (Path f : List.of(older, v1)) {
      Model back = ModelFiles.read(f).model();
      assertEquals(m.spec(), back.spec());
      assertEquals(ModelTensors.of(m), ModelTensors.of(back), f.toString());
    }
    Path newer = dir.resolve("newer.a4jc");
    CompactModels.saveModel(m, newer, Map.of());
    assertTrue(Files.size(newer) < Files.size(older), Files.size(newer) + " vs " + Files.size(older));
  }

  @Test
  void refusesTensorsThatDoNotFitAndBadOptions() {
    Model m = Models.create("lenet5", 2);
    var tensors = ModelTensors.of(m);
    tensors.remove("conv2.weight");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompactExport.write(
        dir.resolve("x.a4jc"), m.spec(), tensors, Map.of(), CompactExport.Options.EXACT));
    assertTrue(e.getMessage().contains("'conv2.weight' is missing"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("x.a4jc")));
    IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
        () -> CompactExport.Options.quantizedBiases(1));
    assertTrue(bits.getMessage().contains("0 (exact) or 2 to 24, not 1"), bits.getMessage());
  }

  @Test
  void aZooModelsTensorTableLeavesOutNamesAndShapes() throws IOException {
    Model m = QuantizedLenet5.build(4);
    var tensors = ModelTensors.of(m);
    Path zoo = dir.resolve("zoo-table.a4jc");
    CompactModelWriter.write(zoo, tensors, Map.of(ModelMetadata.MODEL, "lenet5"));
    assertEquals(CompactFormat.FLAG_ZOO_TENSORS, flags(zoo) & CompactFormat.FLAG_ZOO_TENSORS);
    assertEquals(tensors, CompactModelReader.read(zoo).tensors());
    // another name, a stored spec, or tensors not the zoo's (one renamed): names and shapes are written
    Path named = dir.resolve("named.a4jc");
    CompactModelWriter.write(named, tensors, Map.of(ModelMetadata.MODEL, "mine"));
    assertEquals(0, flags(named) & CompactFormat.FLAG_ZOO_TENSORS);
    assertEquals(tensors, CompactModelReader.read(named).tensors());
    assertTrue(Files.size(zoo) + 60 < Files.size(named), Files.size(zoo) + " vs " + Files.size(named));
    Path withSpec = dir.resolve("spec.a4jc");
    CompactModelWriter.write(withSpec, tensors, ModelMetadata.of(m, Map.of()));
    assertEquals(0, flags(withSpec) & CompactFormat.FLAG_ZOO_TENSORS);
    var renamed = new java.util.LinkedHashMap<String, org.admm4j.nn.io.Tensor>();
    tensors.forEach((k, v) -> renamed.put(k.equals("fc2.bias") ? "fc2.b" : k, v));
    Path other = dir.resolve("renamed.a4jc");
    CompactModelWriter.write(other, renamed, Map.of(ModelMetadata.MODEL, "lenet5"));
    assertEquals(0, flags(other) & CompactFormat.FLAG_ZOO_TENSORS);
    assertEquals(renamed, CompactModelReader.read(other).tensors());
  }

  @Test
  void aZooTableNamingNoZooModelOrTooLargeForTheCapIsRefused() throws IOException {
    Model m = QuantizedLenet5.build(6);
    Path f = dir.resolve("raw.a4jc");
    CompactModelWriter.write(f, ModelTensors.of(m), Map.of(ModelMetadata.MODEL, "lenet5"), false);
    byte[] bytes = Files.readAllBytes(f);
    CompactFormatException cap = assertThrows(CompactFormatException.class, () -> CompactModelReader.read(f, 1000));
    assertTrue(cap.getMessage().contains("zoo model 'lenet5'") && cap.getMessage().contains("limit of 1000"),
        cap.getMessage());
    // the metadata value "lenet5" becomes "lenetX", the header CRC recomputed: a name the zoo does not have
    int at = indexOf(bytes, "lenet5".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    bytes[at + 5] = 'X';
    withHeaderCrc(bytes);
    Path bad = dir.resolve("bad.a4jc");
    Files.write(bad, bytes);
    CompactFormatException e = assertThrows(CompactFormatException.class, () -> CompactModelReader.read(bad));
    assertTrue(e.getMessage().contains("'lenetX', not one of the zoo models"), e.getMessage());
  }

  @Test
  void wellKnownMetadataKeysTakeAnIdAndTheNormalizationItsShortForm() throws IOException {
    Model m = QuantizedLenet5.build(8);
    Map<String, String> meta = new java.util.LinkedHashMap<>();
    meta.put(ModelMetadata.MODEL, "lenet5");
    meta.put(ModelMetadata.NORMALIZATION, new org.admm4j.nn.InputNormalization(new float[] {0.1307f, 0.5f, 1e-3f},
        new float[] {0.3081f, 0.25f, 7f}).toJson());
    meta.put("seed", "5");
    Path f = dir.resolve("short.a4jc");
    CompactModelWriter.write(f, ModelTensors.of(m), meta, false);
    assertEquals(CompactFormat.FLAG_SHORT_METADATA, flags(f) & CompactFormat.FLAG_SHORT_METADATA);
    assertEquals(meta, CompactModelReader.read(f).metadata());
    byte[] bytes = Files.readAllBytes(f);
    String header = new String(bytes, 0, CompactFormat.PREAMBLE_BYTES + 200, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(header.contains(ModelMetadata.NORMALIZATION), header);
    assertTrue(header.contains("0.1307,0.5,0.001/0.3081,0.25,7.0"), header);
    assertTrue(header.contains("seed"), header);
    // JSON that is not toJson()'s own form is stored as given, under its literal key
    Map<String, String> loose = Map.of(ModelMetadata.NORMALIZATION, "{ \"mean\": [0.5], \"std\": [0.5] }");
    CompactModelWriter.write(f, ModelTensors.of(m), loose, false);
    assertEquals(loose, CompactModelReader.read(f).metadata());
    // a key id past the table is refused by name
    CompactModelWriter.write(f, ModelTensors.of(m), Map.of(ModelMetadata.MODEL, "lenet5"), false);
    bytes = Files.readAllBytes(f);
    // raw header: metadataCount 1, key length 0, id 0 -> 9
    assertEquals(1, bytes[CompactFormat.PREAMBLE_BYTES]);
    assertEquals(0, bytes[CompactFormat.PREAMBLE_BYTES + 1]);
    bytes[CompactFormat.PREAMBLE_BYTES + 2] = 9;
    withHeaderCrc(bytes);
    Path bad = dir.resolve("bad-id.a4jc");
    Files.write(bad, bytes);
    CompactFormatException e = assertThrows(CompactFormatException.class, () -> CompactModelReader.read(bad));
    assertTrue(e.getMessage().contains("field 'keyId' is 9"), e.getMessage());
  }

  /** Recomputes the preamble's header CRC of an edited raw-header file. */
  private static void withHeaderCrc(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes, CompactFormat.PREAMBLE_BYTES, b.getInt(8));
    b.putInt(12, (int) crc.getValue());
  }

  private static int flags(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    return (b[6] & 0xff) | (b[7] & 0xff) << 8;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
