package org.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientResult;
import org.postern.log.TlsFeatureStatus;
import org.postern.queue.ClientFacts;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueId;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

class ResultRecorderTest {
  private static final Instant ARRIVAL = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  private ResultRecorder recorder(Map<String, String> mainCf) {
    return new ResultRecorder(QmgrSettings.from(MainConfig.of(dir, mainCf)), Queues.at(dir));
  }

  private static QueueFile message() {
    Envelope env = new Envelope("alice@example.org", java.util.List.of(), Optional.empty(),
        Optional.empty(), true, false, Optional.empty(), ClientFacts.NONE, Map.of());
    return new QueueFile(Path.of("active/ABCDE12345"), ARRIVAL, env, ExtractedEnvelope.NONE,
        100, 0, 0);
  }

  private static ResultRecorder.Timing timing() {
    return new ResultRecorder.Timing(ARRIVAL.plusSeconds(1),
        Optional.of(ARRIVAL.plusMillis(1500)), ARRIVAL.plusSeconds(4));
  }

  @Test
  void statusLine_sentOverTls_hasPostfixFieldsInOrder() {
    Recipient r = Recipient.of("bob@example.com").withOriginalRecipient("bob-alias@example.com");
    RecipientResult result = RecipientResult.sent(r, "2.0.0", "mx.example.com[192.0.2.1]:25",
            "250 2.0.0 Ok: queued as 4QX")
        .withTlsStatus(TlsFeatureStatus.of(
            TlsFeatureStatus.SecurityLevel.compliant(TlsFeatureStatus.Level.DANE),
            TlsFeatureStatus.RequireTls.compliant()));

    String line = recorder(Map.of()).statusLine(QueueId.of("ABCDE12345"), message(), result, timing());

    assertThat(line).isEqualTo("ABCDE12345: to=<bob@example.com>, orig_to=<bob-alias@example.com>, "
        + "relay=mx.example.com[192.0.2.1]:25, delay=4, delays=1/0.5/0/2.5, tls=dane/requiretls, "
        + "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4QX)");
  }

  @Test
  void statusLine_deferredWithoutAgent_chargesTimeToQmgr() {
    RecipientResult result = RecipientResult.deferred(
        Recipient.of("bob@example.com"), "4.3.2", "none", "deferred transport");
    ResultRecorder.Timing t = new ResultRecorder.Timing(ARRIVAL.plusSeconds(1), Optional.empty(),
        ARRIVAL.plusSeconds(3));

    String line = recorder(Map.of()).statusLine(QueueId.of("ABCDE12345"), message(), result, t);

    assertThat(line).isEqualTo("ABCDE12345: to=<bob@example.com>, relay=none, delay=3, "
        + "delays=1/2/0/0, dsn=4.3.2, status=deferred (deferred transport)");
  }

  @Test
  void softBounce_bounced_becomesDeferredWith4xx() {
    RecipientResult bounced = RecipientResult.bounced(Recipient.of("x@example.com"), "5.1.1",
        "mx[192.0.2.1]:25", "550 unknown");

    RecipientResult soft = ResultRecorder.softBounce(bounced);

    assertThat(soft.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(soft.dsn()).isEqualTo("4.1.1");
    assertThat(soft.action()).isEqualTo("delayed");
    assertThat(soft.text()).isEqualTo("550 unknown");
  }
}
