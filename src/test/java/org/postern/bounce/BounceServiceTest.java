package org.postern.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.bounce.BounceFixture.bounced;
import static org.postern.bounce.BounceFixture.deferred;
import static org.postern.bounce.BounceFixture.envelope;
import static org.postern.bounce.BounceFixture.id;
import static org.postern.bounce.BounceFixture.plain;
import static org.postern.bounce.BounceFixture.rcpt;
import static org.postern.bounce.BounceFixture.sent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

class BounceServiceTest {
  @TempDir Path dir;
  private BounceFixture f;
  private RecipientLog bounceLog;

  @BeforeEach
  void setUp() throws IOException {
    f = new BounceFixture(dir);
    bounceLog = RecipientLog.bounce(f.queues);
  }

  private QueueFile bounceOne(QueueFile message, RecipientLog.Entry... entries)
      throws IOException {
    f.log(bounceLog, message, entries);
    f.service().bounce(message);
    return message;
  }

  @Test
  void bounce_failedRecipient_sendsReportFromNullSenderToSender() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    QueueFile m = bounceOne(f.original(plain("sender@example.org", r)), bounced(r));

    RecordingMailSubmitter.Submitted s = f.submitter.only();
    assertThat(s.kind()).isEqualTo(MailSubmitter.Kind.NOTICE);
    assertThat(s.envelope().sender()).isEmpty();
    assertThat(s.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("sender@example.org");
    assertThat(s.envelope().requireTls()).isFalse();
    MimeReport report = f.report();
    assertThat(report.header("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
    assertThat(report.header("From")).startsWith("MAILER-DAEMON@mx.example.com");
    assertThat(report.header("To")).isEqualTo("sender@example.org");
    assertThat(report.header("Auto-Submitted")).isEqualTo("auto-replied");
    assertThat(report.header("MIME-Version")).isEqualTo("1.0");
    assertThat(report.header("Message-Id")).endsWith("@mx.example.com>");
    assertThat(report.header("Date")).isEqualTo("Wed, 1 May 2024 12:34:56 +0000");
    assertThat(report.header("Content-Type"))
        .startsWith("multipart/report; report-type=delivery-status;");
    assertThat(report.parts()).extracting(MimeReport::contentType)
        .containsExactly("text/plain", "message/delivery-status", "message/rfc822");
    assertThat(f.logged()).contains(
        id(m) + ": sender non-delivery notification: BB0001");
    assertThat(bounceLog.path(id(m))).doesNotExist();
  }

  @Test
  void bounce_failedRecipient_deliveryStatusHasPostfixFields() throws IOException {
    Recipient r = rcpt("nobody@example.net").withDsn("rfc822;first@example.net", java.util.Set.of());
    QueueFile m = bounceOne(f.original(plain("sender@example.org", r)), bounced(r));

    List<Map<String, String>> blocks = f.report().parts().get(1).statusBlocks();
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0)).containsEntry("reporting-mta", "dns; mx.example.com")
        .containsEntry("x-postern-queue-id", id(m).toString())
        .containsEntry("x-postern-sender", "rfc822; sender@example.org")
        .containsEntry("original-envelope-id", "ENV-42")
        .containsEntry("arrival-date", "Wed, 1 May 2024 12:34:56 +0000");
    assertThat(blocks.get(1)).containsEntry("final-recipient", "rfc822; nobody@example.net")
        .containsEntry("original-recipient", "rfc822;first@example.net")
        .containsEntry("action", "failed")
        .containsEntry("status", "5.1.1")
        .containsEntry("remote-mta", "dns; mx.example.net")
        .containsEntry("diagnostic-code", "smtp; 550 5.1.1 No such user");
  }

  @Test
  void bounce_localFailure_diagnosticCodeIsPosternText() throws IOException {
    Recipient r = rcpt("nobody@mx.example.com");
    RecipientLog.Entry local = RecipientLog.Entry.of(org.postern.deliver.RecipientResult.bounced(
        r, "5.1.1", "local", "unknown user: \"nobody\""));
    bounceOne(f.original(plain("sender@example.org", r)), local);

    Map<String, String> rcptBlock = f.report().parts().get(1).statusBlocks().get(1);
    assertThat(rcptBlock).containsEntry("diagnostic-code", "X-Postern; unknown user: \"nobody\"")
        .doesNotContainKey("remote-mta");
    assertThat(f.report().parts().get(0).body())
        .contains("<nobody@mx.example.com>: unknown user: \"nobody\"");
  }

