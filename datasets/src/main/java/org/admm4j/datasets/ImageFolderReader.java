package org.admm4j.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a folder of images, one subfolder per class: {@code DIR/train/<class>/*.png|jpg|jpeg} and
 * {@code DIR/test/<class>/*}.
 *
 * <ul>
 *   <li>Classes are the train subfolder names, sorted; label i is the i-th. Test class folders must
 *       be among them (a subset: a class may be missing from test), with the train label.
 *   <li>Files are taken in name order; other extensions and hidden entries are ignored. A class
 *       folder without any image is refused.
 *   <li>Every image must have the same width and height (refused naming the file and both sizes).
 *   <li>Grey or colour is decided by the files: if any image of either split is colour (3 colour
 *       components, palette images included), all are read as RGB with grey ones copied into the
 *       three channels; otherwise one channel. Alpha is dropped. Grey samples deeper than 8 bits are
 *       scaled to 0..255.
 * </ul>
 * Sizes and colour are read from each file's header first, so the pixel array is allocated once.
 * The normalisation is computed on the training images.
 */
public final class ImageFolderReader {
  /** Extensions read, lower case. */
  public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg");

  // Length 0, "IEND", CRC: the last 12 bytes of every complete PNG.
  private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60,
      (byte) 0x82};

  // Deflate expands at most 1,032-fold and a 1-bit PNG packs 8 pixels a byte; a JPEG needs at least a
  // bit per 8x8 block. So no real image holds more pixels than this per byte of file: a header that says
  // otherwise would have the decoder and the dataset allocate for pixels that are not there.
  private static final long MAX_PIXELS_PER_BYTE = 8 * 1032;

  private ImageFolderReader() {}

  /** One image file with its label and what its header says. */
  private record Entry(Path file, int label, int width, int height, boolean colour) {}

  /**
   * Reads {@code dir/train} and {@code dir/test} as "folder", with the class names.
   *
   * @throws DatasetException naming the file or folder and the problem, expected and found
   */
  public static TrainTestSplit read(Path dir) throws DatasetException {
    Path trainDir = dir.resolve("train");
    Path testDir = dir.resolve("test");
    for (Path d : List.of(trainDir, testDir)) {
      if (!Files.isDirectory(d)) {
        throw new DatasetException(d + ": not a directory (folder:DIR expects DIR/train/<class>/"
            + "*.png|jpg|jpeg and DIR/test/<class>/*)");
      }
    }
    List<String> classes = subfolders(trainDir);
    if (classes.isEmpty()) {
      throw new DatasetException(trainDir + ": expected one subfolder per class, found none");
    }
    List<String> testClasses = subfolders(testDir);
    if (testClasses.isEmpty()) {
      throw new DatasetException(testDir + ": expected one subfolder per class, found none");
    }
    for (String c : testClasses) {
      if (!classes.contains(c)) {
        throw new DatasetException(testDir.resolve(c) + ": class '" + c + "' has no train folder; "
            + "expected test classes among the train classes " + classes);
      }
    }
    List<Entry> train = entries(trainDir, classes, classes);
    List<Entry> test = entries(testDir, testClasses, classes);
    Entry first = train.get(0);
    boolean colour = false;
    for (List<Entry> split : List.of(train, test)) {
      for (Entry e : split) {
        if (e.width() != first.width() || e.height() != first.height()) {
          throw new DatasetException(e.file() + ": size: expected " + first.width() + "x"
              + first.height() + " (as " + first.file() + "), found " + e.width() + "x"
              + e.height() + "; all images must have the same size");
        }
        colour |= e.colour();
      }
    }
    int[] shape = {colour ? 3 : 1, first.height(), first.width()};
    Dataset trainSet = decode(train, shape, classes.size());
    Dataset testSet = decode(test, shape, classes.size());
    return new TrainTestSplit(trainSet, testSet, ChannelNormalization.of(trainSet), classes);
  }

  private static List<String> subfolders(Path dir) throws DatasetException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(dir + ": cannot list: " + e, e);
    }
  }

  private static List<Entry> entries(Path splitDir, List<String> folders, List<String> classes)
      throws DatasetException {
    List<Entry> out = new ArrayList<>();
    for (String c : folders) {
      Path folder = splitDir.resolve(c);
      List<Path> files;
      try (Stream<Path> s = Files.list(folder)) {
        files = s.filter(ImageFolderReader::isImageName).sorted().toList();
      } catch (IOException e) {
        throw new DatasetException(folder + ": cannot list: " + e, e);
      }
      if (files.isEmpty()) {
        throw new DatasetException(folder + ": expected at least one ." + String.join("/.",
            EXTENSIONS) + " image, found none (empty class folder)");
      }
      int label = classes.indexOf(c);
      for (Path f : files) {
        out.add(probe(f, label));
      }
    }
    return out;
  }

  private static boolean isImageName(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return !n.startsWith(".") && dot > 0 && Files.isRegularFile(p)
        && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Size and colour from the header only. */
  private static Entry probe(Path file, int label) throws DatasetException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new DatasetException(file + ": cannot open as an image");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DatasetException(file + ": expected a PNG or JPEG image, found a file no image "
            + "reader recognises (corrupt or another format)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        long fileBytes = Files.size(file);
        if ((long) width * height > MAX_PIXELS_PER_BYTE * fileBytes) {
          throw new DatasetException(file + ": size: the header declares " + width + "x" + height
              + " pixels, more than a " + fileBytes + "-byte PNG or JPEG can hold (at most "
              + MAX_PIXELS_PER_BYTE + " pixels a byte); corrupt, or a decompression bomb");
        }
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
          Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
          type = types.hasNext() ? types.next() : null;
        }
        // Unknown colour type: read as colour, the safe side.
        boolean colour = type == null || type.getColorModel().getNumColorComponents() > 1;
        if (reader.getFormatName().equalsIgnoreCase("png")) {
          checkPngEnd(file);
        }
        return new Entry(file, label, width, height, colour);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file + ": cannot read the image header (corrupt?): " + e, e);
    }
  }

  private static InMemoryDataset decode(List<Entry> entries, int[] shape, int classes)
      throws DatasetException {
    int plane = shape[1] * shape[2];
    int sample = shape[0] * plane;
    if ((long) entries.size() * sample > NpyFile.MAX_ELEMENTS) {
      throw new DatasetException(entries.get(0).file().getParent().getParent() + ": "
          + entries.size() + " images of " + InMemoryDataset.shapeText(shape)
          + " do not fit one Java array");
    }
    byte[] pixels = new byte[entries.size() * sample];
    int[] labels = new int[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      labels[i] = e.label();
      BufferedImage image = decode(e.file());
      if (image.getWidth() != shape[2] || image.getHeight() != shape[1]) {
        throw new DatasetException(e.file() + ": size: expected " + shape[2] + "x" + shape[1]
            + " (from its header), found " + image.getWidth() + "x" + image.getHeight());
      }
      write(e.file(), image, pixels, i * sample, shape[0], shape[1], shape[2]);
    }
    return InMemoryDataset.ofBytes("folder", shape, classes, pixels, labels);
  }

  /**
   * Decodes one image, refusing it when the reader warns: the JPEG reader reports a truncated file
   * ("Premature end of JPEG file") as a warning and fills the rest with grey.
   */
  private static BufferedImage decode(Path file) throws DatasetException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new DatasetException(file + ": cannot decode the image (no reader recognises it)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new DatasetException(file + ": image decoder warning (corrupt or truncated?): "
              + warnings.get(0));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException ex) {
      throw new DatasetException(file + ": cannot decode the image (corrupt or truncated?): "
          + ex, ex);
    }
  }

  /**
   * A PNG ends with the 12-byte IEND chunk; without it the file was cut short, which the PNG reader
   * does not always notice (it stops at the end of the image data).
   */
  private static void checkPngEnd(Path file) throws IOException, DatasetException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer end = ByteBuffer.allocate(PNG_END.length);
      long start = ch.size() - PNG_END.length;
      while (start >= 0 && end.hasRemaining()) {
        if (ch.read(end, start + end.position()) < 0) {
          break;
        }
      }
      if (start < 0 || !Arrays.equals(end.array(), PNG_END)) {
        throw new DatasetException(file + ": PNG end: expected the IEND chunk at the end of the "
            + "file, found none (truncated file?)");
      }
    }
  }

  /** One image into CHW bytes at {@code at}: grey from the raster (no colour conversion), RGB as sRGB. */
  private static void write(Path file, BufferedImage image, byte[] out, int at, int channels,
      int height, int width) throws DatasetException {
    int plane = height * width;
    boolean grey = image.getColorModel().getNumColorComponents() == 1;
    if (grey) {
      // getRGB would pass grey through a colour-space conversion and change the values.
      Raster raster = image.getRaster();
      int bits = image.getColorModel().getComponentSize(0);
      long max = (1L << bits) - 1;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = raster.getSample(x, y, 0);
          byte b = (byte) (bits == 8 ? v : Math.round(v * 255.0 / max));
          for (int c = 0; c < channels; c++) {
            out[at + c * plane + y * width + x] = b;
          }
        }
      }
    } else if (channels == 3) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int rgb = image.getRGB(x, y);
          int p = at + y * width + x;
          out[p] = (byte) (rgb >> 16);
          out[p + plane] = (byte) (rgb >> 8);
          out[p + 2 * plane] = (byte) rgb;
        }
      }
    } else {
      throw new DatasetException(file + ": colour: expected grey (as its header said), found "
          + image.getColorModel().getNumColorComponents() + " colour components");
    }
  }
}
