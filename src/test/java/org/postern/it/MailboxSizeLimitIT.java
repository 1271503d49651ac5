package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mailbox_size_limit (local(8), mbox files under mail_spool_directory) and virtual_mailbox_limit
 * (virtual(8), a mailbox file) end to end: both limits equal message_size_limit (20000 bytes, the
 * least Postfix allows), each mailbox already holds 15000 bytes, and swaks sends an 8000-byte
 * message. The recipient bounces with 5.2.2 and Postfix's text, the mailbox keeps its size, and
 * the sender, a virtual Maildir, receives the non-delivery notification.
 */
class MailboxSizeLimitIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final int OLD_MAIL = 15000;

  @TempDir static Path dir;
  private static PosternInstance postern;
  private static Path vmail;
  private static Path spool;
  private static Path body;

  @BeforeAll
  static void start() throws Exception {
    vmail = Files.createDirectories(dir.resolve("vmail"));
    spool = Files.createDirectories(dir.resolve("mbox"));
    Path mailboxes = dir.resolve("vmailbox");
    Files.writeString(mailboxes,
        "sender@virt.test virt.test/sender/\nsmallbox@virt.test virt.test/smallbox\n");
    Path smallbox = Files.createDirectories(vmail.resolve("virt.test")).resolve("smallbox");
    fill(smallbox);
    Files.setAttribute(smallbox, "unix:uid", 65534);
    Files.setAttribute(smallbox, "unix:gid", 65534);
    fill(spool.resolve("root"));
    body = dir.resolve("body");
    Files.writeString(body, ("y".repeat(99) + "\n").repeat(80));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.test",
        "mydestination = $myhostname, localhost",
        "mynetworks = 127.0.0.1/32",
        "mail_spool_directory = " + spool,
        "message_size_limit = 20000",
        "mailbox_size_limit = 20000",
        "virtual_mailbox_limit = 20000",
        "virtual_mailbox_domains = virt.test",
        "virtual_mailbox_base = " + vmail,
        "virtual_mailbox_maps = texthash:" + mailboxes,
        "virtual_uid_maps = static:65534",
        "virtual_gid_maps = static:65534",
        ""));
    PosternInstance.Result newaliases = postern.command("newaliases");
    assertThat(newaliases.status()).as("newaliases: " + newaliases.err()).isZero();
    postern.startAndAwaitSmtp();
  }

  private static void fill(Path mailbox) throws IOException {
    Files.writeString(mailbox, "From old@example.net  Thu Jan  1 00:00:00 2026\n"
        + "x".repeat(OLD_MAIL - 49) + "\n\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void localMbox_messageOverLimit_bounces522AndSenderIsTold() throws Exception {
    Path mbox = spool.resolve("root");
    long before = Files.size(mbox);

    String id = Submit.swaks(postern, "sender@virt.test", "root@mx.test",
        "--header", "Subject: big for root", "--body", "@" + body);

    postern.awaitLog(Pattern.compile(id + ": to=<root@mx\\.test>, relay=local, .*dsn=5\\.2\\.2, "
        + "status=bounced \\(cannot update mailbox " + Pattern.quote(mbox.toString())
        + " for user root\\. error writing message: File too large\\)"), LIMIT);
    assertThat(Files.size(mbox)).isEqualTo(before);
    assertThat(bounceFor(id, "big for root"))
        .contains("Final-Recipient: rfc822; root@mx.test\n")
        .contains("Status: 5.2.2\n")
        .contains("File too large");
  }

  @Test
  void localMbox_smallMessage_fits() throws Exception {
    Path mbox = spool.resolve("root");
    long before = Files.size(mbox);

    String id = Submit.swaks(postern, "sender@virt.test", "root@mx.test",
        "--header", "Subject: small for root");

    postern.awaitLog(Pattern.compile(
        id + ": to=<root@mx\\.test>, relay=local, .*status=sent \\(delivered to mailbox\\)"), LIMIT);
    assertThat(Files.size(mbox)).isGreaterThan(before);
  }

  @Test
  void virtualMailbox_messageOverLimit_bounces522AndSenderIsTold() throws Exception {
    Path mailbox = vmail.resolve("virt.test/smallbox");

    String id = Submit.swaks(postern, "sender@virt.test", "smallbox@virt.test",
        "--header", "Subject: big for smallbox", "--body", "@" + body);

    postern.awaitLog(Pattern.compile(id + ": to=<smallbox@virt\\.test>, relay=virtual, "
        + ".*dsn=5\\.2\\.2, status=bounced \\(delivery failed to mailbox "
        + Pattern.quote(mailbox.toString()) + ": error writing message: File too large\\)"),
        LIMIT);
    assertThat(Files.size(mailbox)).isEqualTo(OLD_MAIL);
    assertThat(bounceFor(id, "big for smallbox"))
        .contains("Final-Recipient: rfc822; smallbox@virt.test\n")
        .contains("Status: 5.2.2\n")
        .contains("File too large");
  }

  /**
   * The non-delivery notification for message {@code id}, once it is in the sender's Maildir: the
   * one that returns the message with this {@code subject}.
   */
  private static String bounceFor(String id, String subject) throws InterruptedException {
    String notice = postern.awaitLog(
        Pattern.compile(id + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    postern.awaitLog(Pattern.compile(notice + ": to=<sender@virt\\.test>, relay=virtual, "
        + ".*status=sent"), LIMIT);
    List<String> found = senderMessages().stream()
        .filter(m -> m.contains("\nSubject: " + subject + "\n")).toList();
    assertThat(found).as("the notice for " + id + " in the sender's Maildir").hasSize(1);
    return found.get(0);
  }

  private static List<String> senderMessages() {
    Path fresh = vmail.resolve("virt.test/sender/new");
    try (Stream<Path> files = Files.list(fresh)) {
      return files.map(p -> {
        try {
          return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
