package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postern.log.DeliveryStatusLine.Status;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.SecurityLevel;

class DeliveryStatusLineTest {
  private static final DeliveryDelays SMALL =
      new DeliveryDelays(
          Duration.ofMillis(160),
          Duration.ofMillis(50),
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofMillis(50));
  private static final DeliveryDelays LOCAL =
      new DeliveryDelays(
          Duration.ofMillis(12),
          Duration.ofMillis(10),
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO);

  @Test
  void text_smtpDelivery_postfixFieldOrder() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "alice@example.com")
            .relay(Relay.host("mx1.example.com", "203.0.113.7", 25))
            .delays(SMALL)
            .outcome("2.0.0", Status.SENT, "250 2.0.0 Ok: queued as 9B1C2D3E4F")
            .text();

    assertThat(text)
        .isEqualTo(
            "3F2A81C0D2: to=<alice@example.com>, relay=mx1.example.com[203.0.113.7]:25,"
                + " delay=0.16, delays=0.05/0.01/0.05/0.05, dsn=2.0.0,"
                + " status=sent (250 2.0.0 Ok: queued as 9B1C2D3E4F)");
  }

  @Test
  void text_localDeliveryWithAlias_origToAfterTo() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "bob@mail.example.com")
            .originalRecipient("postmaster@example.com")
            .relay(Relay.transport("local"))
            .delays(LOCAL)
            .outcome("2.0.0", Status.SENT, "delivered to mailbox")
            .text();

    assertThat(text)
        .isEqualTo(
            "3F2A81C0D2: to=<bob@mail.example.com>, orig_to=<postmaster@example.com>,"
                + " relay=local, delay=0.01, delays=0.01/0/0/0, dsn=2.0.0,"
                + " status=sent (delivered to mailbox)");
  }

  @Test
  void text_origToDiffersOnlyInCase_omitted() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "bob@example.com")
            .originalRecipient("Bob@Example.COM")
            .relay(Relay.transport("local"))
            .delays(LOCAL)
            .outcome("2.0.0", Status.SENT, "delivered to mailbox")
            .text();

    assertThat(text).doesNotContain("orig_to");
  }

  @Test
  void text_reusedConnection_connUseAfterRelayCountsUses() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "alice@example.com")
            .relay(Relay.host("mx1.example.com", "203.0.113.7", 25))
            .reuseCount(2)
            .delays(SMALL)
            .outcome("2.0.0", Status.SENT, "250 2.0.0 Ok")
            .text();

    assertThat(text)
        .contains("relay=mx1.example.com[203.0.113.7]:25, conn_use=3, delay=0.16, delays=");
  }

  @Test
  void text_noConnection_relayNoneDeferredWithUndecidedTls() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "alice@example.net")
            .delays(
                new DeliveryDelays(
                    Duration.ofMillis(30_200),
                    Duration.ofMillis(10),
                    Duration.ZERO,
                    Duration.ofMillis(30_190),
                    Duration.ZERO))
            .tlsFeatureStatus(TlsFeatureStatus.of(SecurityLevel.undecided(Level.MAY)))
            .outcome(
                "4.4.1",
                Status.DEFERRED,
                "connect to mx.example.net[198.51.100.9]:25: Connection timed out")
            .text();

    assertThat(text)
        .isEqualTo(
            "3F2A81C0D2: to=<alice@example.net>, relay=none, delay=30, delays=0.01/0/30/0,"
                + " tls=may?, dsn=4.4.1, status=deferred"
                + " (connect to mx.example.net[198.51.100.9]:25: Connection timed out)");
  }

  @Test
  void text_resolutionLimitZero_wholeSeconds() {
    String text =
        DeliveryStatusLine.builder("3F2A81C0D2", "alice@example.com")
            .relay(Relay.transport("local"))
            .delays(SMALL)
            .delayLoggingResolutionLimit(0)
            .outcome("2.0.0", Status.SENT, "delivered to mailbox")
            .text();

    assertThat(text).contains("delay=0, delays=0/0/0/0,");
  }

  @Test
  void text_lmtpOverUnixSocket_relayNamesPath() {
    assertThat(Relay.socket("mail.example.com", "private/dovecot-lmtp").text())
        .isEqualTo("mail.example.com[private/dovecot-lmtp]");
  }

  @Test
  void text_withoutOutcome_throws() {
    DeliveryStatusLine line =
        DeliveryStatusLine.builder("3F2A81C0D2", "alice@example.com").delays(SMALL);

    assertThatThrownBy(line::text)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3F2A81C0D2");
  }
}