  @Test
  void bounce_retFull_returnsWholeMessage() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), false, false, r)),
        bounced(r));

    MimeReport original = f.report().parts().get(2);
    assertThat(original.contentType()).isEqualTo("message/rfc822");
    assertThat(original.header("Content-Description")).isEqualTo("Undelivered Message");
    assertThat(original.body()).startsWith("Return-Path: <sender@example.org>\n")
        .contains("Subject: quarterly figures").contains("The body text that must not leak.");
  }

  @Test
  void bounce_retHdrs_returnsHeadersOnly() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.of(DsnRet.HDRS), false, false, r)),
        bounced(r));

    MimeReport original = f.report().parts().get(2);
    assertThat(original.contentType()).isEqualTo("text/rfc822-headers");
    assertThat(original.header("Content-Description")).isEqualTo("Undelivered Message Headers");
    assertThat(original.body()).contains("Subject: quarterly figures")
        .doesNotContain("The body text");
  }

  @Test
  void bounce_messageOverBounceSizeLimit_returnsHeadersOnly() throws IOException {
    f.config.put("bounce_size_limit", "100");
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(plain("sender@example.org", r)), bounced(r));

    assertThat(f.report().parts().get(2).contentType()).isEqualTo("text/rfc822-headers");
    assertThat(f.report().parts().get(2).body()).doesNotContain("The body text");
  }

  @Test
  void bounce_notifyNeverOrWithoutFailure_notReported() throws IOException {
    Recipient never = rcpt("never@example.net", DsnNotify.NEVER);
    Recipient success = rcpt("success@example.net", DsnNotify.SUCCESS, DsnNotify.DELAY);
    Recipient failure = rcpt("failure@example.net", DsnNotify.FAILURE);
    Recipient none = rcpt("none@example.net");
    bounceOne(f.original(plain("sender@example.org", never, success, failure, none)),
        bounced(never), bounced(success), bounced(failure), bounced(none));

    List<Map<String, String>> blocks = f.report().parts().get(1).statusBlocks();
    assertThat(blocks.subList(1, blocks.size())).extracting(b -> b.get("final-recipient"))
        .containsExactly("rfc822; failure@example.net", "rfc822; none@example.net");
    assertThat(f.report().parts().get(0).body()).doesNotContain("never@").doesNotContain("success@");
  }

  @Test
  void bounce_nobodyWantsReport_sendsNothingAndRemovesLog() throws IOException {
    Recipient never = rcpt("never@example.net", DsnNotify.NEVER);
    QueueFile m = bounceOne(f.original(plain("sender@example.org", never)), bounced(never));

    assertThat(f.submitter.submitted).isEmpty();
    assertThat(bounceLog.path(id(m))).doesNotExist();
  }

  @Test
  void bounce_requireTlsOriginal_redactedAndNotMarked() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), true, false, r)),
        bounced(r));

    assertThat(f.submitter.only().envelope().requireTls()).isFalse();
    MimeReport report = f.report();
    assertThat(report.parts().get(2).contentType()).isEqualTo("text/rfc822-headers");
    assertThat(report.parts().get(2).body()).doesNotContain("The body text");
    assertThat(report.parts().get(0).body()).contains("REQUIRETLS (RFC 8689)");
  }

  @Test
  void bounce_requireTlsWithoutRedaction_fullAndMarked() throws IOException {
    f.config.put("requiretls_redact_dsn", "no");
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.empty(), true, false, r)),
        bounced(r));

    assertThat(f.submitter.only().envelope().requireTls()).isTrue();
    assertThat(f.report().parts().get(2).contentType()).isEqualTo("message/rfc822");
  }

  @Test
  void bounce_tlsRequiredNoOriginal_headerCopied() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(plain("sender@example.org", r), BounceFixture.CONTENT, true), bounced(r));

    assertThat(f.report().header("TLS-Required")).isEqualTo("No");
  }

  @Test
  void bounce_tlsRequiredNoWithRequireTls_headerNotCopied() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.empty(), true, false, r),
        BounceFixture.CONTENT, true), bounced(r));

    assertThat(f.report().header("TLS-Required")).isNull();
  }

  @Test
  void bounce_nullSenderWithDefaultNotifyClasses_discarded() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    QueueFile m = bounceOne(f.original(plain("", r)), bounced(r));

    assertThat(f.submitter.submitted).isEmpty();
    assertThat(bounceLog.path(id(m))).doesNotExist();
  }

  @Test
  void bounce_nullSenderWith2bounce_goesToPostmasterFromDoubleBounce() throws IOException {
    f.config.put("notify_classes", "resource, software, 2bounce");
    f.config.put("2bounce_notice_recipient", "hostmaster");
    Recipient r = rcpt("nobody@example.net", DsnNotify.NEVER);
    QueueFile m = bounceOne(f.original(plain("", r)), bounced(r));

    RecordingMailSubmitter.Submitted s = f.submitter.only();
    assertThat(s.envelope().sender()).isEqualTo("double-bounce@mx.example.com");
    assertThat(s.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("hostmaster");
    assertThat(f.report().header("Subject")).isEqualTo("Postmaster Copy: Undelivered Mail");
    assertThat(f.report().header("Auto-Submitted")).isEqualTo("auto-generated");
    assertThat(f.report().parts().get(1).statusBlocks().get(0))
        .containsEntry("x-postern-sender", "rfc822; MAILER-DAEMON");
    assertThat(f.logged()).contains(id(m) + ": postmaster non-delivery notification: BB0001");
    assertThat(bounceLog.path(id(m))).doesNotExist();
  }

  @Test
  void bounce_doubleBounceSender_discardedWithWarning() throws IOException {
    f.config.put("notify_classes", "bounce, 2bounce");
    Recipient r = rcpt("postmaster@example.net");
    QueueFile m = bounceOne(f.original(plain("double-bounce@mx.example.com", r)), bounced(r));

    assertThat(f.submitter.submitted).isEmpty();
    assertThat(f.logged()).contains(
        "warning: " + id(m) + ": undeliverable postmaster notification discarded");
  }

  @Test
  void bounce_notifyClassesBounce_postmasterGetsHeadersCopy() throws IOException {
    f.config.put("notify_classes", "bounce");
    Recipient r = rcpt("nobody@example.net", DsnNotify.NEVER);
    QueueFile m = bounceOne(f.original(plain("sender@example.org", r)), bounced(r));

    RecordingMailSubmitter.Submitted s = f.submitter.only();
    assertThat(s.envelope().recipients()).extracting(Recipient::address)
        .containsExactly("postmaster");
    MimeReport copy = f.report();
    assertThat(copy.parts().get(2).contentType()).isEqualTo("text/rfc822-headers");
    assertThat(f.logged()).contains(id(m) + ": postmaster non-delivery notification: BB0001");
  }

  @Test
  void bounce_smtputf8Original_usesRfc6533Types() throws IOException {
    Recipient r = rcpt("δοκιμή@παράδειγμα.ελ");
    bounceOne(f.original(envelope("sender@example.org", Optional.of(DsnRet.FULL), false, true, r)),
        bounced(r));

    assertThat(f.submitter.only().envelope().smtputf8()).isTrue();
    MimeReport report = f.report();
    assertThat(report.parts()).extracting(MimeReport::contentType)
        .containsExactly("text/plain", "message/global-delivery-status", "message/global");
    assertThat(report.parts().get(1).statusBlocks().get(1))
        .containsEntry("final-recipient", "utf-8; δοκιμή@παράδειγμα.ελ");
  }

  @Test
  void bounce_smtputf8HeadersOnly_usesGlobalHeaders() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    bounceOne(f.original(envelope("sender@example.org", Optional.of(DsnRet.HDRS), false, true, r)),
        bounced(r));

    assertThat(f.report().parts().get(2).contentType()).isEqualTo("message/global-headers");
  }

  @Test
  void bounce_submitFails_logKeptAndErrorPropagates() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    QueueFile m = f.original(plain("sender@example.org", r));
    f.log(bounceLog, m, bounced(r));
    BounceService failing = f.service((kind, env, content) -> {
      throw new IOException("queue file write error");
    });

    assertThatThrownBy(() -> failing.bounce(m)).isInstanceOf(IOException.class);
    assertThat(bounceLog.path(id(m))).exists();
  }

  @Test
  void bounce_originalGone_placeholderInstead() throws IOException {
    Recipient r = rcpt("nobody@example.net");
    QueueFile m = f.original(plain("sender@example.org", r));
    Files.delete(m.path());
    bounceOne(m, bounced(r));

    assertThat(f.report().parts().get(2).body()).contains(OriginalCopy.UNAVAILABLE.strip());
  }

  @Test
  void delayWarning_deferredRecipient_warnsAndKeepsDeferLog() throws IOException {
    RecipientLog defer = RecipientLog.defer(f.queues);
    Recipient r = rcpt("slow@example.net");
    Recipient failureOnly = rcpt("f@example.net", DsnNotify.FAILURE);
    QueueFile m = f.original(plain("sender@example.org", r, failureOnly));
    f.log(defer, m, deferred(r), deferred(failureOnly));
    f.service().delayWarning(m);

    MimeReport report = f.report();
    assertThat(report.header("Subject")).isEqualTo("Delayed Mail (still being retried)");
    List<Map<String, String>> blocks = report.parts().get(1).statusBlocks();
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(1)).containsEntry("action", "delayed").containsEntry("status", "4.4.1")
        .containsEntry("will-retry-until", "Mon, 6 May 2024 12:34:56 +0000");
    assertThat(report.parts().get(2).contentType()).isEqualTo("text/rfc822-headers");
    assertThat(f.logged()).contains(id(m) + ": sender delay notification: BB0001");
    assertThat(defer.path(id(m))).exists();
  }

  @Test
  void success_notifySuccess_reportsDeliveryAndRemovesTrace() throws IOException {
    RecipientLog trace = RecipientLog.trace(f.queues);
    Recipient asked = rcpt("asked@example.net", DsnNotify.SUCCESS);
    Recipient silent = rcpt("silent@example.net");
    QueueFile m = f.original(plain("sender@example.org", asked, silent));
    f.log(trace, m, sent(asked), sent(silent));
    f.service().success(m);

    MimeReport report = f.report();
    assertThat(report.header("Subject")).isEqualTo("Successful Mail Delivery Report");
    List<Map<String, String>> blocks = report.parts().get(1).statusBlocks();
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(1)).containsEntry("final-recipient", "rfc822; asked@example.net")
        .containsEntry("action", "relayed").containsEntry("status", "2.0.0");
    assertThat(report.parts().get(2).header("Content-Description")).isEqualTo("Message Headers");
    assertThat(f.logged()).contains(id(m) + ": sender delivery status notification: BB0001");
    assertThat(trace.path(id(m))).doesNotExist();
  }

  @Test
  void success_sendmailBvProbe_mailsStatusReportForEveryRecipient() throws IOException {
    RecipientLog trace = RecipientLog.trace(f.queues);
    Recipient good = rcpt("good@example.net");
    Recipient bad = rcpt("bad@example.net");
    Envelope probe = plain("sender@example.org", good, bad);
    QueueFile m = f.original(new Envelope(probe.sender(), probe.recipients(), probe.dsnRet(),
        probe.envid(), false, false, Optional.empty(), ClientFacts.NONE,
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.USER_VERIFY))));
    f.log(trace, m,
        acted(RecipientLog.Entry.of(RecipientResult.sent(good, "2.1.5",
            "mx.example.net[192.0.2.1]:25", "250 2.1.5 Ok")), "deliverable"),
        acted(bounced(bad), "undeliverable"));
    f.service().success(m);

    MimeReport report = f.report();
    assertThat(report.header("Subject")).isEqualTo("Mail Delivery Status Report");
    assertThat(report.parts().get(0).body())
        .contains("<good@example.net>: delivery via mx.example.net[192.0.2.1]:25: 250 2.1.5 Ok");
    List<Map<String, String>> blocks = report.parts().get(1).statusBlocks();
    assertThat(blocks).hasSize(3);
    assertThat(blocks.get(1)).containsEntry("action", "deliverable").containsEntry("status", "2.1.5");
    assertThat(blocks.get(2)).containsEntry("action", "undeliverable").containsEntry("status", "5.1.1");
    assertThat(report.parts().get(2).header("Content-Description")).isEqualTo("Message Headers");
    assertThat(f.logged()).contains(id(m) + ": sender delivery status notification: BB0001");
    assertThat(trace.path(id(m))).doesNotExist();
  }

  /** {@code e} as ResultRecorder logs it for a sendmail -bv probe. */
  private static RecipientLog.Entry acted(RecipientLog.Entry e, String action) {
    return new RecipientLog.Entry(e.recipient(), e.originalRecipient(), e.dsnOrcpt(),
        e.notifyFlags(), e.offset(), e.status(), e.dsn(), action, e.relay(), e.text(),
        e.diagnostic());
  }
}
