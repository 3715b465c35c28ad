package org.admm4j.datasets;

import static org.admm4j.datasets.Cifar10ReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyFileTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"|u1", "|i1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", ">i2", ">u2",
      ">i4", ">u4", ">i8", ">u8"})
  void readsEveryIntegerLabelType(String descr) throws Exception {
    int[] labels = {0, 3, 1, 100, 2};
    Path f = NpyBytes.write(dir.resolve("labels.npy"), NpyBytes.ints(descr, labels));
    NpyFile npy = NpyFile.open(f);
    assertEquals(descr, npy.dtype());
    assertArrayEquals(labels, npy.readInts());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void readsFormatVersions(int major) throws Exception {
    byte[] data = IdxBytes.randomBytes(2 * 3 * 4, 5);
    Path f = NpyBytes.write(dir.resolve("v.npy"),
        NpyBytes.npy(major, "|u1", false, new long[] {2, 3, 4}, data));
    NpyFile npy = NpyFile.open(f);
    assertArrayEquals(new long[] {2, 3, 4}, npy.shape());
    assertArrayEquals(data, npy.readUint8());
  }

  @Test
  void reportsHeaderFields() throws Exception {
    Path f = NpyBytes.write(dir.resolve("a.npy"), NpyBytes.npy(1, "<f4", false,
        new long[] {2, 3}, new byte[24]));
    NpyFile npy = NpyFile.open(f);
    assertEquals("<f4", npy.dtype());
    assertEquals(2, npy.rank());
    assertEquals(6, npy.elements());
    assertTrue(npy.isFloat32());
    assertFalse(npy.isUint8());
    assertFalse(npy.isInteger());
    assertArrayEquals(new float[6], npy.readFloat32());
    DatasetException e = assertThrows(DatasetException.class, npy::readUint8);
    assertContains(e, f.toString(), "expected '|u1'", "found '<f4'");
    e = assertThrows(DatasetException.class, npy::readInts);
    assertContains(e, f.toString(), "integer", "found '<f4'");
  }

  @Test
  void readsOldStyleLongShapesAndDoubleQuotes() throws Exception {
    String header = "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (2L, 2L)}";
    byte[] file = NpyBytes.npy(1, "|u1", false, new long[] {2, 2}, new byte[] {1, 2, 3, 4});
    String text = new String(file, StandardCharsets.ISO_8859_1);
    int open = text.indexOf('{');
    int close = text.indexOf('}');
    String padded = header + " ".repeat(close + 1 - open - header.length());
    Path f = dir.resolve("old.npy");
    Files.write(f, (text.substring(0, open) + padded + text.substring(close + 1))
        .getBytes(StandardCharsets.ISO_8859_1));
    NpyFile npy = NpyFile.open(f);
    assertArrayEquals(new long[] {2, 2}, npy.shape());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, npy.readUint8());
  }

  @Test
  void refusesMultiByteTypesWithoutByteOrderAndStructuredTypes() throws Exception {
    Path f = NpyBytes.write(dir.resolve("b.npy"),
        NpyBytes.npy(1, "|i4", false, new long[] {1}, new byte[4]));
    DatasetException e = assertThrows(DatasetException.class, () -> NpyFile.open(f));
    assertContains(e, f.toString(), "byte order", "|i4");
    byte[] file = NpyBytes.npy(1, "|u1", false, new long[] {1}, new byte[1]);
    String text = new String(file, StandardCharsets.ISO_8859_1).replace("'|u1'", "[('a', '<u1')]");
    Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(DatasetException.class, () -> NpyFile.open(f));
    assertContains(e, f.toString(), "dtype", "simple numeric type");
  }

  @Test
  void refusesShapesBeyondOneArray() throws Exception {
    Path f = NpyBytes.write(dir.resolve("big.npy"),
        NpyBytes.npy(1, "|u1", false, new long[] {1L << 20, 1L << 20}, new byte[0]));
    DatasetException e = assertThrows(DatasetException.class, () -> NpyFile.open(f));
    assertContains(e, f.toString(), "shape", "at most", "(1048576, 1048576)");
  }
}
