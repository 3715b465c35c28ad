package org.admm4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes .npy files byte by byte, as numpy.save lays them out, for tests. */
final class NpyBytes {
  private NpyBytes() {}

  /** A whole .npy file: magic, version, padded header dict, then {@code data} as given. */
  static byte[] npy(int major, String descr, boolean fortran, long[] shape, byte[] data) {
    StringBuilder dims = new StringBuilder("(");
    for (int k = 0; k < shape.length; k++) {
      dims.append(k == 0 ? "" : ", ").append(shape[k]);
    }
    dims.append(shape.length == 1 ? ",)" : ")");
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + dims + ", }";
    int lengthBytes = major == 1 ? 2 : 4;
    // numpy pads with spaces so that the data starts at a multiple of 64, and ends with \n.
    int unpadded = 8 + lengthBytes + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(major);
    out.write(0);
    ByteBuffer len = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      len.putShort((short) header.length());
    } else {
      len.putInt(header.length());
    }
    out.writeBytes(len.array());
    out.writeBytes(header.getBytes(major == 3 ? StandardCharsets.UTF_8
        : StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] uint8(long[] shape, byte[] data) {
    return npy(1, "|u1", false, shape, data);
  }

  static byte[] float32(long[] shape, float[] values, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
    for (float v : values) {
      b.putFloat(v);
    }
    return npy(1, (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + "f4", false, shape, b.array());
  }

  /** Integer labels in {@code descr} (e.g. "<i8", ">u2", "|i1"). */
  static byte[] ints(String descr, int[] values) {
    int size = Integer.parseInt(descr.substring(2));
    ByteBuffer b = ByteBuffer.allocate(values.length * size)
        .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      switch (size) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt(v);
        default -> b.putLong(v);
      }
    }
    return npy(1, descr, false, new long[] {values.length}, b.array());
  }

  static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }
}
