package org.admm4j.nn.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.admm4j.nn.Model;

/**
 * Reads and writes the safetensors format (F32 only): an 8-byte little-endian header length N, N bytes
 * of JSON ({@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}, padded with spaces to a multiple of 8), then the tensors' bytes,
 * little-endian, offsets relative to the end of the header. Files written here load with the
 * {@code safetensors} Python package, and a model's tensors carry PyTorch's names and layouts.
 */
public final class SafeTensors {

  /** Largest header accepted on reading (the reference implementation's limit too). */
  public static final long MAX_HEADER_BYTES = 100L << 20;

  private static final String METADATA = "__metadata__";
  private static final int CHUNK_FLOATS = 1 << 14;

  private SafeTensors() {}

  /**
   * Writes {@code tensors} (in map order) and {@code metadata} to {@code file} through {@link AtomicFile}:
   * readers never see a half-written file, and a failure or a kill leaves any old file as it was.
   *
   * @throws IllegalArgumentException for an empty or reserved tensor name
   */
  public static void write(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    byte[] header = header(tensors, metadata);
    AtomicFile.write(file, out -> {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length).array());
      out.write(header);
      ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors.values()) {
        float[] d = t.data();
        for (int from = 0; from < d.length; from += CHUNK_FLOATS) {
          int n = Math.min(CHUNK_FLOATS, d.length - from);
          buf.clear();
          buf.asFloatBuffer().put(d, from, n);
          out.write(buf.array(), 0, n * 4);
        }
      }
    });
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes. */
  static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
    JsonObject root = new JsonObject();
    if (metadata != null && !metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      // sorted, so the same content always gives the same bytes
      for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException("metadata keys and values must not be null");
        }
        meta.addProperty(e.getKey(), e.getValue());
      }
      root.add(METADATA, meta);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty() || name.equals(METADATA)) {
        throw new IllegalArgumentException("invalid tensor name '" + name + "'");
      }
      Tensor t = e.getValue();
      JsonObject info = new JsonObject();
      info.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (int d : t.shape()) {
        shape.add(d);
      }
      info.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offset += 4L * t.data().length;
      offsets.add(offset);
      info.add("data_offsets", offsets);
      root.add(name, info);
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) & ~7;
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  /**
   * Reads and validates a safetensors file: header length within the file and {@link #MAX_HEADER_BYTES},
   * the header a JSON object, every tensor F32 with a shape that matches its byte range, the ranges
   * back to back from 0 to the end of the file.
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public static SafeTensorsFile read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "file has " + size + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
        throw bad(file, "header length " + Long.toUnsignedString(headerLen) + " is outside 2.." + MAX_HEADER_BYTES
            + " bytes (not a safetensors file?)");
      }
      if (headerLen > size - 8) {
        throw bad(file, "header length " + headerLen + " runs past the end of the " + size + "-byte file (truncated?)");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8, file);
      String json = new String(headerBuf.array(), StandardCharsets.UTF_8);
      JsonObject root;
      try {
        JsonElement parsed = JsonParser.parseString(json);
        if (!parsed.isJsonObject()) {
          throw bad(file, "header is JSON but not an object");
        }
        root = parsed.getAsJsonObject();
      } catch (JsonParseException e) {
        throw bad(file, "header is not valid JSON: " + e.getMessage());
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, JsonElement> e : root.entrySet()) {
        if (e.getKey().equals(METADATA)) {
          readMetadata(file, e.getValue(), metadata);
        } else {
          entries.add(entry(file, e.getKey(), e.getValue()));
        }
      }
      entries.sort(Comparator.comparingLong((Entry x) -> x.begin).thenComparingLong(x -> x.end));
      long expect = 0;
      for (Entry en : entries) {
        if (en.begin != expect) {
          throw bad(file, "tensor '" + en.name + "' starts at data offset " + en.begin + " but the previous tensor ends at "
              + expect + " (tensors must be back to back, without gaps or overlaps)");
        }
        expect = en.end;
      }
      if (expect != dataLen) {
        throw bad(file, "the tensors cover " + expect + " data bytes but the file holds " + dataLen
            + " after the header" + (expect > dataLen ? " (truncated?)" : ""));
      }
      LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry en : entries) {
        float[] data = new float[(int) ((en.end - en.begin) / 4)];
        long pos = dataStart + en.begin;
        for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
          int n = Math.min(CHUNK_FLOATS, data.length - from);
          buf.clear();
          buf.limit(n * 4);
          readFully(ch, buf, pos, file);
          buf.flip();
          buf.asFloatBuffer().get(data, from, n);
          pos += 4L * n;
        }
        tensors.put(en.name, new Tensor(en.shape, data));
      }
      return new SafeTensorsFile(file, tensors, metadata);
    }
  }

  private record Entry(String name, int[] shape, long begin, long end) {}

  private static Entry entry(Path file, String name, JsonElement value) throws IOException {
    if (!value.isJsonObject()) {
      throw bad(file, "entry '" + name + "' is not a JSON object");
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dtype = o.get("dtype");
    if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
      throw bad(file, "tensor '" + name + "' has no string field 'dtype'");
    }
    if (!dtype.getAsString().equals("F32")) {
      throw bad(file, "tensor '" + name + "' has dtype " + dtype.getAsString() + "; only F32 is supported");
    }
    JsonElement shapeEl = o.get("shape");
    if (shapeEl == null || !shapeEl.isJsonArray()) {
      throw bad(file, "tensor '" + name + "' has no array field 'shape'");
    }
    JsonArray shapeArr = shapeEl.getAsJsonArray();
    int[] shape = new int[shapeArr.size()];
    long volume = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = wholeNumber(file, name, "shape", shapeArr.get(i));
      if (d > Integer.MAX_VALUE) {
        throw bad(file, "tensor '" + name + "' dimension " + d + " is too large");
      }
      shape[i] = (int) d;
      volume *= d;
      if (volume > Integer.MAX_VALUE) {
        throw bad(file, "tensor '" + name + "' has more than " + Integer.MAX_VALUE + " elements");
      }
    }
    JsonElement offEl = o.get("data_offsets");
    if (offEl == null || !offEl.isJsonArray() || offEl.getAsJsonArray().size() != 2) {
      throw bad(file, "tensor '" + name + "' needs 'data_offsets' as [begin, end]");
    }
    long begin = wholeNumber(file, name, "data_offsets", offEl.getAsJsonArray().get(0));
    long end = wholeNumber(file, name, "data_offsets", offEl.getAsJsonArray().get(1));
    if (end < begin) {
      throw bad(file, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    if (end - begin != 4 * volume) {
      throw bad(file, "tensor '" + name + "' has shape " + Arrays.toString(shape) + " (" + volume + " F32 = "
          + 4 * volume + " bytes) but data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes");
    }
    return new Entry(name, shape, begin, end);
  }

  private static long wholeNumber(Path file, String name, String field, JsonElement e) throws IOException {
    if (e != null && e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      if (p.isNumber()) {
        try {
          long v = p.getAsBigDecimal().longValueExact();
          if (v >= 0) {
            return v;
          }
        } catch (ArithmeticException | NumberFormatException ignored) {
          // a fraction, too large, or an exponent beyond BigDecimal's (1E-533333333333): the error below
        }
      }
    }
    throw bad(file, "tensor '" + name + "' field '" + field + "' holds " + e + ", expected a whole number ≥ 0");
  }

  private static void readMetadata(Path file, JsonElement value, Map<String, String> out) throws IOException {
    if (!value.isJsonObject()) {
      throw bad(file, METADATA + " is not a JSON object");
    }
    for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw bad(file, METADATA + " entry '" + e.getKey() + "' is not a string");
      }
      out.put(e.getKey(), v.getAsString());
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) {
        throw bad(file, "unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  private static IOException bad(Path file, String what) {
    return new IOException(file + ": " + what);
  }

  /**
   * Writes every tensor of {@code model} ({@link Model#tensors()}: parameters and buffers, PyTorch names
   * and layouts) atomically, with {@code metadata} plus {@code format=pt}, {@code model=<name>} and the
   * architecture spec ({@link ModelMetadata#SPEC}) unless given.
   */
  public static void saveModel(Model model, Path file, Map<String, String> metadata) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.putAll(ModelMetadata.of(model, metadata));
    write(file, ModelTensors.of(model), meta);
  }

  /**
   * Loads {@code file} into {@code model}: every tensor of the model must be there with its shape and
   * no other tensor may be; otherwise nothing is changed and the message lists each missing, unexpected
   * and mis-shaped tensor.
   */
  public static void loadModel(Model model, Path file) throws IOException {
    ModelTensors.copyInto(model, read(file).tensors(), file.toString());
  }
}
