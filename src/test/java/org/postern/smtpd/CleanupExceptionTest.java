package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.queue.CleanupReply;
import org.postern.queue.CleanupStatus;

class CleanupExceptionTest {
  @Test
  void reply_multiLineRefusal_isAMultiLineSmtpReply() {
    CleanupException e = new CleanupException(
        new CleanupReply(550, "5.7.1", "first line", List.of("second line")));

    assertThat(e.reply().render(true)).isEqualTo("550-5.7.1 first line\r\n550 5.7.1 second line\r\n");
  }

  @Test
  void reply_status_isPostfixsText() {
    assertThat(new CleanupException(CleanupStatus.SIZE, "x").reply().render(true))
        .isEqualTo("552 5.3.4 Error: message file too big\r\n");
  }

  @Test
  void cleanupReply_lineBreakInsideALine_isRefused() {
    assertThatThrownBy(() -> new CleanupReply(550, "5.7.1", "a", List.of("b\r\n250 ok")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
