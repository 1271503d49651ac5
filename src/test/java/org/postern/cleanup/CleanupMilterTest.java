package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.milter.ScriptedMilter.concat;
import static org.postern.milter.ScriptedMilter.frame;
import static org.postern.milter.ScriptedMilter.indexed;
import static org.postern.milter.ScriptedMilter.optneg;
import static org.postern.milter.ScriptedMilter.reply;
import static org.postern.milter.ScriptedMilter.strings;
import static org.postern.milter.ScriptedMilter.thenHangUp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.milter.Macros;
import org.postern.milter.MilterSettings;
import org.postern.milter.Milters;
import org.postern.milter.ScriptedMilter;
import org.postern.queue.CleanupReply;
import org.postern.queue.ClientFacts;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;

/** Milter edits and decisions applied by cleanup, against scripted milters. */
class CleanupMilterTest {
  @TempDir Path dir;

  private static final ClientFacts CLIENT = new ClientFacts("client.example.net", "192.0.2.1",
      "helo.example.net", "ESMTPS", "TLSv1.3", "TLS_AES_256_GCM_SHA384");
  private static final String MESSAGE =
      "Received: from helo.example.net (client.example.net [192.0.2.1])\r\n\tby mx\r\n"
          + "Subject: hi\r\nMessage-ID: <m1@x>\r\nX-Old: 1\r\n\r\nold body\r\n";

  /** A session's milters after connect, helo and mail, as smtpd leaves them for cleanup. */
  private Milters session(ScriptedMilter sm, String defaultAction) {
    CleanupHarness settings = new CleanupHarness(dir).set("smtpd_milters", sm.name())
        .set("milter_default_action", defaultAction);
    MilterSettings ms = MilterSettings.from(
        org.postern.config.MainConfig.of(dir.resolve("etc"), settings.main), sm.name());
    Milters m = Milters.open(ms, w -> { });
    m.connect("client.example.net", "192.0.2.1", 1, Macros.NONE);
    m.mail(List.of("<alice@example.net>"), Macros.NONE);
    return m;
  }

