package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link ChannelNormalization#parse}: any text gives a normalisation or an
 * {@link IllegalArgumentException} with a message. Allocation bound: 64 x the text's bytes + 1 MiB.
 * Seeds: the MNIST and a three-channel normalisation as {@link ChannelNormalization#toJson} writes them.
 */
class ChannelNormalizationFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void parse(byte[] data) throws Exception {
    String json = new String(data, StandardCharsets.UTF_8);
    ParserContract.check(64L * data.length + ParserContract.SLACK_BYTES, IllegalArgumentException.class,
        () -> ChannelNormalization.parse(json));
  }
}
