package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CleanupStatusTest {
  @Test
  void values_inPostfixSeverityOrder() {
    assertThat(CleanupStatus.values()).containsExactly(
        CleanupStatus.DEFER, CleanupStatus.PROXY, CleanupStatus.BAD, CleanupStatus.RCPT,
        CleanupStatus.HOPS, CleanupStatus.SIZE, CleanupStatus.CONT, CleanupStatus.NO_SPACE,
        CleanupStatus.WRITE);
    assertThat(EnumSet.of(CleanupStatus.WRITE, CleanupStatus.SIZE).iterator().next())
        .isEqualTo(CleanupStatus.SIZE);
  }

  @Test
  void reply_prefixesErrorAsPostfixSmtpd() {
    assertThat(CleanupStatus.SIZE.reply()).hasToString("552 5.3.4 Error: message file too big");
    assertThat(CleanupStatus.HOPS.reply()).hasToString("554 5.4.0 Error: too many hops");
    assertThat(CleanupStatus.DEFER.reply()).hasToString("451 4.7.1 Error: service unavailable");
    assertThat(CleanupStatus.PROXY.reply()).hasToString("451 4.3.0 Error: queue file write error");
    assertThat(CleanupStatus.RCPT.reply()).hasToString("550 5.1.0 Error: no recipients specified");
  }

  @Test
  void reply_noSpace_isTheStorageReplyWithoutPrefix() {
    assertThat(CleanupStatus.NO_SPACE.reply()).hasToString("452 4.3.1 Insufficient system storage");
    assertThat(CleanupStatus.NO_SPACE.reply().temporary()).isTrue();
  }

  @Test
  void text_isCleanupStrerror() {
    assertThat(CleanupStatus.CONT.text()).isEqualTo("message content rejected");
    assertThat(CleanupStatus.CONT.dsn()).isEqualTo("5.7.1");
    assertThat(CleanupStatus.CONT.smtp()).isEqualTo(550);
    assertThat(CleanupStatus.CONT.reply().temporary()).isFalse();
  }

  @Test
  void cleanupReply_successCode_isRefused() {
    assertThatThrownBy(() -> new CleanupReply(250, "2.0.0", "Ok"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250");
  }
}
