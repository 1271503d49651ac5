package org.postern.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DsnReasonTest {
  @Test
  void split_statusShapes_asPostfixDsnValid() {
    assertThat(DsnReason.split("5.0.0", "5.1.10 text")).isEqualTo(new DsnReason("5.1.10", "text"));
    assertThat(DsnReason.split("5.0.0", "  5.7.1")).isEqualTo(new DsnReason("5.7.1", ""));
    assertThat(DsnReason.split("5.0.0", "5.1.1x text")).isEqualTo(new DsnReason("5.0.0", "5.1.1x text"));
    assertThat(DsnReason.split("5.0.0", "3.1.1 text").dsn()).isEqualTo("5.0.0");
    assertThat(DsnReason.split("5.0.0", "5.1234.1 t").dsn()).isEqualTo("5.0.0");
  }
}
