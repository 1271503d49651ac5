package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.log.DeliveryLogEntry.Delivery;
import org.postern.log.DeliveryLogEntry.Malformed;
import org.postern.log.DeliveryLogEntry.NotDelivery;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.RequireTls;
import org.postern.log.TlsFeatureStatus.RequireTlsDetail;
import org.postern.log.TlsFeatureStatus.SecurityLevel;

class DeliveryLogEntryTest {
  private static DeliveryLogEntry delivery(String line) {
    DeliveryLogEntry.Reading r = DeliveryLogEntry.read(line);
    assertThat(r).as(line).isInstanceOf(Delivery.class);
    return ((Delivery) r).entry();
  }

  private static String malformedReason(String line) {
    DeliveryLogEntry.Reading r = DeliveryLogEntry.read(line);
    assertThat(r).as(line).isInstanceOf(Malformed.class);
    return ((Malformed) r).reason();
  }

  @Test
  void read_postfix311RequireTlsLine_allFields() {
    DeliveryLogEntry e =
        delivery(
            "Nov 14 05:00:01 mx1 postfix/smtp[4711]: 4dXyZ12abcz: to=<user@Example.COM>,"
                + " relay=mail.example.com[192.0.2.1]:25, delay=0.52,"
                + " delays=0.1/0/0.2/0.1, tls=dane/requiretls, dsn=2.0.0,"
                + " status=sent (250 2.0.0 Ok: queued as 1234)");

    assertThat(e.program()).isEqualTo("smtp");
    assertThat(e.queueId()).isEqualTo("4dXyZ12abcz");
    assertThat(e.recipient()).isEqualTo("user@Example.COM");
    assertThat(e.recipientDomain()).isEqualTo("example.com");
    assertThat(e.dsn()).isEqualTo("2.0.0");
    assertThat(e.status()).isEqualTo("sent");
    assertThat(e.tls()).isEqualTo("dane/requiretls");
    assertThat(e.requireTls()).contains(RequireTls.compliant());
  }

  @Test
  void read_linePosternWrites_sameFeatureBack() {
    for (RequireTls rt :
        new RequireTls[] {
          RequireTls.compliant(),
          RequireTls.permitted(RequireTlsDetail.NOCERTMATCH),
          RequireTls.permitted(RequireTlsDetail.NONE),
          RequireTls.permitted(RequireTlsDetail.NOSTARTTLS),
          RequireTls.violated(RequireTlsDetail.NOSTARTTLS),
          RequireTls.violated(RequireTlsDetail.NOCERTMATCH),
          RequireTls.violated(RequireTlsDetail.NOENCRYPTION),
          RequireTls.violated(RequireTlsDetail.NONE),
          RequireTls.undecided()
        }) {
      String text =
          DeliveryStatusLine.builder("3F2A1B4C5D", "rcpt@peer.test")
              .originalRecipient("alias@peer.test")
              .relay(Relay.none())
              .reuseCount(1)
              .delays(
                  new DeliveryDelays(
                      Duration.ofMillis(600), Duration.ofMillis(100), Duration.ZERO,
                      Duration.ofMillis(200), Duration.ofMillis(300)))
              .tlsFeatureStatus(TlsFeatureStatus.of(SecurityLevel.downgraded(Level.MAY, Level.NONE), rt))
              .outcome("4.7.30", DeliveryStatusLine.Status.DEFERRED, "REQUIRETLS: a, b, c")
              .text();

      DeliveryLogEntry e = delivery("Jan  5 12:00:00 client.test postern/smtp[99]: " + text);

      assertThat(e.requireTls()).as(text).contains(rt);
      assertThat(e.requireTls().orElseThrow().text()).isEqualTo(text.replaceAll(".*tls=may:none/([^,]+),.*", "$1"));
      assertThat(e.status()).isEqualTo("deferred");
    }
  }

  @Test
  void read_anySyslogNameAndTimestamp_lmtpToo() {
    DeliveryLogEntry e =
        delivery(
            "2026-05-11T17:13:43.123456+00:00 host mail/relay/lmtp[12]: ABC: to=<bob@store.test>,"
                + " relay=store.test[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1,"
                + " tls=none/requiretls:none, dsn=2.0.0, status=sent (250 2.0.0 <bob@store.test> Saved)");

    assertThat(e.program()).isEqualTo("lmtp");
    assertThat(e.requireTls()).contains(RequireTls.permitted(RequireTlsDetail.NONE));
  }

