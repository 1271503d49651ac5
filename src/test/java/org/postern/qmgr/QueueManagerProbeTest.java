package org.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.VerifyClient.AddressStatus;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * Address probes of verify(8) in the queue manager: routed with the address_verify_* resolver,
 * never to a content filter, every result reported to the verify service and logged as {@code
 * deliverable} or {@code undeliverable}, and the probe removed without bounce or delay notice.
 */
class QueueManagerProbeTest {
  private static final Map<String, String> PROBE =
      Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.MTA_VERIFY));

  @TempDir Path dir;
  private QmgrHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new QmgrHarness(dir);
  }

  private QueueId probe(String recipient) throws Exception {
    return h.submit("double-bounce@mx.example.org", PROBE,
        List.of(Recipient.of(recipient).withOriginalRecipient(recipient)));
  }

  private static RecordingAgent byUser() {
    return RecordingAgent.answering(r -> switch (r.address().substring(0, r.address().indexOf('@'))) {
      case "good" -> RecipientResult.sent(r, "2.1.5", "mx.example.com[192.0.2.1]:25", "250 2.1.5 Ok");
      case "bad" -> RecipientResult.bounced(r, "5.1.1", "mx.example.com[192.0.2.1]:25",
          "host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)");
      default -> RecipientResult.deferred(r, "4.4.1", "none",
          "connect to mx.example.com[192.0.2.1]:25: Connection refused");
    });
  }

  @Test
  void run_probes_reportToVerifyAndLeaveNothingBehind() throws Exception {
    h.agent("smtp", byUser());
    QueueId good = probe("good@example.com");
    QueueId bad = probe("bad@example.com");
    QueueId down = probe("down@example.com");

    h.run();

    assertThat(h.verify.updates).containsExactlyInAnyOrder(
        new RecordingVerify.Update("good@example.com", AddressStatus.OK, "250 2.1.5 Ok"),
        new RecordingVerify.Update("bad@example.com", AddressStatus.BOUNCE,
            "host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)"),
        new RecordingVerify.Update("down@example.com", AddressStatus.DEFER,
            "connect to mx.example.com[192.0.2.1]:25: Connection refused"));
    assertThat(h.queueOf(good)).isEmpty();
    assertThat(h.queueOf(bad)).isEmpty();
    assertThat(h.queueOf(down)).isEmpty();
    assertThat(h.notifier.calls).isEmpty();
    assertThat(h.log())
        .contains(good + ": to=<good@example.com>, relay=mx.example.com[192.0.2.1]:25")
        .contains("dsn=2.1.5, status=deliverable (250 2.1.5 Ok)")
        .contains("dsn=5.1.1, status=undeliverable (host mx.example.com[192.0.2.1] said: 550")
        .contains("dsn=4.4.1, status=undeliverable (connect to");
  }

  @Test
  void run_probe_isRoutedByTheProbeResolverAndSkipsTheContentFilter() throws Exception {
    RecordingAgent smtp = byUser();
    RecordingAgent relay = byUser();
    h.agent("smtp", smtp).agent("relay", relay).agent("filter", RecordingAgent.sending());
    h.probeResolver.route("example.com", "relay");
    h.submit("double-bounce@mx.example.org",
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.MTA_VERIFY),
            "content_filter", "filter:[127.0.0.1]:10025"),
        List.of(Recipient.of("good@example.com")));

    h.run();

    assertThat(relay.recipients()).containsExactly("good@example.com");
    assertThat(smtp.recipients()).isEmpty();
  }

  @Test
  void run_withoutNegativeCache_logsUndeliverableButNotCached() throws Exception {
    h.agent("smtp", byUser());
    h.verify.negativeCache = false;
    QueueId bad = probe("bad@example.com");

    h.run();

    assertThat(h.verify.updates).isEmpty();
    assertThat(h.queueOf(bad)).isEmpty();
    assertThat(h.log()).contains("status=undeliverable-but-not-cached (host");
  }

  @Test
  void run_verifyServiceDown_warnsAndKeepsTheProbe() throws Exception {
    h.agent("smtp", byUser());
    h.verify.failing = true;
    QueueId good = probe("good@example.com");

    h.run();

    assertThat(h.log()).contains(good + ": verify service failure");
    assertThat(h.queueOf(good)).contains(QueueName.DEFERRED);
    assertThat(h.read(good).recipients()).extracting(Recipient::done).containsExactly(false);
  }
}
