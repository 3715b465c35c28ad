package org.admm4j.nn.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only reader of the raw MNIST IDX files in {@code ~/.cache/admm4j/mnist} (nn does not depend on
 * the datasets module); for experiments and the optional real-data test.
 */
final class MnistFiles {

  static final Path DIR = Path.of(System.getProperty("user.home"), ".cache", "admm4j", "mnist");

  final float[] images;
  final byte[] labels;
  final int count;

  private MnistFiles(float[] images, byte[] labels) {
    this.images = images;
    this.labels = labels;
    this.count = labels.length;
  }

  static boolean available() {
    return Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte"))
        && Files.isRegularFile(DIR.resolve("t10k-labels-idx1-ubyte"));
  }

  /** {@code prefix} "train" or "t10k"; pixels normalised with MNIST's mean 0.1307 and std 0.3081. */
  static MnistFiles load(String prefix) throws IOException {
    ByteBuffer img = ByteBuffer.wrap(Files.readAllBytes(DIR.resolve(prefix + "-images-idx3-ubyte")));
    ByteBuffer lab = ByteBuffer.wrap(Files.readAllBytes(DIR.resolve(prefix + "-labels-idx1-ubyte")));
    if (img.getInt(0) != 0x803 || lab.getInt(0) != 0x801) {
      throw new IOException("bad IDX magic in " + DIR + "/" + prefix);
    }
    int n = img.getInt(4), rows = img.getInt(8), cols = img.getInt(12);
    if (lab.getInt(4) != n || rows != 28 || cols != 28) {
      throw new IOException("unexpected IDX dimensions in " + DIR + "/" + prefix);
    }
    float[] images = new float[n * 784];
    for (int i = 0; i < images.length; i++) {
      images[i] = ((img.get(16 + i) & 0xFF) / 255f - 0.1307f) / 0.3081f;
    }
    byte[] labels = new byte[n];
    lab.position(8);
    lab.get(labels);
    return new MnistFiles(images, labels);
  }
}