  @Test
  void read_withoutRequireTlsFeature_noRequireTls() {
    assertThat(
            delivery(
                    "postfix/smtp[1]: A1: to=<a@b.test>, relay=none, delay=30, delays=0/0/30/0,"
                        + " tls=may?, dsn=4.4.1, status=deferred (connect to b.test: timed out)")
                .requireTls())
        .isEmpty();
    assertThat(
            delivery(
                    "postfix/smtp[1]: A1: to=<a@b.test>, relay=b.test[192.0.2.2]:25, delay=1,"
                        + " delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 ok)")
                .requireTls())
        .isEmpty();
  }

  @Test
  void read_requireTlsAsFirstFeature_notTakenForIt() {
    assertThat(
            delivery(
                    "postfix/smtp[1]: A1: to=<a@b.test>, relay=none, delay=1, delays=0/0/1/0,"
                        + " tls=requiretls, dsn=2.0.0, status=sent (ok)")
                .requireTls())
        .isEmpty();
  }

  @Test
  void read_otherLinesOfSmtp_notDelivery() {
    for (String line :
        new String[] {
          "Nov 14 05:00:01 mx1 postfix/smtp[4711]: connect to mx.example.com[192.0.2.1]:25: Connection refused",
          "Nov 14 05:00:01 mx1 postfix/smtp[4711]: Trusted TLS connection established to mx[192.0.2.1]:25: TLSv1.3",
          "Nov 14 05:00:01 mx1 postfix/smtp[4711]: warning: smtp_requiretls_policy: unknown action \"bogus\"",
          "Nov 14 05:00:01 mx1 postfix/qmgr[10]: 4dXyZ: from=<a@b.test>, size=300, nrcpt=1 (queue active)",
          "Nov 14 05:00:01 mx1 postfix/local[10]: 4dXyZ: to=<a@b.test>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)",
          "",
        }) {
      assertThat(DeliveryLogEntry.read(line)).as(line).isInstanceOf(NotDelivery.class);
    }
  }

  @Test
  void read_cutShortOrMisspelled_malformedWithReason() {
    String head = "postfix/smtp[1]: A1: to=<a@b.test>";
    assertThat(malformedReason(head)).contains("recipient address");
    assertThat(malformedReason(head + ", relay=none, delay=1, delays=0/0/1/0, tls=may/requi"))
        .contains("status=");
    assertThat(malformedReason(head + ", relay=none, delays=0/0/1/0, dsn=2.0.0, status=sent (ok)"))
        .contains("delay=");
    assertThat(malformedReason(head + ", relay=, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (ok)"))
        .contains("relay=");
    assertThat(malformedReason(head + ", relay=none, delay=1, delays=0/0/1/0, dsn=2.0, status=sent (ok)"))
        .contains("dsn=2.0");
    assertThat(malformedReason(head + ", relay=none, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent"))
        .contains("word (reason)");
    assertThat(
            malformedReason(
                head + ", relay=none, delay=1, delays=0/0/1/0, tls=may/requiretls:bogus, dsn=2.0.0, status=sent (ok)"))
        .contains("requiretls:bogus");
    assertThat(
            malformedReason(
                head + ", relay=none, delay=1, delays=0/0/1/0, tls=may/requiretls:none?, dsn=4.4.1, status=deferred (x)"))
        .contains("undecided");
    assertThat(
            malformedReason(
                head + ", relay=none, delay=1, delays=0/0/1/0, tls=may/!requiretls, dsn=5.7.30, status=bounced (x)"))
        .contains("without detail");
    assertThat(
            malformedReason(
                head + ", relay=none, delay=1, delays=0/0/1/0, tls=may//requiretls, dsn=2.0.0, status=sent (ok)"))
        .contains("feature \"\"");
  }

  @Test
  void read_garbage_neverThrows() {
    for (String line :
        new String[] {
          "x/smtp[1]: Q: to=<", "x/smtp[1]: Q: to=<>, ", "x/smtp[1]: Q: to=<>, , status=sent (x)",
          "\u0000\uFFFD/smtp[1]: Q: to=<a>, status=(", "x/lmtp[1]: Q: to=<a>, =, status=sent ()",
        }) {
      assertThat(DeliveryLogEntry.read(line)).as(line).isInstanceOf(Malformed.class);
    }
  }

  @Test
  void recipientDomain_addressLiteralOrNoDomain() {
    String tail = ", relay=none, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (ok)";
    assertThat(delivery("p/smtp[1]: Q: to=<u@[127.0.64.5]>" + tail).recipientDomain())
        .isEqualTo("[127.0.64.5]");
    assertThat(delivery("p/smtp[1]: Q: to=<root>" + tail).recipientDomain()).isEmpty();
    assertThat(delivery("p/smtp[1]: Q: to=<\"a>b\"@x.test>" + tail).requireTls())
        .isEqualTo(Optional.empty());
  }
}
