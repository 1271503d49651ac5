package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;

/** canonical and virtual alias mapping of envelope addresses, through a whole transaction. */
class AddressRewritingTest {
  @TempDir Path dir;

  private CleanupResult run(CleanupHarness h, String sender, Recipient... rcpts) throws Exception {
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("c", "192.0.2.1", false))) {
      t.sender(sender);
      for (Recipient r : rcpts) {
        t.recipient(r);
      }
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      return t.commit();
    }
  }

  private static FakeTable fixed(String spec, String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return FakeTable.fixed(spec, m);
  }

  @Test
  void canonical_rewritesSenderAndRecipient() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("canonical_maps",
        fixed("hash:/c", "alice@example.net", "Alice.Example@example.net",
            "bob@example.org", "robert@example.org"));
    QueueFile f = h.read(run(h, "alice@example.net", Recipient.of("bob@example.org")));

    assertThat(f.envelope().sender()).isEqualTo("Alice.Example@example.net");
    assertThat(f.envelope().recipients()).extracting(Recipient::address, r -> r.originalRecipient().get())
        .containsExactly(tuple("robert@example.org", "bob@example.org"));
  }

  @Test
  void senderCanonical_appliesBeforeCanonicalAndNotToRecipients() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("sender_canonical_maps", fixed("hash:/s", "a@example.net", "b@example.net"))
        .table("canonical_maps", fixed("hash:/c", "b@example.net", "c@example.net"));
    QueueFile f = h.read(run(h, "a@example.net", Recipient.of("a@example.net")));

    assertThat(f.envelope().sender()).isEqualTo("c@example.net");
    assertThat(f.envelope().recipients().get(0).address()).isEqualTo("a@example.net");
  }

  @Test
  void recipientCanonical_appliesOnlyToRecipients() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("recipient_canonical_maps", fixed("hash:/r", "a@example.net", "z@example.net"));
    QueueFile f = h.read(run(h, "a@example.net", Recipient.of("a@example.net")));

    assertThat(f.envelope().sender()).isEqualTo("a@example.net");
    assertThat(f.envelope().recipients().get(0).address()).isEqualTo("z@example.net");
  }

  @Test
  void canonical_atDomainResult_keepsUserPart() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("canonical_maps", fixed("hash:/c", "@old.example", "@new.example"));
    QueueFile f = h.read(run(h, "x@old.example", Recipient.of("y@old.example")));

    assertThat(f.envelope().sender()).isEqualTo("x@new.example");
    assertThat(f.envelope().recipients().get(0).address()).isEqualTo("y@new.example");
  }

  @Test
  void canonical_extension_isStrippedForLookupAndPropagated() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("recipient_delimiter", "+")
        .table("canonical_maps", fixed("hash:/c", "bob@example.org", "robert@example.org"));
    QueueFile f = h.read(run(h, "", Recipient.of("bob+lists@example.org")));

    assertThat(f.envelope().recipients().get(0).address()).isEqualTo("robert+lists@example.org");
    assertThat(f.envelope().sender()).isEmpty();
  }

  @Test
  void canonical_localUserKey_matchesOnlyLocalDomains() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("canonical_maps", fixed("hash:/c", "bob", "robert@example.org"));
    QueueFile f = h.read(run(h, "bob@elsewhere.example",
        Recipient.of("bob@mail.example.com"), Recipient.of("bob@elsewhere.example")));

    assertThat(f.envelope().sender()).isEqualTo("bob@elsewhere.example");
    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("robert@example.org", "bob@elsewhere.example");
  }

  @Test
  void canonical_patternTable_isAskedOnlyTheFullAddress() throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("^bob$", "wrong@example.org");
    CleanupHarness h = new CleanupHarness(dir).table("canonical_maps", FakeTable.regexp("regexp:/c", m));
    QueueFile f = h.read(run(h, "a@example.net", Recipient.of("bob@mail.example.com")));

    assertThat(f.envelope().recipients().get(0).address()).isEqualTo("bob@mail.example.com");
  }

  @Test
  void canonical_chainLongerThanTen_warnsAndKeepsLastResult() throws Exception {
    String[] kv = new String[24];
    for (int i = 0; i < 12; i++) {
      kv[2 * i] = "u" + i + "@example.org";
      kv[2 * i + 1] = "u" + (i + 1) + "@example.org";
    }
    CleanupHarness h = new CleanupHarness(dir).table("canonical_maps", fixed("hash:/c", kv));
    CleanupResult r = run(h, "a@example.net", Recipient.of("u0@example.org"));

    assertThat(h.read(r).envelope().recipients().get(0).address()).isEqualTo("u10@example.org");
    assertThat(h.log).contains("warning: " + r.queueId()
        + ": unreasonable canonical_maps map nesting for u10@example.org");
  }

  @Test
  void virtual_expandsAndKeepsOriginalRecipientAndDsn() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("virtual_alias_maps",
        fixed("hash:/v", "team@example.org", "ann@example.org, ben@example.org",
            "ben@example.org", "ben@mailbox.example"));
    Recipient team = Recipient.of("team@example.org")
        .withDsn("rfc822;team@example.org", EnumSet.of(DsnNotify.FAILURE));
    QueueFile f = h.read(run(h, "a@example.net", team));

    assertThat(f.envelope().recipients())
        .extracting(Recipient::address, r -> r.originalRecipient().get(), r -> r.dsnOrcpt().get())
        .containsExactly(
            tuple("ann@example.org", "team@example.org", "rfc822;team@example.org"),
            tuple("ben@mailbox.example", "team@example.org", "rfc822;team@example.org"));
    assertThat(f.envelope().recipients().get(1).notifyFlags()).containsExactly(DsnNotify.FAILURE);
  }

  @Test
  void virtual_addressExpandingToItself_stopsThere() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("virtual_alias_maps",
        fixed("hash:/v", "bob@example.org", "bob@example.org, copy@example.org"));
    QueueFile f = h.read(run(h, "a@example.net", Recipient.of("bob@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("bob@example.org", "copy@example.org");
  }

  @Test
  void virtual_loop_defersWithWarning() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("virtual_alias_maps",
        fixed("hash:/v", "a@example.org", "b@example.org", "b@example.org", "a@example.org"));
    CleanupResult r = run(h, "s@example.net", Recipient.of("a@example.org"));

    assertThat(r).isInstanceOf(CleanupResult.Failed.class);
    assertThat(((CleanupResult.Failed) r).reply()).hasToString("451 4.7.1 Error: service unavailable");
    assertThat(h.log).contains("warning: " + r.queueId() + ": unreasonable virtual_alias_maps map"
        + " nesting for a@example.org -- message not accepted, try again later");
    assertThat(h.files()).isEmpty();
  }

  @Test
  void virtual_recursionLimit_isConfigurable() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("virtual_alias_recursion_limit", "3")
        .table("virtual_alias_maps", fixed("hash:/v",
            "a@example.org", "b@example.org", "b@example.org", "c@example.org",
            "c@example.org", "d@example.org"));
    assertThat(run(h, "s@example.net", Recipient.of("a@example.org")))
        .isInstanceOf(CleanupResult.Failed.class);

    CleanupHarness ok = new CleanupHarness(dir.resolve("ok")).set("virtual_alias_recursion_limit", "4")
        .table("virtual_alias_maps", fixed("hash:/v",
            "a@example.org", "b@example.org", "b@example.org", "c@example.org",
            "c@example.org", "d@example.org"));
    CleanupResult r = run(ok, "s@example.net", Recipient.of("a@example.org"));
    assertThat(ok.read(r).envelope().recipients().get(0).address()).isEqualTo("d@example.org");
  }

  @Test
  void virtual_expansionLimit_defers() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("virtual_alias_expansion_limit", "3")
        .table("virtual_alias_maps", fixed("hash:/v",
            "list@example.org", "a@x.example, b@x.example, c@x.example, d@x.example"));
    CleanupResult r = run(h, "s@example.net", Recipient.of("list@example.org"));

    assertThat(r).isInstanceOf(CleanupResult.Failed.class);
    assertThat(h.log).contains("warning: " + r.queueId() + ": unreasonable virtual_alias_maps map"
        + " expansion size for list@example.org -- message not accepted, try again later");
  }

  @Test
  void virtual_lookupError_failsTemporarily() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("virtual_alias_maps", FakeTable.failing("tcp:v:1"));
    CleanupResult r = run(h, "s@example.net", Recipient.of("a@example.org"));

    assertThat(((CleanupResult.Failed) r).reply()).hasToString("451 4.3.0 Error: queue file write error");
    assertThat(h.log).contains("warning: " + r.queueId() + ": virtual_alias_maps map lookup problem"
        + " for a@example.org -- message not accepted, try again later");
  }

  @Test
  void duplicates_areDropped() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("virtual_alias_maps",
        fixed("hash:/v", "x@example.org", "bob@example.org"));
    QueueFile f = h.read(run(h, "s@example.net",
        Recipient.of("bob@example.org"), Recipient.of("BOB@example.org"),
        Recipient.of("bob@example.org"), Recipient.of("x@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address, r -> r.originalRecipient().get())
        .containsExactly(tuple("bob@example.org", "bob@example.org"),
            tuple("bob@example.org", "x@example.org"));
  }

  @Test
  void duplicates_withoutOriginalRecipient_compareAddressOnly() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("enable_original_recipient", "no")
        .table("virtual_alias_maps", fixed("hash:/v", "x@example.org", "bob@example.org"));
    QueueFile f = h.read(run(h, "s@example.net",
        Recipient.of("bob@example.org"), Recipient.of("x@example.org")));

    assertThat(f.envelope().recipients()).hasSize(1);
  }

  @Test
  void duplicateFilterLimit_keepsDuplicatesPastTheLimit() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("duplicate_filter_limit", "1");
    QueueFile f = h.read(run(h, "s@example.net", Recipient.of("a@example.org"),
        Recipient.of("b@example.org"), Recipient.of("b@example.org"), Recipient.of("a@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("a@example.org", "b@example.org", "b@example.org");
  }

  @Test
  void noAddressMappings_skipsMaps() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("receive_override_options", "no_address_mappings")
        .table("virtual_alias_maps", fixed("hash:/v", "a@example.org", "b@example.org"));
    QueueFile f = h.read(run(h, "s@example.net", Recipient.of("a@example.org")));

    assertThat(f.envelope().recipients()).extracting(Recipient::address).isEqualTo(List.of("a@example.org"));
  }

  @Test
  void actionLog_showsRecipientAfterCanonicalMapping() throws Exception {
    Map<String, String> checks = new HashMap<>();
    checks.put("^Subject:", "WARN w");
    CleanupHarness h = new CleanupHarness(dir)
        .table("canonical_maps", fixed("hash:/c", "bob@example.org", "robert@example.org"))
        .table("header_checks", FakeTable.regexp("regexp:/h", checks));
    CleanupResult r = run(h, "a@example.net", Recipient.of("bob@example.org"));

    assertThat(h.log).anyMatch(l -> l.contains("from=<a@example.net> to=<robert@example.org>"));
    assertThat(r).isInstanceOf(CleanupResult.Queued.class);
  }
}
