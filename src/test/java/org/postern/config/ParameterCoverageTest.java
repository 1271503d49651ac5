package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No parameter is silently ignored: every parameter of Postern's typed registry either has a
 * reader in the main sources or is marked unsupported or refused in {@link ParameterSupport}, and
 * no parameter marked so has a reader (a stale mark would hide a feature behind a warning).
 *
 * <p>What counts as a reader is {@link ParameterReaders}' answer.
 */
class ParameterCoverageTest {
  private static ParameterReaders readers;

  @BeforeAll
  static void scanSources() {
    readers = ParameterReaders.scan();
  }

  @Test
  void everyTypedParameter_hasAReaderOrIsMarkedUnsupported() {
    List<String> orphans = new ArrayList<>();
    for (ParameterSpec spec : Parameters.all()) {
      String name = spec.name();
      if (Parameters.typed(name) && ParameterSupport.of(name).level() == ParameterSupport.Level.SUPPORTED
          && readers.readers(name).isEmpty()) {
        orphans.add(name);
      }
    }
    assertThat(orphans).as("parameters with neither a reader nor a ParameterSupport mark").isEmpty();
  }

  @Test
  void noParameterMarkedUnsupported_hasAReader() {
    List<String> stale = ParameterSupport.unsupportedTyped().stream()
        .filter(n -> !readers.directReaders(n).isEmpty()).sorted().toList();
    assertThat(stale).as("marked unsupported in ParameterSupport, yet read by a daemon").isEmpty();
  }
}
