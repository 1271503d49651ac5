package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;

class CleanupTransactionTest {
  @TempDir Path dir;

  private static final ClientFacts TLS_CLIENT =
      new ClientFacts("client.example.net", "192.0.2.1", "helo.example.net", "ESMTPS",
          "TLSv1.3", "TLS_AES_256_GCM_SHA384");

  private CleanupTransaction smtpd(Cleanup c) throws IOException {
    CleanupTransaction t = c.open(CleanupOrigin.smtpd("client.example.net", "192.0.2.1", false));
    t.client(TLS_CLIENT);
    t.sender("alice@example.net");
    return t;
  }

  @Test
  void commit_smtpdMessage_roundTripsEveryMark() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org")
          .withDsn("rfc822;bob@example.org", EnumSet.of(DsnNotify.FAILURE, DsnNotify.DELAY)));
      t.dsn(Optional.of(DsnRet.HDRS), Optional.of("ENV-1"));
      t.bodyType(BodyType.EIGHT_BIT_MIME);
      t.requestSmtputf8();
      t.requestRequireTls();
      CleanupHarness.write(t, "Subject: hi\r\nTLS-Required: No\r\nMessage-ID: <m1@x>\r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(r).isInstanceOf(CleanupResult.Queued.class);
      assertThat(((CleanupResult.Queued) r).queue()).isEqualTo(QueueName.INCOMING);
      QueueFile f = h.read(r);
      assertThat(f.envelope().sender()).isEqualTo("alice@example.net");
      Recipient rcpt = f.envelope().recipients().get(0);
      assertThat(rcpt.address()).isEqualTo("bob@example.org");
      assertThat(rcpt.originalRecipient()).contains("bob@example.org");
      assertThat(rcpt.dsnOrcpt()).contains("rfc822;bob@example.org");
      assertThat(rcpt.notifyFlags()).containsExactlyInAnyOrder(DsnNotify.FAILURE, DsnNotify.DELAY);
      assertThat(f.envelope().dsnRet()).contains(DsnRet.HDRS);
      assertThat(f.envelope().envid()).contains("ENV-1");
      assertThat(f.envelope().bodyType()).contains(BodyType.EIGHT_BIT_MIME);
      assertThat(f.envelope().client()).isEqualTo(TLS_CLIENT);
      assertThat(f.envelope().smtputf8()).isTrue();
      assertThat(f.envelope().requireTls()).isTrue();
      assertThat(f.tlsRequiredNo()).isTrue();
      assertThat(f.arrivalTime()).isEqualTo(CleanupHarness.ARRIVAL);
      assertThat(h.content(r)).isEqualTo(
          "Subject: hi\nTLS-Required: No\nMessage-ID: <m1@x>\nRequire-TLS-ESMTP: yes\n\nbody\n");
      assertThat(h.log).containsExactly(r.queueId() + ": message-id=<m1@x>");
    }
  }

  @Test
  void commit_recipientWithoutOrcpt_getsPostfixsMadeUpOrcptOfTheCanonicalAddress() throws Exception {
    CleanupHarness h = new CleanupHarness(dir)
        .table("recipient_canonical_maps", FakeTable.fixed("hash:/r", Map.of("b@example.org", "bob@example.org")))
        .table("virtual_alias_maps", FakeTable.fixed("hash:/v", Map.of("bob@example.org", "robert@example.org")));
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("b@example.org"));
      t.recipient(Recipient.of("carol@example.org").withDsn("rfc822;c@example.com", Set.of()));
      t.recipient(Recipient.of("jörg@example.org"));
      t.requestSmtputf8();
      CleanupHarness.write(t, "Subject: hi\r\n\r\nbody\r\n");
      QueueFile f = h.read(t.commit());

      assertThat(f.envelope().recipients())
          .extracting(Recipient::address, r -> r.dsnOrcpt().orElseThrow())
          .containsExactly(
              tuple("robert@example.org", "rfc822;bob@example.org"),
              tuple("carol@example.org", "rfc822;c@example.com"),
              tuple("jörg@example.org", "utf-8;jörg@example.org"));
    }
  }

  @Test
  void commit_localSubmission_addsMessageIdDateAndFrom() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("alice");
      t.fullName("Alice Example");
      t.recipient(Recipient.of("bob"));
      CleanupHarness.write(t, "Subject: hi\n\nbody\n");
      CleanupResult r = t.commit();

      String id = r.queueId().value();
      QueueFile f = h.read(r);
      assertThat(f.envelope().sender()).isEqualTo("alice@mail.example.com");
      assertThat(f.envelope().recipients().get(0).address()).isEqualTo("bob@mail.example.com");
      assertThat(f.envelope().recipients().get(0).originalRecipient()).contains("bob");
      assertThat(h.content(r)).isEqualTo("Subject: hi\n"
          + "Message-Id: <20261124061124." + id + "@mail.example.com>\n"
          + "Date: Tue, 24 Nov 2026 07:11:24 +0100 (CET)\n"
          + "From: Alice Example <alice@mail.example.com>\n"
          + "\nbody\n");
      assertThat(h.log).containsExactly(
          id + ": message-id=<20261124061124." + id + "@mail.example.com>");
    }
  }

  @Test
  void commit_remoteSmtpClient_addsNoHeadersAndLogsEmptyMessageId() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: hi\r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(h.content(r)).isEqualTo("Subject: hi\n\nbody\n");
      assertThat(h.log).containsExactly(r.queueId() + ": message-id=<>");
    }
  }

  @Test
  void commit_alwaysAddMissingHeaders_addsHeadersForSmtpMail() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("always_add_missing_headers", "yes");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: hi\r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(h.content(r))
          .contains("Message-Id: <20261124061124.")
          .contains("Date: Tue, 24 Nov 2026 07:11:24 +0100 (CET)\n")
          .contains("From: alice@example.net\n");
    }
  }

  @Test
  void commit_resentHeaders_addsResentVariants() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Resent-To: bob@example.org\nFrom: x@y\nDate: d\nMessage-Id: <a@b>\n\n");
      CleanupResult r = t.commit();

      assertThat(h.content(r))
          .contains("Resent-Message-Id: <")
          .contains("Resent-Date: ")
          .contains("Resent-From: MAILER-DAEMON\n");
    }
  }

  @Test
  void commit_returnPathAndBcc_areRemoved() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Return-Path: <evil@x>\r\nBcc: hidden@x\r\nSubject: s\r\n\r\nReturn-Path: body\r\n");
      CleanupResult r = t.commit();

      assertThat(h.content(r)).isEqualTo("Subject: s\n\nReturn-Path: body\n");
    }
  }

  @Test
  void commit_requireTlsEsmtpHeaderPresent_marksMessageAndAddsNoSecond() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "REQUIRE-TLS-ESMTP:  YES \r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(h.read(r).envelope().requireTls()).isTrue();
      assertThat(h.content(r)).isEqualTo("REQUIRE-TLS-ESMTP:  YES \n\nbody\n");
    }
  }

  @Test
  void commit_requireTlsEsmtpHeaderNo_doesNotMark() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Require-TLS-ESMTP: no\r\n\r\nbody\r\n");
      assertThat(h.read(t.commit()).envelope().requireTls()).isFalse();
    }
  }

  @Test
  void commit_requireTlsEsmtpHeaderDisabled_neitherAddsNorDetects() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("requiretls_esmtp_header", "no");
    try (Cleanup c = h.cleanup()) {
      CleanupResult marked;
      try (CleanupTransaction t = smtpd(c)) {
        t.recipient(Recipient.of("bob@example.org"));
        t.requestRequireTls();
        CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
        marked = t.commit();
      }
      CleanupResult withHeader;
      try (CleanupTransaction t = smtpd(c)) {
        t.recipient(Recipient.of("bob@example.org"));
        CleanupHarness.write(t, "Require-TLS-ESMTP: yes\r\n\r\nbody\r\n");
        withHeader = t.commit();
      }

      assertThat(h.content(marked)).isEqualTo("Subject: s\n\nbody\n");
      assertThat(h.read(marked).envelope().requireTls()).isTrue();
      assertThat(h.read(withHeader).envelope().requireTls()).isFalse();
    }
  }

  @Test
  void commit_tlsRequiredNoWithFeatureOff_isNotMarked() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("tls_required_enable", "no");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "TLS-Required: no\r\n\r\nbody\r\n");
      assertThat(h.read(t.commit()).tlsRequiredNo()).isFalse();
    }
  }

  @Test
  void commit_sendmailUtf8Header_marksSmtputf8() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("alice@example.com");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: Grüße\n\nbody\n");
      CleanupResult r = t.commit();

      assertThat(h.read(r).envelope().smtputf8()).isTrue();
      assertThat(h.content(r)).startsWith("Subject: Grüße\n");
    }
  }

  @Test
  void commit_sendmailUtf8Address_marksSmtputf8() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("alice@example.com");
      t.recipient(Recipient.of("jürgen@example.org"));
      CleanupHarness.write(t, "Subject: s\n\nbody ü\n");
      assertThat(h.read(t.commit()).envelope().smtputf8()).isTrue();
    }
  }

  @Test
  void commit_smtpdUtf8Header_isNotAutodetected() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: Grüße\r\n\r\nbody\r\n");
      assertThat(h.read(t.commit()).envelope().smtputf8()).isFalse();
    }
  }

  @Test
  void commit_smtputf8Disabled_isNotAutodetected() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("smtputf8_enable", "no");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("alice@example.com");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: Grüße\n\nbody\n");
      assertThat(h.read(t.commit()).envelope().smtputf8()).isFalse();
    }
  }

  @Test
  void commit_asciiSendmailMessage_isNotMarkedSmtputf8() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.sendmail())) {
      t.sender("alice@example.com");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: plain\n\nbody ü in the body only\n");
      assertThat(h.read(t.commit()).envelope().smtputf8()).isFalse();
    }
  }

  @Test
  void abort_afterContent_leavesNoFileBehind() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup()) {
      CleanupTransaction t = smtpd(c);
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: s\r\n\r\n" + "x".repeat(300_000) + "\r\n");
      assertThat(h.files()).isNotEmpty();
      t.abort();

      assertThat(h.files()).isEmpty();
    }
  }

  @Test
  void commit_largeBody_spillsAndRoundTrips() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    String line = "y".repeat(5000);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: s\r\n\r\n");
      for (int i = 0; i < 100; i++) {
        CleanupHarness.write(t, line + "\r\n");
      }
      CleanupResult r = t.commit();

      assertThat(h.content(r)).isEqualTo("Subject: s\n\n" + (line + "\n").repeat(100));
      assertThat(h.files(QueueName.TMP)).isEmpty();
    }
  }

  @Test
  void commit_headerLongerThanLimit_isTruncated() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("header_size_limit", "20");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: 0123456789abcdefghij\r\n continued\r\n\r\nbody\r\n");
      assertThat(h.content(t.commit())).isEqualTo("Subject: 0123456789a\n\nbody\n");
    }
  }

  @Test
  void commit_tooManyReceivedHeaders_rejectsWithTooManyHops() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("hopcount_limit", "3");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Received: a\r\nReceived: b\r\nReceived: c\r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(r).isInstanceOf(CleanupResult.Rejected.class);
      assertThat(((CleanupResult.Rejected) r).reply()).hasToString("554 5.4.0 Error: too many hops");
      assertThat(h.files()).isEmpty();
    }
  }

  @Test
  void commit_messageTooBig_rejects() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).set("message_size_limit", "100");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: s\r\n\r\n" + "z".repeat(200) + "\r\n");
      CleanupResult r = t.commit();

      assertThat(((CleanupResult.Rejected) r).reply())
          .hasToString("552 5.3.4 Error: message file too big");
    }
  }

  @Test
  void commit_noRecipients_rejects() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      CleanupHarness.write(t, "Subject: s\r\n\r\nbody\r\n");
      CleanupResult r = t.commit();

      assertThat(((CleanupResult.Rejected) r).reply())
          .hasToString("550 5.1.0 Error: no recipients specified");
    }
  }

  @Test
  void commit_messageWithoutBody_keepsHeaders() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, "Subject: s\r\nX-A: b");
      assertThat(h.content(t.commit())).isEqualTo("Subject: s\nX-A: b\n");
    }
  }

  @Test
  void commit_requeuedEnvelope_keepsDoneRecipientsAndMarks() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    Recipient done = new Recipient("old@example.org", Optional.of("old@example.org"),
        Optional.empty(), Set.of(), true, -1);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.requeue())) {
      t.envelope(new org.postern.queue.Envelope("a@example.com",
          java.util.List.of(done, Recipient.of("new@example.org").withOriginalRecipient("orig@x")),
          Optional.of(DsnRet.FULL), Optional.empty(), true, true, Optional.empty(),
          ClientFacts.NONE, Map.of("rewrite_context", "local")));
      CleanupHarness.write(t, "Subject: s\nRequire-TLS-ESMTP: yes\n\nbody\n");
      QueueFile f = h.read(t.commit());

      assertThat(f.envelope().recipients()).extracting(Recipient::address, Recipient::done)
          .containsExactly(
              tuple("old@example.org", true),
              tuple("new@example.org", false));
      assertThat(f.envelope().recipients().get(1).originalRecipient()).contains("orig@x");
      assertThat(f.envelope().requireTls()).isTrue();
      assertThat(f.envelope().smtputf8()).isTrue();
      assertThat(f.envelope().attributes()).containsEntry("rewrite_context", "local");
    }
  }

  @Test
  void replyFor_noSpace_is452AndOtherErrorsAre451() {
    assertThat(Cleanup.replyFor(new FileSystemException("/q/tmp/t1", null, "No space left on device")))
        .hasToString("452 4.3.1 Insufficient system storage");
    assertThat(Cleanup.replyFor(new IOException("write failed", new IOException("No space left on device"))))
        .hasToString("452 4.3.1 Insufficient system storage");
    assertThat(Cleanup.replyFor(new IOException("Input/output error")))
        .hasToString("451 4.3.0 Error: queue file write error");
  }

  @Test
  void envelope_afterContentStarted_isRefused() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup(); CleanupTransaction t = smtpd(c)) {
      t.content();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.recipient(Recipient.of("x@y")))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
