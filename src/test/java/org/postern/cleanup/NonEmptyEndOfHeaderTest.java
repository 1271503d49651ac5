package org.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.ClientFacts;
import org.postern.queue.Recipient;

/** {@code non_empty_end_of_header_action}, through a whole transaction, as Postfix 3.11+. */
class NonEmptyEndOfHeaderTest {
  @TempDir Path dir;

  /** The header ends at "oops", which is not a header and not the empty line. */
  private static final String MESSAGE = "Subject: hi\r\nFrom: a@example.net\r\noops\r\nbody\r\n";

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

  private CleanupHarness harness(String action) {
    CleanupHarness h = new CleanupHarness(dir).set("always_add_missing_headers", "no");
    return action == null ? h : h.set("non_empty_end_of_header_action", action);
  }

  @Test
  void defaultFixQuietly_insertsTheEmptyLine() throws Exception {
    CleanupHarness h = harness(null);
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r)).startsWith("Subject: hi\nFrom: a@example.net\n")
        .endsWith("\n\noops\nbody\n")
        .doesNotContain("MIME-Error");
  }

  @Test
  void addHeader_insertsMimeErrorThenTheEmptyLine() throws Exception {
    CleanupHarness h = harness("add_header");
    CleanupResult r = run(h, MESSAGE);

    assertThat(h.content(r))
        .contains("MIME-Error: message header was not terminated by empty line\n\noops\nbody\n");
  }

  @Test
  void reject_rejectsWith560AndLogsTheLine() throws Exception {
    CleanupHarness h = harness("reject");
    CleanupResult r = run(h, MESSAGE);

    assertThat(r).isInstanceOf(CleanupResult.Rejected.class);
    assertThat(((CleanupResult.Rejected) r).reply())
        .hasToString("550 5.6.0 primary header was terminated with non-empty line");
    assertThat(h.log).contains(r.queueId() + ": reject: mime-error primary header was terminated"
        + " with non-empty line: oops from client.example.net[192.0.2.1];"
        + " from=<alice@example.net> to=<bob@example.org>");
    assertThat(h.files()).isEmpty();
  }

  @Test
  void reject_properlyTerminatedHeader_isQueued() throws Exception {
    CleanupHarness h = harness("reject");
    CleanupResult r = run(h, "Subject: hi\r\n\r\nbody\r\n");

    assertThat(h.content(r)).isEqualTo("Subject: hi\n\nbody\n");
  }

  @Test
  void unknownAction_isAConfigurationErrorNamingTheParameter() {
    assertThatThrownBy(() -> harness("ignore").cleanup())
        .hasMessageContaining("non_empty_end_of_header_action: unknown value: \"ignore\"");
  }
}
