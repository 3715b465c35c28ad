package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link ImageFolderReader#read} with one fuzzed image as the only file of {@code train/a/} and
 * of {@code test/a/} (ImageIO picks the decoder from the content, so PNG and JPEG seeds both reach their
 * decoder through the {@code .png} name): any image loads or is refused with a {@link DatasetException}
 * with a message. Allocation bound: 65,536 x the file size + 4 MiB. Deflate expands at most 1,032-fold
 * and a 1-bit PNG holds 8 pixels a byte, so a real PNG of n bytes has at most about 8,256 n pixels,
 * each decoded once by ImageIO and stored as up to 3 bytes per split; a header that declares more is
 * a decompression bomb and must be refused before the decoder allocates for it. Seeds: grey and RGB
 * PNGs, a grey JPEG and an RGB JPEG, written by ImageIO.
 */
class ImageFolderReaderFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path train = ParserContract.file("images/train/a/0.png", data);
    ParserContract.file("images/test/a/0.png", data);
    ParserContract.check(65_536L * data.length + (4L << 20), DatasetException.class,
        () -> ImageFolderReader.read(train.getParent().getParent().getParent()));
  }
}
