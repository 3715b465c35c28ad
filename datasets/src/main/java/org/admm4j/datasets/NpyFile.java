package org.admm4j.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One NumPy .npy file (format 1.0, 2.0 or 3.0), opened and validated, its data not yet read.
 * {@link #open} checks the magic, version, header dict, dtype, C order and that the file length is
 * exactly header + shape × item size, so the {@code read} methods allocate only what the file holds.
 *
 * <p>Layout: {@code \x93NUMPY}, major and minor version bytes, the header length (uint16 LE in 1.0,
 * uint32 LE in 2.0 and 3.0), the header (a Python dict literal; Latin-1, UTF-8 in 3.0), the data.
 */
public final class NpyFile {
  /** Largest element count accepted: the largest Java array. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int CHUNK = 1 << 16;
  // NumPy pads headers to 64 bytes; real ones are under 200. Anything near this limit is garbage.
  private static final long MAX_HEADER = 1 << 20;

  private final Path file;
  private final String descr;
  private final char kind;
  private final int itemSize;
  private final ByteOrder order;
  private final long[] shape;
  private final long elements;
  private final long dataOffset;

  private NpyFile(Path file, String descr, long[] shape, long elements, long dataOffset) {
    this.file = file;
    this.descr = descr;
    this.order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    this.kind = descr.charAt(1);
    this.itemSize = Integer.parseInt(descr.substring(2));
    this.shape = shape;
    this.elements = elements;
    this.dataOffset = dataOffset;
  }

  /**
   * Reads and validates the header of {@code file}.
   *
   * @throws DatasetException naming the file and the field, expected and found
   */
  public static NpyFile open(Path file) throws DatasetException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, prefix, 0);
      int got = prefix.position();
      prefix.flip();
      byte[] magic = new byte[Math.min(got, 6)];
      prefix.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new DatasetException(file + ": magic: expected \\x93NUMPY (a .npy file), found "
            + printable(magic) + (got < 6 ? " (file too short)" : ""));
      }
      if (got < 10) {
        throw new DatasetException(file + ": header: expected at least 10 bytes, found " + got
            + " (truncated file)");
      }
      int major = prefix.get() & 0xff;
      int minor = prefix.get() & 0xff;
      if (major < 1 || major > 3) {
        throw new DatasetException(file + ": format version: expected 1.0, 2.0 or 3.0, found "
            + major + "." + minor);
      }
      long headerLength;
      int lengthBytes = major == 1 ? 2 : 4;
      if (major == 1) {
        headerLength = prefix.getShort() & 0xffff;
      } else {
        if (got < 12) {
          throw new DatasetException(file + ": header length: expected 4 bytes, found " + (got - 8)
              + " (truncated file)");
        }
        headerLength = prefix.getInt() & 0xffffffffL;
      }
      if (headerLength > MAX_HEADER) {
        throw new DatasetException(file + ": header length: expected at most " + MAX_HEADER
            + " bytes, found " + headerLength + " (not a .npy file?)");
      }
      long dataOffset = 8 + lengthBytes + headerLength;
      if (dataOffset > length) {
        throw new DatasetException(file + ": header: expected " + headerLength + " bytes after the "
            + "length field, found " + (length - 8 - lengthBytes) + " (truncated file)");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(ch, headerBytes, 8 + lengthBytes);
      String header = new String(headerBytes.array(),
          major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      return fromHeader(file, header, dataOffset, length);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found");
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
  }

  private static NpyFile fromHeader(Path file, String header, long dataOffset, long length)
      throws DatasetException {
    Map<String, Object> dict;
    try {
      dict = NpyHeaderParser.parse(header.strip());
    } catch (IllegalArgumentException e) {
      throw new DatasetException(file + ": header dict: " + e.getMessage() + " in " + quote(header));
    }
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw new DatasetException(file + ": header: expected key '" + key + "', found keys "
            + dict.keySet());
      }
    }
    if (!(dict.get("descr") instanceof String descr) || !descr.matches("[<>|][uif][1248]")) {
      throw new DatasetException(file + ": dtype ('descr'): expected a simple numeric type such as "
          + "'|u1', '<f4' or '<i8', found " + dict.get("descr"));
    }
    if (descr.charAt(0) == '|' && descr.charAt(2) != '1') {
      throw new DatasetException(file + ": dtype ('descr'): expected a byte order '<' or '>' for a "
          + "multi-byte type, found " + descr);
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new DatasetException(file + ": 'fortran_order': expected True or False, found "
          + dict.get("fortran_order"));
    }
    if (fortran) {
      throw new DatasetException(file + ": 'fortran_order': expected False (C order), found True; "
          + "save with numpy.ascontiguousarray(a)");
    }
    if (!(dict.get("shape") instanceof List<?> dims)) {
      throw new DatasetException(file + ": 'shape': expected a tuple of sizes, found "
          + dict.get("shape"));
    }
    long[] shape = new long[dims.size()];
    long elements = 1;
    for (int k = 0; k < shape.length; k++) {
      if (!(dims.get(k) instanceof Long d) || d < 0) {
        throw new DatasetException(file + ": 'shape'[" + k + "]: expected a size >= 0, found "
            + dims.get(k));
      }
      shape[k] = d;
      // Saturates past MAX_ELEMENTS (no overflow); a later 0 still makes it 0, as it should.
      elements = elements == 0 || d == 0 ? 0
          : elements > MAX_ELEMENTS / d ? MAX_ELEMENTS + 1 : elements * d;
    }
    if (elements > MAX_ELEMENTS) {
      throw new DatasetException(file + ": 'shape': expected at most " + MAX_ELEMENTS
          + " elements (one Java array), found " + shapeText(shape));
    }
    NpyFile npy = new NpyFile(file, descr, shape, elements, dataOffset);
    long expected = elements * npy.itemSize;
    long found = length - dataOffset;
    if (found != expected) {
      throw new DatasetException(file + ": data: expected " + expected + " bytes (shape "
          + shapeText(shape) + " x " + npy.itemSize + "-byte " + descr + "), found " + found
          + (found < expected ? " (truncated file)" : " (trailing bytes)"));
    }
    return npy;
  }

  /** The file this was read from. */
  public Path file() {
    return file;
  }

  /** NumPy's dtype string, e.g. "|u1", "<f4", ">i8". */
  public String dtype() {
    return descr;
  }

  /** The array's shape; a copy. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of elements: the product of the shape. */
  public long elements() {
    return elements;
  }

  /** True for unsigned bytes ({@code |u1}). */
  public boolean isUint8() {
    return kind == 'u' && itemSize == 1;
  }

  /** True for 32-bit floats ({@code <f4} or {@code >f4}). */
  public boolean isFloat32() {
    return kind == 'f' && itemSize == 4;
  }

  /** True for any signed or unsigned integer type. */
  public boolean isInteger() {
    return kind == 'u' || kind == 'i';
  }

  /** The data of a {@code |u1} file. */
  public byte[] readUint8() throws DatasetException {
    require(isUint8(), "'|u1' (uint8)");
    byte[] out = new byte[(int) elements];
    read(ByteBuffer.wrap(out));
    return out;
  }

  /**
   * The data of a float32 file; a NaN or infinite value is refused, naming its index.
   */
  public float[] readFloat32() throws DatasetException {
    require(isFloat32(), "'<f4' (float32)");
    float[] out = new float[(int) elements];
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(order);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = dataOffset;
      for (int done = 0; done < out.length; ) {
        int n = Math.min(out.length - done, CHUNK / 4);
        chunk.clear().limit(n * 4);
        pos += readFully(ch, chunk, pos, n * 4L);
        chunk.flip();
        chunk.asFloatBuffer().get(out, done, n);
        done += n;
      }
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
    for (int i = 0; i < out.length; i++) {
      if (!Float.isFinite(out[i])) {
        throw new DatasetException(file + ": value " + i + ": expected a finite float, found "
            + out[i]);
      }
    }
    return out;
  }

  /** The data of an integer file as ints; a value outside the int range is refused. */
  public int[] readInts() throws DatasetException {
    require(isInteger(), "an integer type (|u1, |i1, <i2, <u2, <i4, <u4, <i8, <u8)");
    int[] out = new int[(int) elements];
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(order);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = dataOffset;
      for (int done = 0; done < out.length; ) {
        int n = Math.min(out.length - done, CHUNK / itemSize);
        chunk.clear().limit(n * itemSize);
        pos += readFully(ch, chunk, pos, (long) n * itemSize);
        chunk.flip();
        for (int k = 0; k < n; k++) {
          long v = switch (itemSize) {
            case 1 -> kind == 'u' ? chunk.get() & 0xffL : chunk.get();
            case 2 -> kind == 'u' ? chunk.getShort() & 0xffffL : chunk.getShort();
            case 4 -> kind == 'u' ? chunk.getInt() & 0xffffffffL : chunk.getInt();
            default -> chunk.getLong();
          };
          boolean unsignedHuge = kind == 'u' && itemSize == 8 && v < 0;
          if (unsignedHuge || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new DatasetException(file + ": value " + (done + k) + ": expected a value that "
                + "fits an int, found " + (unsignedHuge ? Long.toUnsignedString(v) : v));
          }
          out[done + k] = (int) v;
        }
        done += n;
      }
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
    return out;
  }

  @Override
  public String toString() {
    return file + " (" + descr + ", shape " + shapeText(shape) + ")";
  }

  /** {@code (3, 28, 28)}, NumPy's way. */
  static String shapeText(long[] shape) {
    StringBuilder s = new StringBuilder("(");
    for (int k = 0; k < shape.length; k++) {
      s.append(k == 0 ? "" : ", ").append(shape[k]);
    }
    return s.append(shape.length == 1 ? ",)" : ")").toString();
  }

  private void require(boolean ok, String expected) throws DatasetException {
    if (!ok) {
      throw new DatasetException(file + ": dtype: expected " + expected + ", found '" + descr
          + "'");
    }
  }

  private void read(ByteBuffer into) throws DatasetException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      readFully(ch, into, dataOffset, into.remaining());
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
  }

  /** Reads until {@code buf} is full or the file ends. */
  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        return;
      }
      pos += n;
    }
  }

  /** Reads exactly {@code count} bytes; the file shrinking since {@link #open} is an error. */
  private long readFully(FileChannel ch, ByteBuffer buf, long pos, long count)
      throws IOException, DatasetException {
    readFully(ch, buf, pos);
    if (buf.hasRemaining()) {
      throw new DatasetException(file + ": data: ended early (the file changed while reading?)");
    }
    return count;
  }

  private static String printable(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return s.length() == 0 ? "nothing" : s.toString();
  }

  private static String quote(String header) {
    String h = header.strip();
    return h.length() > 200 ? h.substring(0, 200) + "..." : h;
  }
}
