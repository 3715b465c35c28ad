package org.admm4j.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;

/**
 * Reads the values of ONNX tensors, checking every size against the bytes actually present before
 * anything is allocated, and refusing data kept outside the file.
 */
final class OnnxTensors {

  /** {@code TensorProto.DataType.FLOAT}. */
  static final int FLOAT = 1;
  /** {@code TensorProto.DataType.INT64}. */
  static final int INT64 = 7;

  private OnnxTensors() {}

  /** The element count its dims give, refusing negative dims and counts past what an array holds. */
  static int count(TensorProto t, String where) throws OnnxFormatException {
    long n = 1;
    for (long d : t.getDimsList()) {
      if (d < 0) {
        throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has a negative dimension in "
            + t.getDimsList());
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' dims " + t.getDimsList()
            + " give more elements than any file of this size can hold");
      }
    }
    return (int) n;
  }

  /** The dims as ints (checked by {@link #count}). */
  static int[] shape(TensorProto t) {
    int[] s = new int[t.getDimsCount()];
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) t.getDims(i);
    }
    return s;
  }

  /**
   * Checks that the tensor's data is in the file and matches its dims and type, before any value is read.
   */
  static void check(TensorProto t, String where) throws OnnxFormatException {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' keeps its data in an external file; "
          + "admm4j reads self-contained ONNX files only (save with all tensors inside the .onnx file)");
    }
    if (t.hasSegment()) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' is segmented; not supported");
    }
    int n = count(t, where);
    int type = t.getDataType();
    int width;
    int stored;
    if (type == FLOAT) {
      width = Float.BYTES;
      stored = t.getFloatDataCount();
    } else if (type == INT64) {
      width = Long.BYTES;
      stored = t.getInt64DataCount();
    } else {
      // Other types are refused by the caller that needs the values, naming what it expected.
      return;
    }
    if (t.hasRawData()) {
      long bytes = t.getRawData().size();
      if (bytes != (long) n * width) {
        throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' dims " + t.getDimsList() + " need "
            + (long) n * width + " bytes of data, the file holds " + bytes);
      }
    } else if (stored != n) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' dims " + t.getDimsList() + " need "
          + n + " values, the file holds " + stored);
    }
  }

  /** The values of a float tensor. */
  static float[] floats(TensorProto t, String where) throws OnnxFormatException {
    check(t, where);
    if (t.getDataType() != FLOAT) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has ONNX data type " + t.getDataType()
          + ", expected FLOAT (1)");
    }
    int n = count(t, where);
    float[] out = new float[n];
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = t.getFloatData(i);
      }
    }
    return out;
  }

  /** The values of an int64 tensor. */
  static long[] longs(TensorProto t, String where) throws OnnxFormatException {
    check(t, where);
    if (t.getDataType() != INT64) {
      throw new OnnxFormatException(where + ": tensor '" + t.getName() + "' has ONNX data type " + t.getDataType()
          + ", expected INT64 (7)");
    }
    int n = count(t, where);
    long[] out = new long[n];
    if (t.hasRawData()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().get(out);
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = t.getInt64Data(i);
      }
    }
    return out;
  }

  /** A float tensor (row-major) in {@code raw_data}, as the exporter writes every initializer. */
  static TensorProto of(String name, int[] shape, float[] data) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (int d : shape) {
      b.addDims(d);
    }
    ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    return b.setRawData(ByteString.copyFrom(buf.array())).build();
  }

  static String dims(int[] shape) {
    return Arrays.toString(shape);
  }
}
