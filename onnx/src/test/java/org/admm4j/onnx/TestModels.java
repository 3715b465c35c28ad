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
