package org.admm4j.cli;

import org.admm4j.nn.InputNormalization;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --normalize MEAN/STD}: the input normalisation, per channel, comma-separated
 * ({@code 0.2860/0.3530}, {@code 0.4914,0.4822,0.4465/0.2470,0.2435,0.2616}); a foreign model (ONNX)
 * records none, and every file admm4j writes from it then records this one.
 */
final class NormalizeOption implements ITypeConverter<InputNormalization> {

  static final String DESCRIPTION = "Input normalisation MEAN/STD, per channel comma-separated, e.g. "
      + "0.2860/0.3530 or 0.4914,0.4822,0.4465/0.2470,0.2435,0.2616 (default: the model file's, else the dataset's usual).";

  @Override
  public InputNormalization convert(String value) {
    return parse(value);
  }

  /** Parses {@code MEAN/STD}, throwing picocli's conversion error with what is wrong. */
  static InputNormalization parse(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new TypeConversionException("expected MEAN/STD (e.g. 0.2860/0.3530), found '" + value + "'");
    }
    float[] mean = floats(parts[0], "mean", value);
    float[] std = floats(parts[1], "std", value);
    if (mean.length != std.length) {
      throw new TypeConversionException("'" + value + "' gives " + mean.length + " means but " + std.length
          + " standard deviations; give one of each per channel");
    }
    try {
      return new InputNormalization(mean, std);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "': " + e.getMessage());
    }
  }

  private static float[] floats(String list, String what, String value) {
    String[] items = list.split(",", -1);
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      try {
        out[i] = Float.parseFloat(items[i].trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "': " + what + " " + (i + 1) + " is '" + items[i]
            + "', not a number");
      }
      if (!Float.isFinite(out[i]) || what.equals("std") && !(out[i] > 0)) {
        throw new TypeConversionException("'" + value + "': " + what + " " + (i + 1) + " must be "
            + (what.equals("std") ? "positive" : "finite") + ", found " + items[i]);
      }
    }
    return out;
  }
}
