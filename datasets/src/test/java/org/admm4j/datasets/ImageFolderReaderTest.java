package org.admm4j.datasets;

import static org.admm4j.datasets.Cifar10ReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir Path dir;

  private static final int W = 6;
  private static final int H = 4;

  /** A grey PNG whose pixels come from {@code seed}; returns them row-major. */
  private static byte[] grey(Path file, long seed, int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    SplittableRandom r = new SplittableRandom(seed);
    byte[] px = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = r.nextInt(256);
        px[y * w + x] = (byte) v;
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
    return px;
  }

  /** An RGB PNG; returns its pixels in CHW order. */
  private static byte[] rgb(Path file, long seed) throws Exception {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    byte[] chw = new byte[3 * W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int red = r.nextInt(256);
        int green = r.nextInt(256);
        int blue = r.nextInt(256);
        img.setRGB(x, y, (red << 16) | (green << 8) | blue);
        chw[y * W + x] = (byte) red;
        chw[W * H + y * W + x] = (byte) green;
        chw[2 * W * H + y * W + x] = (byte) blue;
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
    return chw;
  }

  private static void assertSample(Dataset d, int i, byte[] expected) {
    float[] s = new float[d.sampleSize()];
    d.copySample(i, s, 0);
    float[] e = new float[expected.length];
    for (int k = 0; k < e.length; k++) {
      e[k] = (expected[k] & 0xff) / 255f;
    }
    assertArrayEquals(e, s);
  }

  @Test
  void readsGreyClassesInSortedOrder() throws Exception {
    byte[] cat1 = grey(dir.resolve("train/cat/b.png"), 1, W, H);
    byte[] cat0 = grey(dir.resolve("train/cat/a.png"), 2, W, H);
    byte[] ant = grey(dir.resolve("train/ant/x.PNG"), 3, W, H);
    byte[] dog = grey(dir.resolve("train/dog/1.png"), 4, W, H);
    Files.writeString(dir.resolve("train/dog/notes.txt"), "ignored");
    byte[] testDog = grey(dir.resolve("test/dog/z.png"), 5, W, H);
    TrainTestSplit s = ImageFolderReader.read(dir);
    assertEquals(List.of("ant", "cat", "dog"), s.classNames());
    assertEquals(3, s.train().classes());
    assertEquals(3, s.test().classes());
    assertArrayEquals(new int[] {1, H, W}, s.train().sampleShape());
    assertEquals(4, s.train().size());
    int[] labels = {s.train().label(0), s.train().label(1), s.train().label(2), s.train().label(3)};
    assertArrayEquals(new int[] {0, 1, 1, 2}, labels);
    assertSample(s.train(), 0, ant);
    assertSample(s.train(), 1, cat0);
    assertSample(s.train(), 2, cat1);
    assertSample(s.train(), 3, dog);
    assertEquals(1, s.test().size(), "test may hold a subset of the classes");
    assertEquals(2, s.test().label(0), "with the train label");
    assertSample(s.test(), 0, testDog);
    assertEquals(ChannelNormalization.of(s.train()), s.normalization());
  }

  @Test
  void oneColourFileMakesEverythingRgb() throws Exception {
    byte[] g = grey(dir.resolve("train/a/1.png"), 1, W, H);
    byte[] c = rgb(dir.resolve("train/b/1.png"), 2);
    byte[] t = grey(dir.resolve("test/a/1.png"), 3, W, H);
    TrainTestSplit s = ImageFolderReader.read(dir);
    assertArrayEquals(new int[] {3, H, W}, s.train().sampleShape());
    byte[] g3 = new byte[3 * W * H];
    for (int ch = 0; ch < 3; ch++) {
      System.arraycopy(g, 0, g3, ch * W * H, W * H);
    }
    assertSample(s.train(), 0, g3);
    assertSample(s.train(), 1, c);
    byte[] t3 = new byte[3 * W * H];
    for (int ch = 0; ch < 3; ch++) {
      System.arraycopy(t, 0, t3, ch * W * H, W * H);
    }
    assertSample(s.test(), 0, t3);
    assertEquals(3, s.normalization().channels());
  }

  @Test
  void readsJpeg() throws Exception {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Files.createDirectories(dir.resolve("train/a"));
    Files.createDirectories(dir.resolve("test/a"));
    ImageIO.write(img, "jpg", dir.resolve("train/a/1.jpg").toFile());
    ImageIO.write(img, "jpeg", dir.resolve("test/a/1.jpeg").toFile());
    TrainTestSplit s = ImageFolderReader.read(dir);
    assertArrayEquals(new int[] {3, H, W}, s.train().sampleShape());
  }

  @Test
  void refusesDifferentSizesNamingTheFileAndBothSizes() throws Exception {
    grey(dir.resolve("train/a/1.png"), 1, W, H);
    grey(dir.resolve("train/a/2.png"), 1, W, H);
    grey(dir.resolve("test/a/1.png"), 1, W + 1, H);
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("test/a/1.png").toString(), "expected 6x4", "found 7x4",
        dir.resolve("train/a/1.png").toString());
  }

  @Test
  void refusesEmptyClassFolder() throws Exception {
    grey(dir.resolve("train/a/1.png"), 1, W, H);
    Files.createDirectories(dir.resolve("train/b"));
    Files.writeString(dir.resolve("train/b/readme.txt"), "no images");
    grey(dir.resolve("test/a/1.png"), 1, W, H);
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("train/b").toString(), "empty class folder");
  }

  @Test
  void refusesCorruptAndTruncatedImages() throws Exception {
    grey(dir.resolve("train/a/1.png"), 1, W, H);
    Files.write(dir.resolve("train/a/2.png"), new byte[] {1, 2, 3, 4, 5});
    grey(dir.resolve("test/a/1.png"), 1, W, H);
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("train/a/2.png").toString());
    Path whole = dir.resolve("train/a/1.png");
    byte[] png = Files.readAllBytes(whole);
    Files.write(dir.resolve("train/a/2.png"), Arrays.copyOf(png, png.length - 20));
    e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("train/a/2.png").toString(), "truncated");
    Files.write(dir.resolve("train/a/2.png"), Arrays.copyOf(png, png.length / 2));
    e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("train/a/2.png").toString());
  }

  @Test
  void refusesTruncatedJpeg() throws Exception {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(4);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    Files.createDirectories(dir.resolve("train/a"));
    Files.createDirectories(dir.resolve("test/a"));
    Path ok = dir.resolve("train/a/1.jpg");
    ImageIO.write(img, "jpg", ok.toFile());
    ImageIO.write(img, "jpg", dir.resolve("test/a/1.jpg").toFile());
    byte[] jpg = Files.readAllBytes(ok);
    Path cut = dir.resolve("train/a/2.jpg");
    Files.write(cut, Arrays.copyOf(jpg, jpg.length * 2 / 3));
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, cut.toString());
  }

  @Test
  void refusesTestClassWithoutTrainFolderAndMissingSplits() throws Exception {
    grey(dir.resolve("train/a/1.png"), 1, W, H);
    grey(dir.resolve("test/zebra/1.png"), 1, W, H);
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(dir));
    assertContains(e, dir.resolve("test/zebra").toString(), "'zebra'", "[a]");
    Path other = dir.resolve("other");
    grey(other.resolve("train/a/1.png"), 1, W, H);
    e = assertThrows(DatasetException.class, () -> ImageFolderReader.read(other));
    assertContains(e, other.resolve("test").toString(), "not a directory");
  }
}
