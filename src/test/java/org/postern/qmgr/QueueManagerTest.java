package org.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueFileMarker;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;

class QueueManagerTest {
  @TempDir Path dir;
  private QmgrHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new QmgrHarness(dir);
  }

  private static RecordingAgent byDomain() {
    return RecordingAgent.answering(r -> r.address().endsWith("@down.example")
        ? RecipientResult.deferred(r, "4.4.1", "none", "connect to down.example: Connection refused")
        : RecipientResult.sent(r, "2.0.0", "mx.example.com[192.0.2.1]:25", "250 2.0.0 Ok"));
  }

  @Test
  void run_allSent_marksDoneLogsAndRemovesFile() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId id = h.submit("a@example.com", "b@example.com");

    h.run();

    assertThat(smtp.recipients()).containsExactly("a@example.com", "b@example.com");
    assertThat(h.queueOf(id)).isEmpty();
    assertThat(h.log())
        .contains(id + ": from=<sender@example.org>, size=23, nrcpt=2 (queue active)")
        .contains("postern/smtp[7]: " + id + ": to=<a@example.com>, "
            + "relay=mx.example.com[192.0.2.1]:25, delay=0, delays=0/0/0/0, dsn=2.0.0, "
            + "status=sent (250 2.0.0 Ok)")
        .contains("postern/qmgr[7]: " + id + ": removed");
    assertThat(h.notifier.calls).isEmpty();
  }

  @Test
  void run_notifySuccess_tracesAndSendsSuccessNotice() throws Exception {
    h.agent("smtp", RecordingAgent.sending());
    QueueId id = h.submit("sender@example.org", Map.of(), List.of(
        Recipient.of("a@example.com").withDsn(null, Set.of(DsnNotify.SUCCESS)),
        Recipient.of("b@example.com")));

    h.run();

    assertThat(h.notifier.calls).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("success");
      assertThat(c.entries()).extracting(RecipientLog.Entry::recipient)
          .containsExactly("a@example.com");
    });
    assertThat(Files.exists(RecipientLog.trace(h.queues).path(id))).isFalse();
  }

  @Test
  void run_partialFailure_marksSentDoneAndDefersWithBackoff() throws Exception {
    h.agent("smtp", byDomain());
    QueueId id = h.submit("a@example.com", "b@down.example");

    h.run();

    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
    assertThat(h.mtime(id)).isEqualTo(QmgrHarness.T0.plusSeconds(300));
    assertThat(h.atime(id)).isEqualTo(QmgrHarness.T0.plusSeconds(300)); // before a read moves it
    assertThat(h.read(id).recipients()).extracting(Recipient::address, Recipient::done)
        .containsExactly(tuple("a@example.com", true),
            tuple("b@down.example", false));
    assertThat(RecipientLog.defer(h.queues).read(id)).extracting(RecipientLog.Entry::recipient)
        .containsExactly("b@down.example");
    assertThat(h.log()).contains(id + ": to=<b@down.example>, relay=none, delay=0, "
        + "delays=0/0/0/0, dsn=4.4.1, status=deferred (connect to down.example: Connection refused)");
    assertThat(h.notifier.calls).isEmpty();
  }

  @Test
  void run_afterBackoff_retriesOnlyPendingRecipients() throws Exception {
    RecordingAgent first = byDomain();
    h.agent("smtp", first);
    QueueId id = h.submit("a@example.com", "b@down.example");
    h.run();
    RecordingAgent second = RecordingAgent.sending();
    h.agent("smtp", second).set("myhostname", "mx.example.org"); // a new qmgr, same queue

    h.clock.advance(Duration.ofSeconds(299));
    h.run();
    assertThat(second.requests).isEmpty();

    h.clock.advance(Duration.ofSeconds(1));
    h.run();
    assertThat(second.recipients()).containsExactly("b@down.example");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void defer_backoff_isAgeBoundedByMinimalAndMaximal() throws Exception {
    h.agent("smtp", RecordingAgent.deferring());
    QueueId id = h.submit("b@down.example");
    h.run();
    assertThat(h.mtime(id)).isEqualTo(h.clock.instant().plusSeconds(300));

    h.clock.advance(Duration.ofSeconds(1000));
    h.run();
    assertThat(h.mtime(id)).isEqualTo(h.clock.instant().plusSeconds(1000));

    h.clock.advance(Duration.ofSeconds(4000));
    h.run();
    assertThat(h.mtime(id)).isEqualTo(h.clock.instant().plusSeconds(4000));
  }

  @Test
  void run_pastMaximalQueueLifetime_expiresAndBounces() throws Exception {
    h.agent("smtp", RecordingAgent.deferring());
    QueueId id = h.submit("a@example.com", "b@example.com");
    h.run();

    h.clock.advance(Duration.ofDays(5));
    h.run();

    assertThat(h.log()).contains(id + ": from=<sender@example.org>, status=expired, returned to sender");
    assertThat(h.notifier.calls).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("bounce");
      assertThat(c.entries()).extracting(RecipientLog.Entry::recipient, RecipientLog.Entry::action,
              RecipientLog.Entry::dsn)
          .containsExactly(tuple("a@example.com", "failed", "4.4.1"),
              tuple("b@example.com", "failed", "4.4.1"));
    });
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void run_nullSender_expiresAfterBounceQueueLifetime() throws Exception {
    h.set("bounce_queue_lifetime", "1d");
    h.agent("smtp", RecordingAgent.deferring());
    QueueId id = h.submit("", Map.of(), List.of(Recipient.of("a@example.com")));
    h.run();

    h.clock.advance(Duration.ofDays(1));
    h.run();

    assertThat(h.log()).contains(id + ": from=<>, status=expired, returned to sender");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void run_beforeLifetime_doesNotExpire() throws Exception {
    h.agent("smtp", RecordingAgent.deferring());
    QueueId id = h.submit("a@example.com");
    h.clock.advance(Duration.ofDays(5).minusSeconds(1));
    h.run();
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
    assertThat(h.log()).doesNotContain("expired");
  }

  @Test
  void run_delayWarningTime_warnsOnce() throws Exception {
    h.set("delay_warning_time", "4h");
    h.agent("smtp", RecordingAgent.deferring());
    QueueId id = h.submit("a@example.com");
    h.run();
    assertThat(h.notifier.calls).isEmpty();

    h.clock.advance(Duration.ofHours(4));
    h.flush();
    h.clock.advance(Duration.ofHours(2));
    h.flush();

    assertThat(h.notifier.calls).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("delay");
      assertThat(c.queueId()).isEqualTo(id.value());
    });
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
  }

  @Test
  void run_deferTransports_defersWithoutDeliveryUntilFlush() throws Exception {
    h.set("defer_transports", "smtp");
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId id = h.submit("a@example.com");

    h.run();
    assertThat(smtp.requests).isEmpty();
    assertThat(h.log()).contains("postern/qmgr[7]: " + id + ": to=<a@example.com>, relay=none, "
        + "delay=0, delays=0/0/0/0, dsn=4.3.2, status=deferred (deferred transport)");
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);

    h.flush();
    assertThat(smtp.recipients()).containsExactly("a@example.com");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void run_softBounce_defersWith4xxInsteadOfBouncing() throws Exception {
    h.set("soft_bounce", "yes");
    h.agent("smtp", RecordingAgent.bouncing());
    QueueId id = h.submit("a@example.com");

    h.run();

    assertThat(h.log()).contains("dsn=4.1.1, status=deferred (host mx.example.com[192.0.2.1] said");
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
    assertThat(h.read(id).pendingRecipients()).hasSize(1);
    assertThat(h.notifier.calls).isEmpty();
  }

  @Test
  void run_bounced_marksDoneAndSendsBounce() throws Exception {
    h.agent("smtp", RecordingAgent.bouncing());
    QueueId id = h.submit("a@example.com");

    h.run();

    assertThat(h.log()).contains("dsn=5.1.1, status=bounced (host mx.example.com");
    assertThat(h.notifier.kinds()).containsExactly("bounce");
    assertThat(h.notifier.calls.get(0).entries()).extracting(RecipientLog.Entry::dsn)
        .containsExactly("5.1.1");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void run_recipientLimit_splitsRequests() throws Exception {
    h.set("smtp_destination_recipient_limit", "2");
    RecordingAgent smtp = RecordingAgent.sending();
    RecordingAgent local = RecordingAgent.sending();
    h.agent("smtp", smtp).agent("local", local);
    h.submit("a@example.com", "b@example.com", "c@example.com", "d@other.example",
        "u1@localhost.example", "u2@localhost.example");

    h.run();

    assertThat(smtp.recipientsPerRequest()).containsExactlyInAnyOrder(
        List.of("a@example.com", "b@example.com"), List.of("c@example.com"),
        List.of("d@other.example"));
    assertThat(local.recipientsPerRequest()).containsExactlyInAnyOrder(
        List.of("u1@localhost.example"), List.of("u2@localhost.example"));
  }

  @Test
  void run_contentFilter_routesEveryRecipientToTheFilter() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    RecordingAgent filter = RecordingAgent.sending();
    h.agent("smtp", smtp).agent("scan", filter);
    h.submit("sender@example.org", Map.of("content_filter", "scan:[127.0.0.1]:10025"),
        List.of(Recipient.of("a@example.com"), Recipient.of("u@localhost.example")));

    h.run();

    assertThat(smtp.requests).isEmpty();
    assertThat(filter.requests).singleElement().satisfies(q -> {
      assertThat(q.transport()).isEqualTo("scan");
      assertThat(q.nexthop()).isEqualTo("[127.0.0.1]:10025");
      assertThat(q.recipients()).extracting(Recipient::address)
          .containsExactly("a@example.com", "u@localhost.example");
    });
  }

  @Test
  void run_contentFilterWithoutNexthop_usesMyhostname() throws Exception {
    RecordingAgent filter = RecordingAgent.sending();
    h.agent("scan", filter);
    h.submit("sender@example.org", Map.of("content_filter", "scan:"),
        List.of(Recipient.of("a@example.com")));

    h.run();

    assertThat(filter.requests).extracting(q -> q.nexthop()).containsExactly("mx.example.org");
  }

  @Test
  void run_redirectTo_deliversToRedirectAddressAndMarksOriginal() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId id = h.submit("sender@example.org", Map.of("redirect_to", "quarantine@example.net"),
        List.of(Recipient.of("a@example.com")));

    h.run();

    assertThat(smtp.recipients()).containsExactly("quarantine@example.net");
    assertThat(h.log()).contains(id + ": to=<quarantine@example.net>, orig_to=<a@example.com>");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void recover_activeFileWithOneDoneRecipient_deliversOnlyTheOther() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId id = h.submit("a@example.com", "b@example.com");
    Recipient a = h.read(id).recipients().get(0);
    QueueFileMarker.markDone(h.queues.path(QueueName.INCOMING, id), a);
    h.queues.move(id, QueueName.INCOMING, QueueName.ACTIVE);

    h.qmgr().recover();
    assertThat(h.queueOf(id)).contains(QueueName.INCOMING);
    h.run();

    assertThat(smtp.recipients()).containsExactly("b@example.com");
    assertThat(h.queueOf(id)).isEmpty();
  }

  @Test
  void run_agentThrows_defersRequestWith430() throws Exception {
    h.agent("smtp", RecordingAgent.throwing());
    QueueId id = h.submit("a@example.com");

    h.run();

    assertThat(h.log()).contains("warning: " + id + ": transport smtp failed")
        .contains("dsn=4.3.0, status=deferred (unknown mail transport error)");
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
  }

  @Test
  void run_resolverFails_defersThatRecipientOnly() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    h.resolver.failFor("bad@example.com");
    QueueId id = h.submit("bad@example.com", "good@example.com");

    h.run();

    assertThat(smtp.recipients()).containsExactly("good@example.com");
    assertThat(h.log()).contains(id + ": to=<bad@example.com>, relay=none, delay=0, "
        + "delays=0/0/0/0, dsn=4.3.0, status=deferred (address resolver failure)");
    assertThat(h.read(id).pendingRecipients()).extracting(Recipient::address)
        .containsExactly("bad@example.com");
  }

  @Test
  void run_unknownTransport_defersMailTransportUnavailable() throws Exception {
    QueueId id = h.submit("a@example.com");
    h.run();
    assertThat(h.log()).contains("dsn=4.3.0, status=deferred (mail transport unavailable)");
    assertThat(h.queueOf(id)).contains(QueueName.DEFERRED);
  }

  @Test
  void run_messageActiveLimit_leavesTheRestForTheNextRun() throws Exception {
    h.set("qmgr_message_active_limit", "1");
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId first = h.submit("a@example.com");
    QueueId second = h.submit("b@example.com");

    h.run();
    assertThat(smtp.requests).hasSize(1);
    assertThat(List.of(h.queueOf(first), h.queueOf(second)))
        .containsExactlyInAnyOrder(Optional.empty(), Optional.of(QueueName.INCOMING));

    h.run();
    assertThat(smtp.recipients()).containsExactlyInAnyOrder("a@example.com", "b@example.com");
  }

  @Test
  void run_fileThatCannotBeMoved_restOfTheScanIsDeliveredAndRoomGivenBack() throws Exception {
    h.set("qmgr_message_active_limit", "2");
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId a = h.submit("a@example.com");
    QueueId b = h.submit("b@example.com");
    boolean aFirst = a.value().compareTo(b.value()) < 0; // the scan goes in queue id order
    QueueId scannedLast = aFirst ? b : a;
    // A non-empty directory where the rename into active/ goes: the rename fails with an
    // IOException after the other message has already been moved into active/.
    Path obstacle = h.queues.path(QueueName.ACTIVE, scannedLast);
    Files.createDirectories(obstacle.resolve("x"));

    h.run();

    assertThat(smtp.recipients()).containsExactly(aFirst ? "a@example.com" : "b@example.com");
    assertThat(h.queues.path(QueueName.INCOMING, scannedLast)).isRegularFile();
    assertThat(h.log()).contains(scannedLast + ": rename from incoming to active");

    Files.delete(obstacle.resolve("x"));
    Files.delete(obstacle);
    h.run();

    assertThat(smtp.recipients()).containsExactlyInAnyOrder("a@example.com", "b@example.com");
    assertThat(h.queueOf(a)).isEmpty();
    assertThat(h.queueOf(b)).isEmpty();
  }

  @Test
  void run_holdQueue_isLeftAlone() throws Exception {
    RecordingAgent smtp = RecordingAgent.sending();
    h.agent("smtp", smtp);
    QueueId id = h.submit("a@example.com");
    h.queues.move(id, QueueName.INCOMING, QueueName.HOLD);

    h.flush();

    assertThat(smtp.requests).isEmpty();
    assertThat(h.queueOf(id)).contains(QueueName.HOLD);
  }

  @Test
  void run_destinationConcurrencyLimit_isRespected() throws Exception {
    h.set("smtp_destination_concurrency_limit", "3");
    RecordingAgent smtp = RecordingAgent.sending().gated();
    h.agent("smtp", smtp);
    for (int i = 0; i < 8; i++) {
      h.submit("user" + i + "@example.com");
    }
    Thread run = Thread.ofVirtual().start(() -> {
      try {
        h.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    awaitRunning(smtp, 3);
    Thread.sleep(100); // room for a fourth delivery, were the window not enforced
    assertThat(smtp.running()).isEqualTo(3);
    smtp.open();
    run.join();

    assertThat(smtp.maxRunning()).isEqualTo(3);
    assertThat(smtp.requests).hasSize(8);
  }

  @Test
  void run_transportProcessLimit_boundsAllDestinations() throws Exception {
    h.maxproc.put("smtp", 2);
    RecordingAgent smtp = RecordingAgent.sending().gated();
    h.agent("smtp", smtp);
    for (int i = 0; i < 6; i++) {
      h.submit("user@domain" + i + ".example");
    }
    Thread run = Thread.ofVirtual().start(() -> {
      try {
        h.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    awaitRunning(smtp, 2);
    Thread.sleep(100);
    assertThat(smtp.running()).isEqualTo(2);
    smtp.open();
    run.join();

    assertThat(smtp.maxRunning()).isEqualTo(2);
    assertThat(smtp.requests).hasSize(6);
  }

  @Test
  void run_destinationFailingRepeatedly_isSuspendedUntilFlush() throws Exception {
    h.set("smtp_initial_destination_concurrency", "1");
    AtomicBoolean up = new AtomicBoolean();
    RecordingAgent smtp = RecordingAgent.answering(r -> up.get()
        ? RecipientResult.sent(r, "2.0.0", "down.example[192.0.2.9]:25", "250 Ok")
        : RecipientResult.deferred(r, "4.4.1", "none", "connect to down.example: Connection refused"));
    h.agent("smtp", smtp);
    QueueId first = h.submit("a@down.example");
    h.run();
    QueueId second = h.submit("b@down.example");
    up.set(true);

    h.run();

    assertThat(smtp.recipients()).containsExactly("a@down.example");
    assertThat(h.log()).contains(second + ": to=<b@down.example>, relay=none, delay=0, "
        + "delays=0/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: "
        + "connect to down.example: Connection refused)");

    h.flush(); // F forgets dead destinations
    assertThat(smtp.recipients()).containsExactlyInAnyOrder(
        "a@down.example", "a@down.example", "b@down.example");
    assertThat(h.queueOf(first)).isEmpty();
    assertThat(h.queueOf(second)).isEmpty();
  }

  @Test
  void run_suspendedDestination_revivesAfterMinimalBackoffTime() throws Exception {
    h.set("smtp_initial_destination_concurrency", "1");
    AtomicBoolean up = new AtomicBoolean();
    RecordingAgent smtp = RecordingAgent.answering(r -> up.get()
        ? RecipientResult.sent(r, "2.0.0", "down.example[192.0.2.9]:25", "250 Ok")
        : RecipientResult.deferred(r, "4.4.1", "none", "connect to down.example: Connection refused"));
    h.agent("smtp", smtp);
    h.submit("a@down.example");
    h.run();
    up.set(true);

    h.clock.advance(Duration.ofSeconds(300));
    QueueId later = h.submit("c@down.example");
    h.run();

    assertThat(smtp.recipients()).contains("c@down.example");
    assertThat(h.queueOf(later)).isEmpty();
  }

  private static void awaitRunning(RecordingAgent agent, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (agent.running() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(agent.running()).isEqualTo(n);
  }

  @Test
  void settings_fromDefaults_matchPostfix() {
    QmgrSettings s = QmgrSettings.from(MainConfig.of(dir, Map.of()));
    assertThat(s.messageActiveLimit()).isEqualTo(20000);
    assertThat(s.messageRecipientLimit()).isEqualTo(20000);
    assertThat(s.minimalBackoffTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.maximalBackoffTime()).isEqualTo(Duration.ofSeconds(4000));
    assertThat(s.maximalQueueLifetime()).isEqualTo(Duration.ofDays(5));
    assertThat(s.delayWarningTime()).isZero();
    assertThat(s.limits().recipientLimit("smtp")).isEqualTo(50);
    assertThat(s.limits().recipientLimit("local")).isEqualTo(1);
    assertThat(s.limits().concurrencyLimit("smtp")).isEqualTo(20);
    assertThat(s.limits().initialConcurrency("smtp")).isEqualTo(5);
    assertThat(s.softBounce()).isFalse();
  }
}