  private CleanupResult smtpdMessage(CleanupHarness h, Milters milters, boolean requireTls)
      throws Exception {
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("client.example.net", "192.0.2.1", false))) {
      t.client(CLIENT);
      t.sender("alice@example.net");
      t.recipient(Recipient.of("bob@example.org"));
      t.recipient(Recipient.of("carol@example.org"));
      if (requireTls) {
        t.requestRequireTls();
      }
      t.milters(milters);
      CleanupHarness.write(t, MESSAGE);
      return t.commit();
    }
  }

  private ScriptedMilter eom(byte[] answer) throws Exception {
    return ScriptedMilter.byCommand(dir, optneg(6, 0), c -> c == 'E' ? answer : reply('c'));
  }

  @Test
  void edits_areAppliedToEnvelopeAndContent() throws Exception {
    byte[] edits = concat(
        strings('h', "X-Added", "yes"),
        indexed('i', 0, "X-Top", "first"),
        indexed('m', 1, "Subject", "changed"),
        indexed('m', 1, "X-Old", ""),
        strings('2', "<dave@example.org>", "NOTIFY=NEVER"),
        strings('-', "<carol@example.org>"),
        strings('e', "<other@example.net>"),
        reply('a'));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, false);
      QueueFile f = h.read(r);
      assertThat(f.envelope().sender()).isEqualTo("other@example.net");
      assertThat(f.envelope().recipients()).extracting(Recipient::address)
          .containsExactly("bob@example.org", "dave@example.org");
      assertThat(h.content(r)).isEqualTo("X-Top: first\n"
          + "Received: from helo.example.net (client.example.net [192.0.2.1])\n\tby mx\n"
          + "Subject: changed\nMessage-ID: <m1@x>\nX-Added: yes\n\nold body\n");
    }
  }

  @Test
  void smtpdReceivedHeader_isHiddenAlsoBelowPrependedHeaders() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(concat(indexed('m', 1, "Received", "changed"), reply('c')));
        Milters m = session(sm, "tempfail")) {
      CleanupResult r;
      try (Cleanup c = h.cleanup();
          CleanupTransaction t = c.open(CleanupOrigin.smtpd("client.example.net", "192.0.2.1", false))) {
        t.client(CLIENT);
        t.sender("alice@example.net");
        t.recipient(Recipient.of("bob@example.org"));
        t.milters(m);
        CleanupHarness.write(t, "X-Prepended: by access table\r\nReceived: by smtpd\r\n"
            + "Received: by the client's relay\r\nSubject: hi\r\nMessage-ID: <m2@x>\r\n\r\nbody\r\n");
        r = t.commit();
      }
      assertThat(sm.headers()).containsExactly("X-Prepended: by access table",
          "Received: by the client's relay", "Subject: hi", "Message-ID: <m2@x>");
      assertThat(h.content(r)).startsWith("X-Prepended: by access table\nReceived: by smtpd\n"
          + "Received: changed\nSubject: hi\n");
    }
  }

  @Test
  void replaceBody_keepsRequireTlsMark() throws Exception {
    byte[] edits = concat(frame('b', "new body\r\nline 2\r\n".getBytes(StandardCharsets.US_ASCII)),
        reply('c'));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, true);
      QueueFile f = h.read(r);
      assertThat(f.envelope().requireTls()).isTrue();
      assertThat(h.content(r)).endsWith("Require-TLS-ESMTP: yes\n\nnew body\nline 2\n");
    }
  }

  @Test
  void deletingRequireTlsHeader_keepsMarkAndHeader() throws Exception {
    byte[] edits = concat(indexed('m', 1, "Require-TLS-ESMTP", ""), reply('c'));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, true);
      assertThat(h.read(r).envelope().requireTls()).isTrue();
      assertThat(h.content(r)).contains("Require-TLS-ESMTP: yes\n");
    }
  }

  @Test
  void addedTlsRequiredNo_doesNotWeakenRequireTls() throws Exception {
    byte[] edits = concat(strings('h', "TLS-Required", "No"), reply('c'));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, true);
      QueueFile f = h.read(r);
      assertThat(h.content(r)).contains("TLS-Required: No\n");
      assertThat(f.envelope().requireTls()).isTrue();
      assertThat(f.tlsRequiredNo()).isFalse();
    }
  }

  @Test
  void lostConnectionDuringBodyReplacement_accept_queuesNothing() throws Exception {
    byte[] partial = thenHangUp(frame('b', "new body part\r\n".getBytes(StandardCharsets.US_ASCII)));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(partial); Milters m = session(sm, "accept")) {
      CleanupResult r = smtpdMessage(h, m, true);
      assertThat(r).isInstanceOf(CleanupResult.Failed.class);
      assertThat(((CleanupResult.Failed) r).reply().toString()).isEqualTo("421 4.7.0 Service unavailable");
      assertThat(h.files(QueueName.INCOMING)).isEmpty();
      assertThat(h.log).anyMatch(l -> l.endsWith(": milter-reject: END-OF-MESSAGE from "
          + "client.example.net[192.0.2.1]: 4.7.0 Service unavailable; from=<alice@example.net> "
          + "to=<carol@example.org> proto=ESMTPS helo=<helo.example.net>"));
    }
  }

  @Test
  void reject_isRejectedWithMilterText() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(strings('y', "554 5.7.1 spam")); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, false);
      assertThat(r).isInstanceOf(CleanupResult.Rejected.class);
      assertThat(((CleanupResult.Rejected) r).reply().toString()).isEqualTo("554 5.7.1 spam");
      assertThat(h.files(QueueName.INCOMING)).isEmpty();
    }
  }

  @Test
  void reject_multiLineAtEndOfMessage_keepsEveryLineForSmtpd() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(strings('y', "550-5.7.1 first line\r\n550 5.7.1 second line"));
        Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, false);
      CleanupReply reply = ((CleanupResult.Rejected) r).reply();
      assertThat(reply.lines()).containsExactly("first line", "second line");
      assertThat(reply).hasToString("550 5.7.1 first line");
      assertThat(h.files(QueueName.INCOMING)).isEmpty();
    }
  }

  @Test
  void quarantine_holdsWithEdits() throws Exception {
    byte[] edits = concat(strings('h', "X-Quarantined", "yes"), strings('q', "suspicious"),
        reply('c'));
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, false);
      assertThat(((CleanupResult.Queued) r).queue()).isEqualTo(QueueName.HOLD);
      assertThat(h.content(r)).contains("X-Quarantined: yes\n");
      assertThat(h.log).anyMatch(l -> l.contains(": milter-hold: END-OF-MESSAGE from "
          + "client.example.net[192.0.2.1]: suspicious; from=<alice@example.net>"));
    }
  }

  @Test
  void milterHeaderChecks_applyToMilterHeadersOnly() throws Exception {
    byte[] edits = concat(strings('h', "X-Spam-Flag", "YES"), strings('h', "X-Drop", "me"),
        reply('c'));
    java.util.Map<String, String> checks = new java.util.LinkedHashMap<>();
    checks.put("^X-Spam-Flag: YES", "HOLD spam flagged");
    checks.put("^X-Drop:", "IGNORE");
    checks.put("^Subject:", "REJECT not for original headers");
    CleanupHarness h = new CleanupHarness(dir)
        .table("milter_header_checks", FakeTable.regexp("regexp:/m", checks));
    try (ScriptedMilter sm = eom(edits); Milters m = session(sm, "tempfail")) {
      CleanupResult r = smtpdMessage(h, m, false);
      assertThat(((CleanupResult.Queued) r).queue()).isEqualTo(QueueName.HOLD);
      assertThat(h.content(r)).contains("X-Spam-Flag: YES\n").doesNotContain("X-Drop");
    }
  }

  @Test
  void discard_isDiscarded() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (ScriptedMilter sm = eom(reply('d')); Milters m = session(sm, "tempfail")) {
      assertThat(smtpdMessage(h, m, false)).isInstanceOf(CleanupResult.Discarded.class);
      assertThat(h.log).anyMatch(l -> l.contains(": milter-discard: END-OF-MESSAGE from "
          + "client.example.net[192.0.2.1]: milter triggers DISCARD action;"));
    }
  }

  @Test
  void nonSmtpdMilters_emulateEnvelopeForLocalSubmission() throws Exception {
    try (ScriptedMilter sm = eom(concat(strings('h', "X-Local", "seen"), reply('c')))) {
      CleanupHarness h = new CleanupHarness(dir).set("non_smtpd_milters", sm.name());
      CleanupResult r;
      try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
        t.sender("root@example.com");
        t.recipient(Recipient.of("bob@example.org"));
        CleanupHarness.write(t, "Subject: local\n\nbody\n");
        r = t.commit();
      }
      assertThat(h.content(r)).contains("X-Local: seen\n");
      sm.awaitHangup();
      assertThat(sm.commands()).isEqualTo("ODCDHDMDRDTDLDLDLDLDNDBDEQ");
    }
  }

  @Test
  void nonSmtpdMilters_noMilters_areNotAsked() throws Exception {
    try (ScriptedMilter sm = eom(reply('r'))) {
      CleanupHarness h = new CleanupHarness(dir).set("non_smtpd_milters", sm.name())
          .set("receive_override_options", "no_milters");
      try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
        t.sender("root@example.com");
        t.recipient(Recipient.of("bob@example.org"));
        CleanupHarness.write(t, "Subject: local\n\nbody\n");
        assertThat(t.commit()).isInstanceOf(CleanupResult.Queued.class);
      }
      assertThat(sm.commands()).isEmpty();
    }
  }

  @Test
  void nonSmtpdMilters_rcptReject_isConfigurationErrorDefer() throws Exception {
    try (ScriptedMilter sm = ScriptedMilter.byCommand(dir, optneg(6, 0),
        c -> c == 'R' ? reply('r') : reply('c'))) {
      CleanupHarness h = new CleanupHarness(dir).set("non_smtpd_milters", sm.name());
      try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
        t.sender("root@example.com");
        t.recipient(Recipient.of("bob@example.org"));
        CleanupHarness.write(t, "Subject: local\n\nbody\n");
        CleanupResult r = t.commit();
        assertThat(r).isInstanceOf(CleanupResult.Failed.class);
        assertThat(((CleanupResult.Failed) r).reply().toString())
            .isEqualTo("451 4.3.5 Server configuration error");
      }
    }
  }

  @Test
  void badNonSmtpdMilters_isConfigExceptionNamingIt() {
    CleanupHarness h = new CleanupHarness(dir).set("non_smtpd_milters", "localhost:8891");
    org.assertj.core.api.Assertions.assertThatThrownBy(h::cleanup)
        .isInstanceOf(org.postern.config.ConfigException.class)
        .hasMessageContaining("non_smtpd_milters")
        .hasMessageContaining("invalid transport name: localhost");
  }

  @Test
  void noMilters_contentUnchanged() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    CleanupResult r = smtpdMessage(h, Milters.none(), false);
    assertThat(r).isInstanceOf(CleanupResult.Queued.class);
    assertThat(h.content(r)).endsWith("X-Old: 1\n\nold body\n");
  }
}
