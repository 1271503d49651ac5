package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.DsnNotify;
import org.postern.queue.Envelope;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;

/** always_bcc, sender_bcc_maps and recipient_bcc_maps, through a whole transaction. */
class AutomaticBccTest {
  private static final Set<DsnNotify> NEVER = Set.of(DsnNotify.NEVER);

  @TempDir Path dir;

  private CleanupResult run(CleanupHarness h, CleanupOrigin origin, String sender,
      Recipient... rcpts) throws Exception {
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(origin)) {
      t.sender(sender);
      for (Recipient r : rcpts) {
        t.recipient(r);
      }
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      return t.commit();
    }
  }

  private CleanupResult smtpd(CleanupHarness h, String sender, Recipient... rcpts)
      throws Exception {
    return run(h, CleanupOrigin.smtpd("c", "192.0.2.1", false), sender, rcpts);
  }

  private static FakeTable fixed(String spec, String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return FakeTable.fixed(spec, m);
  }

  /** The recipients as written, without their queue file offsets. */
  private static List<Recipient> recipients(QueueFile f) {
    return f.envelope().recipients().stream().map(r -> new Recipient(r.address(),
        r.originalRecipient(), r.dsnOrcpt(), r.notifyFlags(), r.done(), -1)).toList();
  }

  /** A recipient as cleanup queues it: with the DSN ORCPT Postfix's cleanup makes up. */
  private static Recipient queued(String address) {
    return new Recipient(address, Optional.of(address), Optional.of("rfc822;" + address), Set.of(), false, -1);
  }

  private static Recipient bcc(String address) {
    return new Recipient(address, Optional.of(address), Optional.empty(), NEVER, false, -1);
  }

  @Test
  void senderBcc_lookedUpWithCanonicalSender_addedFirstWithNotifyNever() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("canonical_maps", fixed("hash:/c", "a@example.net", "alice@example.net"))
        .table("sender_bcc_maps", fixed("hash:/s", "alice@example.net", "copies@example.org"));
    QueueFile f = h.read(smtpd(h, "a@example.net", Recipient.of("b@example.org")));

    assertThat(recipients(f)).containsExactly(
        bcc("copies@example.org"), queued("b@example.org"));
  }

  @Test
  void recipientBcc_keyAfterCanonicalBeforeVirtual_addedAfterItsRecipient() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("recipient_canonical_maps", fixed("hash:/r", "b@example.org", "bob@example.org"))
        .table("virtual_alias_maps", fixed("hash:/v", "bob@example.org", "robert@example.org"))
        .table("recipient_bcc_maps", fixed("hash:/b", "bob@example.org", "watch@example.org",
            "robert@example.org", "wrong@example.org"));
    QueueFile f = h.read(smtpd(h, "s@example.net", Recipient.of("b@example.org"),
        Recipient.of("c@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("robert@example.org", "watch@example.org", "c@example.org");
  }

  @Test
  void recipientBcc_extensionFallsBackToBareAndAtDomainKeys_resultWithoutExtension()
      throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("recipient_delimiter", "+")
        .table("recipient_bcc_maps", fixed("hash:/b", "bob@example.org", "bob-copy@example.org",
            "@example.com", "domain-copy@example.org"));
    QueueFile f = h.read(smtpd(h, "s@example.net", Recipient.of("bob+list@example.org"),
        Recipient.of("carol@example.com")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address).containsExactly(
        "bob+list@example.org", "bob-copy@example.org", "carol@example.com",
        "domain-copy@example.org");
  }

  @Test
  void alwaysBcc_addedOnceLast_qualifiedAndRewrittenAsARecipient() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_bcc", "archive")
        .table("virtual_alias_maps",
            fixed("hash:/v", "archive@mail.example.com", "archive@store.example"));
    QueueFile f = h.read(smtpd(h, "s@example.net", Recipient.of("a@example.org"),
        Recipient.of("b@example.org")));

    assertThat(recipients(f)).containsExactly(queued("a@example.org"),
        queued("b@example.org"),
        new Recipient("archive@store.example", Optional.of("archive@mail.example.com"),
            Optional.empty(), NEVER, false, -1));
  }

  @Test
  void bcc_sameAddressTwice_isOneRecipient() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_bcc", "watch@example.org")
        .table("recipient_bcc_maps", fixed("hash:/b", "@example.org", "watch@example.org"));
    QueueFile f = h.read(smtpd(h, "s@example.net", Recipient.of("a@example.org"),
        Recipient.of("b@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("a@example.org", "watch@example.org", "b@example.org");
  }

  @Test
  void bcc_keepsTheMessagesRequireTlsMark() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_bcc", "archive@example.org");
    QueueFile f;
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("c", "192.0.2.1", false))) {
      t.sender("s@example.net");
      t.recipient(Recipient.of("a@example.org"));
      t.requestRequireTls();
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      f = h.read(t.commit());
    }

    assertThat(f.envelope().requireTls()).isTrue();
    assertThat(recipients(f)).contains(bcc("archive@example.org"));
  }

  @Test
  void senderBcc_nullSender_isNotLookedUp() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("sender_bcc_maps", FakeTable.failing("tcp:s:1"));
    CleanupResult r = smtpd(h, "", Recipient.of("a@example.org"));

    assertThat(recipients(h.read(r))).containsExactly(queued("a@example.org"));
  }

  @Test
  void bccLookupError_failsTemporarilyWithPostfixWarning() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("recipient_bcc_maps", FakeTable.failing("tcp:b:1"));
    CleanupResult r = smtpd(h, "s@example.net", Recipient.of("a@example.org"));

    assertThat(((CleanupResult.Failed) r).reply())
        .hasToString("451 4.3.0 Error: queue file write error");
    assertThat(h.log).contains("warning: " + r.queueId()
        + ": recipient_bcc_maps map lookup problem -- message not accepted, try again later");
  }

  @Test
  void noAddressMappings_addsNoBcc() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .set("receive_override_options", "no_address_mappings")
        .set("always_bcc", "archive@example.org")
        .table("sender_bcc_maps", fixed("hash:/s", "s@example.net", "copies@example.org"));
    QueueFile f = h.read(smtpd(h, "s@example.net", Recipient.of("a@example.org")));

    assertThat(recipients(f)).containsExactly(queued("a@example.org"));
  }

  @Test
  void notice_getsNoBcc_requeueDoes() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_bcc", "archive@example.org");
    QueueFile notice = h.read(run(h,
        CleanupOrigin.notice(CleanupOrigin.SourceClass.BOUNCE), "", Recipient.of("s@example.net")));
    QueueFile requeued = h.read(run(h, CleanupOrigin.requeue(), "s@example.net",
        Recipient.of("a@example.org")));

    assertThat(recipients(notice)).containsExactly(queued("s@example.net"));
    assertThat(recipients(requeued))
        .containsExactly(queued("a@example.org"), bcc("archive@example.org"));
  }

  /**
   * As Postfix 3.12 (seen with postsuper -r and postqueue -j: nrcpt=3): on requeue the first
   * pass's copy gets a made-up ORCPT like any recipient without one, so the duplicate filter does
   * not take it for the always_bcc copy added again.
   */
  @Test
  void requeue_bccFromTheFirstPass_addedAgainAsPostfix() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_bcc", "archive@example.org");
    QueueFile first = h.read(smtpd(h, "s@example.net", Recipient.of("a@example.org")));
    QueueFile again;
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.requeue())) {
      Envelope e = first.envelope();
      t.envelope(e);
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      again = h.read(t.commit());
    }

    assertThat(again.envelope().recipients()).extracting(Recipient::address, Recipient::notifyFlags)
        .containsExactly(tuple("a@example.org", Set.of()), tuple("archive@example.org", NEVER),
            tuple("archive@example.org", NEVER));
  }
}
