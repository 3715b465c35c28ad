package org.admm4j.nn.spec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link SpecReader#parse}: any text (the bytes read as UTF-8) gives a spec or a
 * {@link SpecException} with a message. Allocation bound: 64 x the text's bytes + 1 MiB (a string, a JSON
 * tree and the layer specs, not the model: parsing never builds layers). Seeds: a small spec written by
 * {@link SpecWriter} and the all-layers spec of {@code scripts/torch/specs}.
 */
class SpecReaderFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void parse(byte[] data) throws Exception {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserContract.check(data.length, 64, SpecException.class, () -> SpecReader.parse(json, "fuzz.json"));
  }
}
