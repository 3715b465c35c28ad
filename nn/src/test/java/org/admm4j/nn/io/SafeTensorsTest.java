package org.admm4j.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir
  Path dir;

  @Test
  void byteLayoutOfATinyFile() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("a", new Tensor(new int[] {2}, new float[] {1f, -2f}));
    t.put("b", new Tensor(new int[] {1, 1}, new float[] {0.5f}));
    Path f = dir.resolve("tiny.safetensors");
    SafeTensors.write(f, t, Map.of());
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = bb.getLong(0);
    assertEquals(0, n % 8, "header padded to 8 bytes");
    String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}", json.stripTrailing());
    assertEquals(8 + n + 12, bytes.length);
    assertEquals(1f, bb.getFloat((int) (8 + n)));
    assertEquals(-2f, bb.getFloat((int) (8 + n + 4)));
    assertEquals(0.5f, bb.getFloat((int) (8 + n + 8)));
    assertEquals(0x3f, bytes[(int) (8 + n + 3)], "little-endian 1.0f ends with 0x3f");
  }

  @Test
  void roundTripWithMetadata() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    float[] big = new float[40_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.25f - 7f;
    }
    t.put("big", new Tensor(new int[] {200, 200}, big));
    t.put("empty", new Tensor(new int[] {0, 3}, new float[0]));
    t.put("scalar", new Tensor(new int[] {}, new float[] {Float.NaN}));
    Path f = dir.resolve("sub/rt.safetensors");
    SafeTensors.write(f, t, Map.of("k", "v", "seed", "1"));
    SafeTensorsFile r = SafeTensors.read(f);
    assertEquals(Map.of("k", "v", "seed", "1"), r.metadata());
    assertEquals(t.get("big"), r.tensor("big"));
    assertArrayEquals(new int[] {0, 3}, r.tensor("empty").shape());
    assertTrue(Float.isNaN(r.tensor("scalar").data()[0]));
    try (var s = Files.list(f.getParent())) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }

  @Test
  void modelSaveLoadRoundTrip() throws IOException {
    Model a = Models.create("lenet5", 1), b = Models.create("lenet5", 2);
    Path f = dir.resolve("m.safetensors");
    SafeTensors.saveModel(a, f, Map.of("seed", "1"));
    SafeTensors.loadModel(b, f);
    for (Parameter p : a.tensors()) {
      assertArrayEquals(p.data(), b.parameter(p.name()).data(), p.name());
    }
    SafeTensorsFile r = SafeTensors.read(f);
    assertEquals("lenet5", r.metadata().get("model"));
    assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
        "fc2.weight", "fc2.bias"), List.copyOf(r.tensors().keySet()));
    Model conv = Models.create("convnet", 1);
    SafeTensors.saveModel(conv, dir.resolve("c.safetensors"), null);
    assertTrue(SafeTensors.read(dir.resolve("c.safetensors")).tensors().containsKey("bn1.running_var"));
  }

  @Test
  void loadModelNamesEveryMismatchAndChangesNothing() throws IOException {
    Path f = dir.resolve("other.safetensors");
    SafeTensors.saveModel(Models.create("lenet-300-100", 1), f, null);
    Model m = Models.create("lenet5", 1);
    float[] before = m.parameter("fc1.weight").data().clone();
    IOException e = assertThrows(IOException.class, () -> SafeTensors.loadModel(m, f));
    String msg = e.getMessage();
    assertTrue(msg.contains("missing conv1.weight [20, 1, 5, 5]"), msg);
    assertTrue(msg.contains("fc1.weight has shape [300, 784] in the file, the model expects [500, 800]"), msg);
    assertTrue(msg.contains("unexpected fc3.weight"), msg);
    assertArrayEquals(before, m.parameter("fc1.weight").data());
  }

  @Test
  void corruptFilesAreRefusedWithClearMessages() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", new Tensor(new int[] {2, 2}, new float[] {1, 2, 3, 4}));
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, t, Map.of());
    byte[] bytes = Files.readAllBytes(good);
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

    assertRefused(Arrays.copyOf(bytes, bytes.length - 3), "truncated");
    assertRefused(Arrays.copyOf(bytes, 5), "too short");
    byte[] huge = bytes.clone();
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    assertRefused(huge, "header length");
    byte[] past = bytes.clone();
    ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length);
    assertRefused(past, "past the end");
    assertRefused(withHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "dtype F16");
    assertRefused(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16),
        "shape [2, 3]");
    assertRefused(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 20),
        "cover 16 data bytes");
    assertRefused(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "starts at data offset 4");
    assertRefused(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "whole number");
    assertRefused(withHeader("[1,2]", 0), "not an object");
    assertRefused(withHeader("{\"w\":", 0), "not valid JSON");
    assertRefused(withHeader("{\"__metadata__\":{\"a\":1}}", 0), "not a string");
    assertTrue(n > 0);
  }

  private static byte[] withHeader(String json, int dataBytes) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private void assertRefused(byte[] content, String expected) throws IOException {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, content);
    IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should say " + expected);
    assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
  }
}
