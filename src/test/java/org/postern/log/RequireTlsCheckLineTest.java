package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.log.RequireTlsCheckLine.Check;

class RequireTlsCheckLineTest {
  @Test
  void text_thenRead_sameLineBack() {
    RequireTlsCheckLine line = new RequireTlsCheckLine("4dXa1", "a@dane.example",
        Relay.host("mx.dane.example", "192.0.2.1", 25), Check.DANE,
        "TLSA 3 1 1 matched depth 0");

    assertThat(line.text()).isEqualTo("4dXa1: requiretls: to=<a@dane.example>,"
        + " relay=mx.dane.example[192.0.2.1]:25, check=dane (TLSA 3 1 1 matched depth 0)");
    assertThat(RequireTlsCheckLine.read("Dec 06 19:03:10 mx postern/smtp[12]: " + line.text()))
        .contains(line);
  }

  @Test
  void read_eachKindByItsWord() {
    for (Check c : Check.values()) {
      String text = "postern/lmtp[1]: ID: requiretls: to=<x@y>, relay=none, check=" + c.word()
          + " (d)";
      assertThat(RequireTlsCheckLine.read(text)).as(text).get()
          .extracting(RequireTlsCheckLine::check).isEqualTo(c);
    }
    assertThat(Check.MTA_STS.word()).isEqualTo("mta-sts");
  }

  @Test
  void read_otherLines_empty() {
    assertThat(RequireTlsCheckLine.read("postern/smtp[1]: ID: requiretls: to=<x@y>, relay=none,"
        + " check=tofu (d)")).isEmpty();
    assertThat(RequireTlsCheckLine.read("postern/smtpd[1]: ID: requiretls: to=<x@y>, relay=none,"
        + " check=dane (d)")).isEmpty();
    assertThat(RequireTlsCheckLine.read("postern/smtp[1]: ID: to=<x@y>, relay=none, delay=1,"
        + " delays=0/0/0/0, dsn=4.4.1, status=deferred (x)")).isEmpty();
  }

  @Test
  void queueSenderLine_readsQmgrFromLine_notExpiry() {
    assertThat(QueueSenderLine.read("Dec 06 19:03:10 mx postfix/qmgr[9]: 4dXa1:"
        + " from=<Alice@Example.ORG>, size=512, nrcpt=2 (queue active)"))
        .get().satisfies(s -> {
          assertThat(s.queueId()).isEqualTo("4dXa1");
          assertThat(s.senderDomain()).isEqualTo("example.org");
        });
    assertThat(QueueSenderLine.read("postfix/qmgr[9]: 4dXa1: from=<>, size=512, nrcpt=1"
        + " (queue active)")).get().extracting(QueueSenderLine::senderDomain).isEqualTo("");
    assertThat(QueueSenderLine.read("postfix/qmgr[9]: 4dXa1: from=<a@b>, status=expired,"
        + " returned to sender")).isEmpty();
    assertThat(QueueSenderLine.read("postfix/cleanup[9]: 4dXa1: message-id=<a@b>")).isEmpty();
  }
}
