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

  /** Parses {@code MEAN/STD} ({@link InputNormalization#parseMeanStd}), throwing picocli's conversion error. */
  static InputNormalization parse(String value) {
    try {
      return InputNormalization.parseMeanStd(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
