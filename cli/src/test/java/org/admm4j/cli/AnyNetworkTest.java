package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.admm4j.admm.pipeline.JsonFiles;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a network and data admm4j has never seen: a residual spec with BatchNorm on colour
 * images in each of the {@code npy:}, {@code cifar10:} and {@code folder:} forms, written here in their
 * exact layouts.
 */
class AnyNetworkTest {

  @TempDir
  Path dir;

  private static final int CLASSES = 4;

  /** The example network, narrower, on 3×S×S input. */
  private static String spec(int side) {
    return spec(side, CLASSES);
  }

  private static String spec(int side, int classes) {
    return """
        {"name": "tiny-resnet", "input": [3, %d, %d], "classes": %d, "layers": [
          {"type": "conv2d", "name": "conv1", "out_channels": 8, "kernel": 3, "stride": 1, "padding": 1, "bias": false},
          {"type": "batchnorm", "name": "bn1"}, {"type": "relu"},
          {"type": "residual", "name": "block1",
           "body": [{"type": "conv2d", "name": "conv1", "out_channels": 8, "kernel": 3, "stride": 2, "padding": 1, "bias": false},
                    {"type": "batchnorm", "name": "bn1"}, {"type": "relu"},
                    {"type": "conv2d", "name": "conv2", "out_channels": 8, "kernel": 3, "padding": 1, "bias": false},
                    {"type": "batchnorm", "name": "bn2"}],
           "shortcut": [{"type": "conv2d", "name": "down", "out_channels": 8, "kernel": 1, "stride": 2, "bias": false},
                        {"type": "batchnorm", "name": "down_bn"}]},
          {"type": "relu"}, {"type": "maxpool", "kernel": 2, "stride": 2},
          {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "dropout", "p": 0.1},
          {"type": "linear", "name": "fc", "out_features": %d}]}""".formatted(side, side, classes, classes);
  }

