package org.admm4j.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The ONNX files and PyTorch logits that {@code make_onnx.py} wrote next to this class's resources. */
final class TorchFixtures {

  /** Inputs {@code [n × C·H·W]} and PyTorch's logits {@code [n × classes]} for one fixture. */
  record Logits(int count, float[] input, float[] logits) {}

  private TorchFixtures() {}

  static Path onnx(String name) {
    try {
      return Path.of(TorchFixtures.class.getResource(name + ".onnx").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Logits logits(String name) {
    try (InputStream in = TorchFixtures.class.getResourceAsStream(name + ".logits.json")) {
      JsonObject o = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
      return new Logits(o.getAsJsonArray("shape").get(0).getAsInt(), floats(o.getAsJsonArray("input")),
          floats(o.getAsJsonArray("logits")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).getAsFloat();
    }
    return f;
  }

  /** The largest |a − b|. */
  static float maxDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " and " + b.length);
    }
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
