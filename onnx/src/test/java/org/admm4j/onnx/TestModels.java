package org.admm4j.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.spec.SpecReader;

/** Models for the export tests: zoo and spec networks with pruned weights and non-trivial BatchNorm statistics. */
final class TestModels {

  private TestModels() {}

  /** A zoo model, a third of each weight pruned to +0 and BatchNorm statistics drawn. */
  static Model zoo(String name, long seed) {
    return prepared(Models.create(name, seed), seed);
  }

  /** The residual BatchNorm spec make_onnx.py exports through torch, built here by admm4j. */
  static Model residual(long seed) {
    try (InputStream in = TestModels.class.getResourceAsStream("resnet_bn.json")) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return prepared(SpecReader.parse(json, "resnet_bn.json").build(seed), seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Model prepared(Model m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (Parameter p : m.tensors()) {
      float[] d = p.data();
      if (p.isWeight()) {
        for (int i = 0; i < d.length; i++) {
          if (r.nextInt(3) == 0) {
            d[i] = 0f;
          }
        }
      } else if (p.name().endsWith(".running_var") || !p.isWeight() && p.name().endsWith(".weight")) {
        for (int i = 0; i < d.length; i++) {
          d[i] = 0.5f + (float) r.nextDouble();
        }
      } else if (p.name().endsWith(".running_mean") || p.name().endsWith(".bias")) {
        for (int i = 0; i < d.length; i++) {
          d[i] = (float) (r.nextDouble() - 0.5) * 0.2f;
        }
      }
    }
    return m;
  }

  /**
   * {@code count} ≤ 64 real images of {@code model}'s shape: the first Fashion-MNIST test images
   * (fashion-t10k-first64.u8, 64 × 28 × 28 bytes from Debian's dataset-fashion-mnist, MIT licence),
   * centre-cropped or zero-padded to H × W, the same grey plane in every channel, normalised as admm4j
   * normalises Fashion-MNIST ((p/255 − 0.2860)/0.3530).
   */
  static float[] realImages(Model model, int count) {
    int[] shape = model.inputShape();
    if (shape.length != 3 || count > 64) {
      throw new IllegalArgumentException("real images are C×H×W and at most 64, asked " + count + " of "
          + java.util.Arrays.toString(shape));
    }
    byte[] raw;
    try (InputStream in = TestModels.class.getResourceAsStream("fashion-t10k-first64.u8")) {
      raw = in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int c = shape[0], h = shape[1], w = shape[2];
    int top = (28 - h) / 2, left = (28 - w) / 2;
    float[] x = new float[count * c * h * w];
    for (int n = 0; n < count; n++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) {
            int si = i + top, sj = j + left;
            float p = si >= 0 && si < 28 && sj >= 0 && sj < 28 ? (raw[n * 784 + si * 28 + sj] & 0xFF) / 255f : 0f;
            x[((n * c + ch) * h + i) * w + j] = (p - 0.2860f) / 0.3530f;
          }
        }
      }
    }
    return x;
  }

  /** {@code count} inputs of {@code model}'s shape, standard normal. */
  static float[] inputs(Model model, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[count * model.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) gaussian(r);
    }
    return x;
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
