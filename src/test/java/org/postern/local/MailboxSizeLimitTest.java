package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.RecipientResult;
import org.postern.deliver.RecipientResult.Status;

/** mailbox_size_limit in local(8): mbox files, Maildir message files, file targets, start-up. */
class MailboxSizeLimitTest {
  private static final String MESSAGE =
      "From: sender@example.net\r\nSubject: hello\r\n\r\nFrom the start\r\nbody\r\n";

  @TempDir Path tmp;
  private LocalFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new LocalFixture(tmp);
    f.parameters.put("message_size_limit", "100");
  }

  @Test
  void deliver_mboxWouldPassLimit_bounces522AndKeepsOldMail() throws Exception {
    f.parameters.put("mailbox_size_limit", "200");
    Path mbox = f.spool.resolve("alice");
    Files.writeString(mbox, "x".repeat(150));

    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.2");
    assertThat(r.text()).isEqualTo("cannot update mailbox " + mbox
        + " for user alice. error writing message: File too large");
    assertThat(Files.readString(mbox)).isEqualTo("x".repeat(150));
  }

  @Test
  void deliver_mboxWithRoom_delivers() throws Exception {
    f.parameters.put("mailbox_size_limit", "1000");
    Files.writeString(f.spool.resolve("alice"), "x".repeat(150));

    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
    assertThat(Files.size(f.spool.resolve("alice"))).isGreaterThan(150);
  }

  @Test
  void deliver_maildirMessagePastLimit_bounces522AndLeavesNoFile() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    f.parameters.put("mailbox_size_limit", "100");

    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.2");
    assertThat(r.text())
        .isEqualTo("maildir delivery failed: error writing message: File too large");
    Path maildir = f.home("alice").resolve("Maildir");
    assertThat(list(maildir.resolve("new"))).isEmpty();
    assertThat(list(maildir.resolve("tmp"))).isEmpty();
  }

  @Test
  void deliver_maildirLimitIsPerMessageNotPerMaildir() throws Exception {
    f.parameters.put("home_mailbox", "Maildir/");
    f.parameters.put("mailbox_size_limit", "300");

    RecipientResult first = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));
    RecipientResult second = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(List.of(first.status(), second.status())).containsOnly(Status.SENT);
    assertThat(list(f.home("alice").resolve("Maildir/new"))).hasSize(2);
  }

  @Test
  void deliver_fileTargetPastLimit_bounces522() throws Exception {
    f.parameters.put("mailbox_size_limit", "100");
    Path target = tmp.resolve("archive");
    f.aliases("archive " + target);

    RecipientResult r = f.deliverOne(f.request(MESSAGE, "archive@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.2");
    assertThat(r.text()).isEqualTo("cannot append message to file " + target
        + ": error writing message: File too large");
  }

  @Test
  void agent_limitBelowMessageSizeLimit_refusesToStart() {
    f.parameters.put("mailbox_size_limit", "99");

    assertThatThrownBy(f::agent).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("configuration error: mailbox_size_limit is smaller than message_size_limit");
  }

  @Test
  void agent_limitWithUnlimitedMessages_refusesToStart() {
    f.parameters.put("message_size_limit", "0");
    f.parameters.put("mailbox_size_limit", "1000");

    assertThatThrownBy(f::agent).isInstanceOf(IllegalArgumentException.class).hasMessage(
        "configuration error: mailbox_size_limit is limited but message_size_limit is unlimited");
  }

  @Test
  void agent_noLimitWithUnlimitedMessages_starts() throws Exception {
    f.parameters.put("message_size_limit", "0");
    f.parameters.put("mailbox_size_limit", "0");

    RecipientResult r = f.deliverOne(f.request(MESSAGE, "alice@mx.example.org"));

    assertThat(r.status()).isEqualTo(Status.SENT);
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
