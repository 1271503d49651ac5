package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No open relay: a client from 127.0.0.2, outside {@code mynetworks = 127.0.0.1/32}, gets no 2xx
 * for any recipient that leads elsewhere, however the address hides the other destination (source
 * routes, {@code %} and {@code !} routing, quoted local parts, address literals of other hosts, a
 * trailing dot, upper case), and nothing reaches incoming/ when it carries on with DATA anyway.
 * An address literal of this host's own address ({@code inet_interfaces = all}) is local.
 */
class OpenRelayIT {
  private static final String OUTSIDER = "127.0.0.2";

  @TempDir static Path dir;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    postern =
        PosternInstance.createReceiveOnly(
            dir,
            "myhostname = mx.test\nmydestination = mx.test\nmynetworks = 127.0.0.1/32\nlocal_recipient_maps =\n");
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user@other.example",
        "user%other.example@mx.test",
        "other.example!user@mx.test",
        "\"user@other.example\"@mx.test",
        "@mx.test:user@other.example",
        "user@other.example@mx.test",
        "user@[192.0.2.9]",
        "user%other.example@[127.0.0.1]",
        "user@other.example.",
        "USER@OTHER.EXAMPLE",
        "USER%OTHER.EXAMPLE@MX.TEST",
        "OTHER.EXAMPLE!USER@MX.TEST",
        "\"USER@OTHER.EXAMPLE\"@MX.TEST",
        "@MX.TEST:USER@OTHER.EXAMPLE",
        "USER@OTHER.EXAMPLE@MX.TEST",
        "USER@OTHER.EXAMPLE.",
        "user%other.example@Mx.Test",
        "user%other.example%mx.test@mx.test",
        "\"user%other.example\"@mx.test",
      })
  void rcptFromOutsideMynetworks_otherDestination_no2xxNothingQueued(String recipient) throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom(OUTSIDER, postern.smtpPort())) {
      assertThat(c.command("EHLO outsider.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);

      SmtpClient.Reply rcpt = c.command("RCPT TO:<" + recipient + ">");
      assertThat(rcpt.code()).as("RCPT TO:<" + recipient + "> got " + rcpt).isGreaterThanOrEqualTo(400);

      SmtpClient.Reply data = c.command("DATA");
      if (data.code() == 354) {
        c.send("Subject: relay attempt\r\n\r\nrelay attempt\r\n.\r\n");
        data = c.reply();
      }
      assertThat(data.code()).as("DATA after a refused recipient: " + data).isGreaterThanOrEqualTo(400);
      c.command("QUIT");
    }
    assertThat(postern.queueFiles("incoming")).isEmpty();
  }

  @Test
  void rcptFromOutsideMynetworks_localRecipient_accepted() throws Exception {
    try (SmtpClient c = SmtpClient.connectFrom(OUTSIDER, postern.smtpPort())) {
      assertThat(c.command("EHLO outsider.test").code()).isEqualTo(250);
      assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@mx.test>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@MX.TEST>").code()).isEqualTo(250);
      assertThat(c.command("RCPT TO:<root@[127.0.0.1]>").code()).isEqualTo(250);
      assertThat(c.command("RSET").code()).isEqualTo(250);
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
  }
}
