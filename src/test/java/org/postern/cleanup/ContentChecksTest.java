package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.ClientFacts;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;

/** header_checks and body_checks actions, through a whole transaction. */
class ContentChecksTest {
  @TempDir Path dir;

  private static final String MESSAGE =
      "Subject: buy now\r\nFrom: a@example.net\r\n\r\nline one\r\nline two\r\n";

  private CleanupHarness withHeaderChecks(String pattern, String action) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(pattern, action);
    return new CleanupHarness(dir).table("header_checks", FakeTable.regexp("regexp:/h", m));
  }

  private CleanupHarness withBodyChecks(String pattern, String action) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(pattern, action);
    return new CleanupHarness(dir).table("body_checks", FakeTable.regexp("regexp:/b", m));
  }

  private CleanupResult run(CleanupHarness h, String content) throws Exception {
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("client.example.net", "192.0.2.1", false))) {
      t.client(new ClientFacts("client.example.net", "192.0.2.1", "helo.example.net", "ESMTP", "", ""));
      t.sender("alice@example.net");
      t.recipient(Recipient.of("bob@example.org"));
      CleanupHarness.write(t, content);
      return t.commit();
    }
  }

  private static String suffix() {
    return " from client.example.net[192.0.2.1]; from=<alice@example.net> to=<bob@example.org>"
        + " proto=ESMTP helo=<helo.example.net>";
  }

  @Test
  void header_rejectWithoutText_rejectsWithDefaultReplyAndLogs() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:.*buy", "REJECT");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Rejected.class);
    assertThat(((CleanupResult.Rejected) r).reply()).hasToString("550 5.7.1 message content rejected");
    assertThat(h.log).contains(r.queueId() + ": reject: header Subject: buy now" + suffix()
        + ": 5.7.1 message content rejected");
    assertThat(h.files()).isEmpty();
  }

  @Test
  void header_rejectWithText_usesTextAndItsStatus() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REJECT 5.7.0 no spam here");
    CleanupResult r = run(h, MESSAGE);

    assertThat(((CleanupResult.Rejected) r).reply()).hasToString("550 5.7.0 no spam here");
  }

  @Test
  void header_rejectWithTemporaryStatus_failsTemporarily() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REJECT 4.7.1 try later");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Failed.class);
    assertThat(((CleanupResult.Failed) r).reply()).hasToString("451 4.7.1 try later");
  }

  @Test
  void header_warn_logsAndQueues() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "WARN suspicious");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Queued.class);
    assertThat(h.log).contains(r.queueId() + ": warning: header Subject: buy now" + suffix()
        + ": suspicious");
    assertThat(h.content(r)).isEqualTo("Subject: buy now\nFrom: a@example.net\n\nline one\nline two\n");
  }

  @Test
  void header_hold_queuesIntoHold() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "HOLD look at this");
    CleanupResult r = run(h, MESSAGE);

    assertThat(((CleanupResult.Queued) r).queue()).isEqualTo(QueueName.HOLD);
    assertThat(h.files(QueueName.HOLD)).hasSize(1);
    assertThat(h.files(QueueName.INCOMING)).isEmpty();
    assertThat(h.log).contains(r.queueId() + ": hold: header Subject: buy now" + suffix()
        + ": look at this");
  }

  @Test
  void header_discard_reportsSuccessAndQueuesNothing() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "DISCARD");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Discarded.class);
    assertThat(h.files()).isEmpty();
    assertThat(h.log).contains(r.queueId() + ": discard: header Subject: buy now" + suffix());
  }

  @Test
  void header_filter_recordsContentFilter() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "FILTER scan:[127.0.0.1]:10025");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.read(r).envelope().attributes())
        .containsEntry(CleanupTransaction.CONTENT_FILTER, "scan:[127.0.0.1]:10025");
    assertThat(h.log).contains(r.queueId() + ": filter: header Subject: buy now" + suffix()
        + ": scan:[127.0.0.1]:10025");
  }

  @Test
  void header_filterWithoutColon_warnsAndIgnores() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "FILTER scan");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.read(r).envelope().attributes()).doesNotContainKey(CleanupTransaction.CONTENT_FILTER);
    assertThat(h.log).contains(
        "warning: bad FILTER command scan in header_checks -- need transport:destination");
  }

  @Test
  void contentFilterParameter_isRecordedAndFilterActionWins() throws Exception {
    CleanupHarness h = new CleanupHarness(dir);
    try (Cleanup c = h.cleanup();
        CleanupTransaction t = c.open(CleanupOrigin.smtpd("c", "192.0.2.1", false))) {
      t.sender("a@example.net");
      t.recipient(Recipient.of("b@example.org"));
      t.contentFilter("smtp:[127.0.0.1]:10024");
      CleanupHarness.write(t, MESSAGE);
      assertThat(h.read(t.commit()).envelope().attributes())
          .containsEntry(CleanupTransaction.CONTENT_FILTER, "smtp:[127.0.0.1]:10024");
    }
  }

  @Test
  void header_redirect_recordsRedirectAndKeepsRecipients() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REDIRECT quarantine@example.com");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.read(r).envelope().attributes())
        .containsEntry(CleanupTransaction.REDIRECT_TO, "quarantine@example.com");
    assertThat(h.read(r).envelope().recipients()).extracting(Recipient::address)
        .containsExactly("bob@example.org");
    assertThat(h.log).contains(r.queueId() + ": redirect: header Subject: buy now" + suffix()
        + ": quarantine@example.com");
  }

  @Test
  void header_prepend_insertsHeaderBefore() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "PREPEND X-Spam: maybe");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).startsWith("X-Spam: maybe\nSubject: buy now\n");
    assertThat(h.log).contains(r.queueId() + ": prepend: header Subject: buy now" + suffix()
        + ": X-Spam: maybe");
  }

  @Test
  void header_prependNotAHeader_warnsAndKeeps() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "PREPEND not a header");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).startsWith("Subject: buy now\n");
    assertThat(h.log).contains("warning: bad PREPEND header text \"not a header\" in header_checks"
        + " map -- need \"headername: headervalue\"");
  }

  @Test
  void header_replace_replacesHeader() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REPLACE Subject: [SPAM] buy now");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).startsWith("Subject: [SPAM] buy now\nFrom: a@example.net\n");
  }

  @Test
  void header_ignore_deletesHeader() throws Exception {
    CleanupHarness h = withHeaderChecks("^From:", "IGNORE");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).isEqualTo("Subject: buy now\n\nline one\nline two\n");
  }

  @Test
  void header_dunnoAndOk_changeNothing() throws Exception {
    for (String action : new String[] {"DUNNO", "OK"}) {
      CleanupHarness h = withHeaderChecks("^Subject:", action);
      CleanupResult r = run(h, MESSAGE);
      assertThat(h.content(r)).isEqualTo("Subject: buy now\nFrom: a@example.net\n\nline one\nline two\n");
    }
  }

  @Test
  void header_unknownAction_warns() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "FROBNICATE");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Queued.class);
    assertThat(h.log).contains("warning: unknown command in header_checks map: FROBNICATE");
  }

  @Test
  void header_foldedHeader_isMatchedWhole() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject: one\\n\\ttwo", "REJECT folded");
    CleanupResult r = run(h, "Subject: one\r\n\ttwo\r\n\r\nbody\r\n");

    assertThat(((CleanupResult.Rejected) r).reply()).hasToString("550 5.7.1 folded");
    assertThat(h.log).anyMatch(l -> l.contains("reject: header Subject: one??two from"));
  }

  @Test
  void header_afterReject_noFurtherChecks() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("^Subject:", "REJECT");
    m.put("^From:", "WARN seen");
    CleanupHarness h = new CleanupHarness(dir).table("header_checks", FakeTable.regexp("regexp:/h", m));
    run(h, MESSAGE);

    assertThat(h.log).noneMatch(l -> l.contains("warning: header From"));
  }

  @Test
  void header_lookupError_failsTemporarily() throws Exception {
    CleanupHarness h = new CleanupHarness(dir).table("header_checks", FakeTable.failing("tcp:x:1"));
    CleanupResult r = run(h, MESSAGE);

    assertThat(((CleanupResult.Failed) r).reply()).hasToString("451 4.3.0 Error: queue file write error");
    assertThat(h.log).contains("warning: " + r.queueId()
        + ": header_checks map lookup problem -- message not accepted, try again later");
  }

  @Test
  void body_reject_rejects() throws Exception {
    CleanupHarness h = withBodyChecks("^line two", "REJECT bad body");
    CleanupResult r = run(h, MESSAGE);

    assertThat(((CleanupResult.Rejected) r).reply()).hasToString("550 5.7.1 bad body");
    assertThat(h.log).contains(r.queueId() + ": reject: body line two" + suffix()
        + ": 5.7.1 bad body");
  }

  @Test
  void body_replaceAndIgnore_editLines() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("^line one", "REPLACE line 1");
    m.put("^line two", "IGNORE");
    CleanupHarness h = new CleanupHarness(dir).table("body_checks", FakeTable.regexp("regexp:/b", m));
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).isEqualTo("Subject: buy now\nFrom: a@example.net\n\nline 1\n");
  }

  @Test
  void body_beyondSizeLimit_isNotInspected() throws Exception {
    CleanupHarness h = withBodyChecks("^line two", "REJECT").set("body_checks_size_limit", "5");
    assertThat(run(h, MESSAGE)).isInstanceOf(CleanupResult.Queued.class);
  }

  @Test
  void checks_notAppliedToRequeuedMail() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REJECT");
    try (Cleanup c = h.cleanup(); CleanupTransaction t = c.open(CleanupOrigin.requeue())) {
      t.sender("a@example.com");
      t.recipient(Recipient.of("b@example.org"));
      CleanupHarness.write(t, MESSAGE);
      assertThat(t.commit()).isInstanceOf(CleanupResult.Queued.class);
    }
  }

  @Test
  void checks_receiveOverrideNoHeaderBodyChecks_skipsChecks() throws Exception {
    CleanupHarness h = withHeaderChecks("^Subject:", "REJECT")
        .set("receive_override_options", "no_header_body_checks");
    assertThat(run(h, MESSAGE)).isInstanceOf(CleanupResult.Queued.class);
  }

  @Test
  void dsnPrepend_keepsGivenStatus() throws IOException {
    assertThat(ContentChecks.dsnPrepend("5.7.1", "4.2.0 later")).isEqualTo("4.2.0 later");
    assertThat(ContentChecks.dsnPrepend("5.7.1", "go away")).isEqualTo("5.7.1 go away");
  }
}