  /** Images whose class is the colour channel that is brightest, plus noise. */
  private static byte[][] images(int n, int side, long seed, int[] labels) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[][] out = new byte[n][3 * side * side];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES;
      for (int c = 0; c < 3; c++) {
        for (int j = 0; j < side * side; j++) {
          boolean bright = labels[i] == c || (labels[i] == 3 && j < side * side / 2);
          out[i][c * side * side + j] = (byte) Math.min(255, (bright ? 150 : 40) + r.nextInt(80));
        }
      }
    }
    return out;
  }

  private static void writeNpy(Path file, String descr, int[] shape, byte[] data) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().trim()
        + (shape.length == 1 ? "" : "") + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    Files.write(file, b.array());
  }

  private Path npyData(int train, int test, int side) throws IOException {
    Path d = Files.createDirectories(dir.resolve("npy"));
    for (String split : new String[] {"train", "test"}) {
      int n = split.equals("train") ? train : test;
      int[] labels = new int[n];
      byte[][] img = images(n, side, split.equals("train") ? 1 : 2, labels);
      ByteBuffer all = ByteBuffer.allocate(n * 3 * side * side);
      for (byte[] x : img) {
        all.put(x);
      }
      writeNpy(d.resolve(split + "-images.npy"), "|u1", new int[] {n, 3, side, side}, all.array());
      ByteBuffer l = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : labels) {
        l.putLong(v);
      }
      writeNpy(d.resolve(split + "-labels.npy"), "<i8", new int[] {n}, l.array());
    }
    return d;
  }

  private Path cifarData(int perBatch, int test) throws IOException {
    Path d = Files.createDirectories(dir.resolve("cifar"));
    for (int f = 1; f <= 6; f++) {
      int n = f == 6 ? test : perBatch;
      int[] labels = new int[n];
      byte[][] img = images(n, 32, 10 + f, labels);
      ByteBuffer b = ByteBuffer.allocate(n * 3073);
      for (int i = 0; i < n; i++) {
        b.put((byte) labels[i]).put(img[i]);
      }
      Files.write(d.resolve(f == 6 ? "test_batch.bin" : "data_batch_" + f + ".bin"), b.array());
    }
    return d;
  }

  private Path folderData(int train, int test, int side) throws IOException {
    Path d = dir.resolve("folder");
    for (String split : new String[] {"train", "test"}) {
      int n = split.equals("train") ? train : test;
      int[] labels = new int[n];
      byte[][] img = images(n, side, split.equals("train") ? 3 : 4, labels);
      for (int i = 0; i < n; i++) {
        Path cls = Files.createDirectories(d.resolve(split).resolve("class" + labels[i]));
        BufferedImage bi = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            int p = y * side + x;
            int rgb = (img[i][p] & 0xff) << 16 | (img[i][side * side + p] & 0xff) << 8 | (img[i][2 * side * side + p] & 0xff);
            bi.setRGB(x, y, rgb);
          }
        }
        ImageIO.write(bi, "png", cls.resolve(String.format("%04d.png", i)).toFile());
      }
    }
    return d;
  }

  private Path specFile(int side) throws IOException {
    return specFile(side, CLASSES);
  }

  private Path specFile(int side, int classes) throws IOException {
    Path f = dir.resolve("tiny-resnet.json");
    Files.writeString(f, spec(side, classes), StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void trainsPrunesEvaluatesAResidualSpecOnNpyData() throws Exception {
    Path data = npyData(256, 64, 12);
    Path spec = specFile(12);
    Path trained = dir.resolve("trained");
    MainTest.Run t = MainTest.run("train", "--model", spec.toString(), "--dataset", "npy:" + data, "--epochs", "2",
        "--threads", "2", "--no-progress", "--flip", "--shift", "1", "--out", trained.toString());
    assertEquals(0, t.code(), t.err());

    Path pruned = dir.resolve("pruned");
    MainTest.Run p = MainTest.run("prune", "--from", trained.resolve("model.safetensors").toString(),
        "--dataset", "npy:" + data, "--keep", "kind:conv=0.3", "--keep", "kind:linear=0.1", "--iterations", "2",
        "--retrain-epochs", "2", "--threads", "2", "--no-progress", "--out", pruned.toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("block1.down"), p.out());

    StoredModel stored = ModelFiles.read(pruned.resolve("model.safetensors"));
    assertEquals("tiny-resnet", stored.model().name());
    assertEquals(3, stored.normalization().channels());
    long total = 0, kept = 0;
    for (var w : stored.model().weights()) {
      total += w.size();
      kept += w.countNonZero();
      long expected = Math.max(1, Math.round(w.size() * (w.kind() == org.admm4j.nn.LayerKind.CONV ? 0.3 : 0.1)));
      assertEquals(expected, w.countNonZero(), w.name());
    }
    assertTrue(kept < total);
    assertTrue(SafeTensors.read(pruned.resolve("dense.safetensors")).metadata().containsKey(ModelMetadata.SPEC));

    Path json = dir.resolve("eval.json");
    Path predictions = dir.resolve("predictions.txt");
    MainTest.Run e = MainTest.run("eval", "--model", pruned.toString(), "--dataset", "npy:" + data, "--json",
        json.toString(), "--predictions", predictions.toString(), "--seconds", "0.05", "--threads", "1");
    assertEquals(0, e.code(), e.err());
    JsonObject o = JsonFiles.read(json);
    for (String key : new String[] {"accuracy", "test_images", "same_predictions", "dense_latency_ms",
        "sparse_latency_ms", "compact_bytes", "dense_bytes"}) {
      assertTrue(o.has(key), key + " missing from " + o);
    }
    assertEquals(64, o.get("test_images").getAsInt());
    assertEquals(64, o.get("same_predictions").getAsInt(), "sparse and dense paths disagree");
    assertEquals(64, Files.readAllLines(predictions).size());

    // the compact file serves the same classes as the safetensors file
    InferenceModel a = InferenceModel.load(pruned.resolve("model.safetensors"));
    InferenceModel b = InferenceModel.load(pruned.resolve("model.a4jc"));
    float[] x = new float[8 * a.inputSize()];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    assertEquals(java.util.Arrays.toString(a.predictBatch(x, 8)), java.util.Arrays.toString(b.predictBatch(x, 8)));
  }

  @Test
  void trainsAndEvaluatesOnCifarAndFolderForms() throws Exception {
    Path spec32 = specFile(32, 10); // CIFAR-10's ten classes
    Path cifar = cifarData(16, 24);
    Path out = dir.resolve("cifar-run");
    MainTest.Run t = MainTest.run("train", "--model", spec32.toString(), "--dataset", "cifar10:" + cifar,
        "--epochs", "1", "--threads", "2", "--no-progress", "--out", out.toString());
    assertEquals(0, t.code(), t.err());
    MainTest.Run e = MainTest.run("eval", "--model", out.toString(), "--dataset", "cifar10:" + cifar,
        "--seconds", "0.05", "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("(24 of 24 predictions identical)"), e.out());

    Path folder = folderData(48, 16, 10);
    Files.writeString(spec32, spec(10), StandardCharsets.UTF_8);
    Path out2 = dir.resolve("folder-run");
    MainTest.Run t2 = MainTest.run("train", "--model", spec32.toString(), "--dataset", "folder:" + folder,
        "--epochs", "1", "--threads", "2", "--no-progress", "--out", out2.toString());
    assertEquals(0, t2.code(), t2.err());
    MainTest.Run e2 = MainTest.run("eval", "--model", out2.toString(), "--dataset", "folder:" + folder,
        "--seconds", "0.05", "--threads", "1");
    assertEquals(0, e2.code(), e2.err());
    assertTrue(e2.out().contains("(16 of 16 predictions identical)"), e2.out());

    // a model on data of another shape: both shapes named, exit 1, no stack trace
    MainTest.Run bad = MainTest.run("eval", "--model", out.toString(), "--dataset", "folder:" + folder,
        "--seconds", "0.05");
    assertEquals(Main.EXIT_FAILED, bad.code());
    assertTrue(bad.err().contains("[3, 32, 32]") && bad.err().contains("[3, 10, 10]"), bad.err());
    assertFalse(bad.err().contains("\tat "), bad.err());
  }

  @Test
  void aSpecThatDoesNotFitIsRefusedBeforeAnyWork() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, spec(12).replace("\"kernel\": 1, \"stride\": 2", "\"kernel\": 1, \"stride\": 1"),
        StandardCharsets.UTF_8);
    MainTest.Run r = MainTest.run("train", "--model", f.toString(), "--dataset", "synthetic", "--out",
        dir.resolve("never").toString());
    assertEquals(Main.EXIT_FAILED, r.code());
    assertTrue(r.err().contains("residual 'block1'") && r.err().contains("[8, 6, 6]") && r.err().contains("[8, 12, 12]"),
        r.err());
    assertFalse(Files.exists(dir.resolve("never")));
  }
}
