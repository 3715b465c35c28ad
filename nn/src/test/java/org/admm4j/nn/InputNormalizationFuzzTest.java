package org.admm4j.nn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link InputNormalization#parse}: any text gives a normalisation or an
 * {@link IllegalArgumentException} with a message. Allocation bound: 64 x the text's bytes + 1 MiB.
 * Seeds: one-channel and three-channel normalisations as {@link InputNormalization#toJson} writes them.
 */
class InputNormalizationFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void parse(byte[] data) throws Exception {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserContract.check(data.length, 64, IllegalArgumentException.class, () -> InputNormalization.parse(json));
  }
}
