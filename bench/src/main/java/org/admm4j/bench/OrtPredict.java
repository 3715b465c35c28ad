package org.admm4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * ONNX Runtime's predictions for a test set, so that a script can compare them image by image with
 * admm4j's ({@code eval --predictions}) or PyTorch's: {@code java -cp benchmarks.jar
 * org.admm4j.bench.OrtPredict MODEL.onnx IMAGES-idx3-ubyte[.gz] MEAN STD OUT.txt}. Pixels become
 * {@code (p/255 − mean)/std}, one channel (IDX images are grey); OUT gets one class per line.
 */
public final class OrtPredict {

  private static final int BATCH = 100;

  private OrtPredict() {}

  public static void main(String[] args) throws IOException, OrtException {
    if (args.length != 5) {
      System.err.println("usage: OrtPredict MODEL.onnx IMAGES-idx3-ubyte[.gz] MEAN STD OUT.txt");
      System.exit(2);
    }
    float mean = Float.parseFloat(args[2]), std = Float.parseFloat(args[3]);
    ByteBuffer idx = ByteBuffer.wrap(read(Path.of(args[1])));
    if (idx.remaining() < 16 || idx.getInt(0) != 0x803) {
      System.err.println(args[1] + ": not an IDX image file (magic 0x803)");
      System.exit(1);
    }
    int n = idx.getInt(4), rows = idx.getInt(8), cols = idx.getInt(12);
    if (n < 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols + 16 > idx.capacity()) {
      System.err.println(args[1] + ": " + n + " images of " + rows + "x" + cols + " do not fit the file");
      System.exit(1);
    }
    int size = rows * cols;
    StringBuilder out = new StringBuilder(n * 2);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(args[0], o)) {
        String input = session.getInputNames().iterator().next();
        float[] x = new float[BATCH * size];
        for (int from = 0; from < n; from += BATCH) {
          int b = Math.min(BATCH, n - from);
          for (int i = 0; i < b * size; i++) {
            x[i] = ((idx.get(16 + from * size + i) & 0xFF) / 255f - mean) / std;
          }
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, b * size),
                  new long[] {b, 1, rows, cols});
              OrtSession.Result r = session.run(java.util.Map.of(input, t))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            for (float[] l : logits) {
              int best = 0;
              for (int c = 1; c < l.length; c++) {
                best = l[c] > l[best] ? c : best;
              }
              out.append(best).append('\n');
            }
          }
        }
      }
    }
    Files.writeString(Path.of(args[4]), out.toString(), StandardCharsets.UTF_8);
    System.out.printf(Locale.ROOT, "%d predictions by ONNX Runtime written to %s%n", n, args[4]);
  }

  private static byte[] read(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    if (raw.length < 2 || (raw[0] & 0xFF) != 0x1f || (raw[1] & 0xFF) != 0x8b) {
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    }
  }
}
