package org.admm4j.nn.compact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Models;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;
import org.admm4j.nn.surgery.UnreadUnits;

/**
 * A model's compact file, as small as its predictions allow: what every writer of {@code model.a4jc} (a run's
 * outputs, {@code admm4j export}, {@code eval}'s size, {@link CompactModels#saveModel}) goes through. It zeroes
 * the units no later weight reads ({@link UnreadUnits}: same logits), rounds the conv and linear biases to
 * fixed point when asked (a quantized run: the only lossy step), and names a zoo model instead of storing its
 * spec when the spec is the zoo's ({@code ModelFiles.read} rebuilds it from {@link ModelMetadata#MODEL} and
 * still checks every tensor against it). {@link CompactModelWriter} then stores each tensor in its smallest
 * encoding, and a zoo model's tensor table without names and shapes (a pruned LeNet-5's header: 436 bytes with
 * the spec, 237 without, about 170 without the names and shapes either).
 */
public final class CompactExport {

  /**
   * How the biases and the quantized weights' levels are stored.
   *
   * @param biasBits 0: exactly; else the bits of the fixed point ({@link FixedPoint}) they are rounded to
   * @param halfLevels whether the levels of weights that take at most 255 distinct values (a quantized layer's
   *     codebook) are rounded to IEEE half precision (relative error at most 2^-11), stored in 2 bytes each
   */
  public record Options(int biasBits, boolean halfLevels) {

    /** Every value as the model has it (after zeroing what nothing reads). */
    public static final Options EXACT = new Options(0, false);

    public Options {
      if (biasBits != 0 && (biasBits < FixedPoint.MIN_BITS || biasBits > FixedPoint.MAX_BITS)) {
        throw new IllegalArgumentException("bias bits must be 0 (exact) or " + FixedPoint.MIN_BITS + " to "
            + FixedPoint.MAX_BITS + ", not " + biasBits);
      }
    }

    /** Biases rounded to {@code biasBits}-bit fixed point, levels exact. */
    public Options(int biasBits) {
      this(biasBits, false);
    }

    /** Biases rounded to {@code bits}-bit fixed point: for models whose weights are quantized already. */
    public static Options quantizedBiases(int bits) {
      return new Options(bits, false);
    }

    /**
     * What a quantized run writes: {@link #QUANTIZED_RUN_BIAS_BITS}-bit biases and half-precision levels, both
     * errors far below the quantization's own.
     */
    public static Options quantizedRun() {
      return new Options(QUANTIZED_RUN_BIAS_BITS, true);
    }
  }

  /** Bits {@link Options#quantizedBiases} gets for a quantized run: at most max|b| / 127 of error per bias. */
  public static final int QUANTIZED_RUN_BIAS_BITS = 8;

  /**
   * What was written.
   *
   * @param tensors the tensors as the file holds them (what reading it gives back, bit for bit)
   * @param metadata the metadata as the file holds it
   * @param zeroedUnits per conv or linear layer, the unread units zeroed
   */
  public record Written(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata,
      Map<String, Integer> zeroedUnits) {}

  private CompactExport() {}

  /**
   * Writes {@code tensors} of a model of architecture {@code spec} to {@code file} atomically; the caller's arrays
   * are not changed. {@code metadata}'s {@link ModelMetadata#SPEC} is replaced by {@code spec}'s, or dropped when
   * {@code spec} is the zoo model that {@link ModelMetadata#MODEL} (set to the spec's name when absent) names.
   *
   * @throws IllegalArgumentException when the tensors do not fit {@code spec}, or as {@link CompactModelWriter#write}
   * @throws IOException when the file cannot be written (the target is left as it was)
   */
  public static Written write(Path file, ModelSpec spec, Map<String, Tensor> tensors, Map<String, String> metadata,
      Options options) throws IOException {
    UnreadUnits.Result zeroed = UnreadUnits.zero(spec, tensors);
    LinkedHashMap<String, Tensor> out = zeroed.tensors();
    if (options.biasBits() != 0) {
      for (String bias : tensors(spec.layers(), "", BIAS, new java.util.ArrayList<>())) {
        Tensor t = out.get(bias);
        out.put(bias, new Tensor(t.shape(), FixedPoint.round(t.data(), options.biasBits())));
      }
    }
    if (options.halfLevels()) {
      for (String weight : tensors(spec.layers(), "", WEIGHT, new java.util.ArrayList<>())) {
        Tensor t = out.get(weight);
        float[] half = halfLevels(t.data());
        if (half != null) {
          out.put(weight, new Tensor(t.shape(), half));
        }
      }
    }
    Map<String, String> meta = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
    meta.putIfAbsent(ModelMetadata.MODEL, spec.name());
    if (isZooSpec(spec, meta.get(ModelMetadata.MODEL))) {
      meta.remove(ModelMetadata.SPEC);
    } else {
      meta.put(ModelMetadata.SPEC, spec.toJson());
    }
    CompactModelWriter.write(file, out, meta);
    return new Written(out, meta, zeroed.zeroedUnits());
  }

  /** Whether {@code spec} is exactly the zoo model {@code name} (so the name alone rebuilds it). */
  static boolean isZooSpec(ModelSpec spec, String name) {
    return name != null && name.equals(spec.name()) && Models.names().contains(name) && Models.spec(name).equals(spec);
  }

  /**
   * The tensors {@code suffix} ({@link #WEIGHT} or {@link #BIAS}) of every conv and linear layer, biases only where
   * a layer has one, residual blocks included.
   */
  private static List<String> tensors(List<LayerSpec> layers, String prefix, String suffix, List<String> out) {
    for (LayerSpec l : layers) {
      String name = prefix + l.name();
      boolean weighted = l instanceof LayerSpec.Conv2d || l instanceof LayerSpec.Linear;
      boolean hasBias = l instanceof LayerSpec.Conv2d c && c.bias() || l instanceof LayerSpec.Linear f && f.bias();
      if (weighted && (suffix.equals(WEIGHT) || hasBias)) {
        out.add(name + suffix);
      } else if (l instanceof LayerSpec.Residual r) {
        tensors(r.body(), name + ".", suffix, out);
        tensors(r.shortcut(), name + ".", suffix, out);
      }
    }
    return out;
  }

  private static final String WEIGHT = ".weight";
  private static final String BIAS = ".bias";

  /**
   * {@code data} with each non-zero rounded to the nearest half, or null when its non-zeros take more than 255
   * values (not a codebook) or a non-zero would round to zero or overflow (the support must not change).
   */
  static float[] halfLevels(float[] data) {
    float[] out = data.clone();
    java.util.Set<Integer> levels = new java.util.HashSet<>();
    for (int i = 0; i < out.length; i++) {
      if (Float.floatToRawIntBits(out[i]) == 0) {
        continue;
      }
      if (levels.add(Float.floatToRawIntBits(out[i])) && levels.size() > CodedTensor.MAX_LEVELS) {
        return null;
      }
      float h = HalfFloat.toFloat(HalfFloat.fromFloat(out[i]));
      if (h == 0 && out[i] != 0 || Float.isInfinite(h) && !Float.isInfinite(out[i])) {
        return null;
      }
      out[i] = h;
    }
    return out;
  }
}
