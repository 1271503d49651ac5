package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;

/** requiretls_request_maps: which key decides, what the mark looks like, what it never does. */
class RequireTlsRequestTest {
  private static final String TABLE = "hash:/etc/postern/requiretls";

  @TempDir Path dir;

  private CleanupHarness harness(Map<String, String> entries) {
    return new CleanupHarness(dir)
        .table("requiretls_request_maps", FakeTable.fixed(TABLE, entries));
  }

  private static CleanupResult smtpd(CleanupHarness h, String login, String sender,
      String... recipients) throws Exception {
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("client.example", "192.0.2.7", false))) {
      t.client(new org.postern.queue.ClientFacts("client.example", "192.0.2.7", "helo", "ESMTPA",
          "", ""));
      if (!login.isEmpty()) {
        t.attribute(CleanupTransaction.SASL_USERNAME, login);
      }
      t.sender(sender);
      for (String r : recipients) {
        t.recipient(Recipient.of(r));
      }
      CleanupHarness.write(t, "Subject: s\r\nTLS-Required: no\r\n\r\nbody\r\n");
      return t.commit();
    }
  }

  private static List<String> decisions(CleanupHarness h) {
    return h.log.stream().filter(l -> l.contains("requiretls requested by policy")).toList();
  }

  @Test
  void senderDomain_yes_marksTheMessage_addsTheHeader_andLogsTableAndKey() throws Exception {
    CleanupHarness h = harness(Map.of("example.com", "yes"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@example.org");

    QueueFile f = h.read(r);
    assertThat(f.envelope().requireTls()).isTrue();
    assertThat(h.content(r)).contains("Require-TLS-ESMTP: yes");
    assertThat(decisions(h)).singleElement().satisfies(l -> assertThat(l).endsWith(
        ": requiretls requested by policy: table=" + TABLE + " key=example.com"));
  }

  @Test
  void saslLoginName_isAskedFirst() throws Exception {
    CleanupHarness h = harness(Map.of("alice", "yes", "alice@example.com", "no"));
    CleanupResult r = smtpd(h, "alice", "alice@example.com", "bob@example.org");

    assertThat(h.read(r).envelope().requireTls()).isTrue();
    assertThat(decisions(h)).singleElement().satisfies(l -> assertThat(l).endsWith(" key=alice"));
  }

  @Test
  void senderNo_stopsTheSearch_beforeRecipientsAndClient() throws Exception {
    CleanupHarness h = harness(Map.of("alice@example.com", "no", "example.org", "yes",
        "192.0.2.7", "yes"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@example.org");

    assertThat(h.read(r).envelope().requireTls()).isFalse();
    assertThat(h.content(r)).doesNotContain("Require-TLS-ESMTP");
    assertThat(decisions(h)).isEmpty();
  }

  @Test
  void oneMatchingRecipientDomain_marksTheWholeMessage_evenAfterANo() throws Exception {
    CleanupHarness h = harness(Map.of("example.net", "no", "partner.example", "yes"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "x@example.net", "y@mx.partner.example");

    assertThat(h.read(r).envelope().requireTls()).isTrue();
    assertThat(decisions(h)).singleElement()
        .satisfies(l -> assertThat(l).endsWith(" key=partner.example"));
  }

  @Test
  void clientAddress_isLookedUpWithItsNetworks() throws Exception {
    CleanupHarness h = harness(Map.of("192.0.2", "yes"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@example.org");

    assertThat(h.read(r).envelope().requireTls()).isTrue();
    assertThat(decisions(h)).singleElement().satisfies(l -> assertThat(l).endsWith(" key=192.0.2"));
  }

  @Test
  void patternTables_seeOnlyWholeAddressesAndNames() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("requiretls_request_maps",
        FakeTable.regexp("regexp:/etc/postern/requiretls", Map.of("^example\\.org$", "yes")));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@sub.example.org");

    assertThat(h.read(r).envelope().requireTls()).isFalse();
  }

  @Test
  void clientRequest_standsWhateverTheTableSays_andTheTableIsNotAsked() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("requiretls_request_maps", FakeTable.failing("tcp:127.0.0.1:1"));
    QueueFile f;
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("c", "192.0.2.1", false))) {
      t.sender("alice@example.com");
      t.recipient(Recipient.of("bob@example.org"));
      t.requestRequireTls();
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      f = h.read(t.commit());
    }
    assertThat(f.envelope().requireTls()).isTrue();
    assertThat(decisions(h)).isEmpty();
  }

  @Test
  void noMatch_leavesTheMessageUnmarked_withItsTlsRequiredNo() throws Exception {
    CleanupHarness h = harness(Map.of("elsewhere.example", "yes"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@example.org");

    QueueFile f = h.read(r);
    assertThat(f.envelope().requireTls()).isFalse();
    assertThat(f.tlsRequiredNo()).isTrue();
  }

  @Test
  void badValue_failsTheMessageTemporarily_namingTableAndKey() throws Exception {
    CleanupHarness h = harness(Map.of("example.com", "REQUIRETLS"));
    CleanupResult r = smtpd(h, "", "alice@example.com", "bob@example.org");

    assertThat(((CleanupResult.Failed) r).reply())
        .hasToString("451 4.3.0 Error: queue file write error");
    assertThat(h.log).anySatisfy(l -> assertThat(l).startsWith("warning: ").contains(
        "requiretls_request_maps lookup problem: " + TABLE
            + ": key example.com: bad value \"REQUIRETLS\": expected yes or no"));
    assertThat(h.files()).isEmpty();
  }

  @Test
  void bounceNotices_areNeverMarkedByPolicy() throws Exception {
    CleanupHarness h = harness(Map.of("example.org", "yes"));
    QueueFile f;
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.notice(CleanupOrigin.SourceClass.BOUNCE))) {
      t.sender("");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: Undelivered Mail Returned to Sender\r\n\r\nbody\r\n");
      f = h.read(t.commit());
    }
    assertThat(f.envelope().requireTls()).isFalse();
  }
}
