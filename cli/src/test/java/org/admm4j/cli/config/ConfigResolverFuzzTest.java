package org.admm4j.cli.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the settings readers as {@code prune --config FILE} runs them: {@link ConfigFiles#load} (JSON
 * when the text starts with '{', else Java properties) and then {@link PruningConfigParser} through
 * {@link ConfigResolver#resolve}, over the default preset. Any file gives a configuration or a
 * {@link ConfigException} with a message. Allocation bound: 64 x the file size + 1 MiB. Seeds: a JSON and
 * a properties settings file of the forms {@link ConfigFiles} documents.
 */
class ConfigResolverFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void resolve(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.settings", data);
    ParserContract.check(data.length, 64, ConfigException.class,
        () -> ConfigResolver.resolve(file, new ConfigSettings()));
  }
}
