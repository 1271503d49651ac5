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
 * always_bcc, sender_bcc_maps (texthash:) and recipient_bcc_maps (lmdb:, built with bin/postmap)
 * end to end: swaks and python3's smtplib submit to the real daemon, which delivers every copy
 * into virtual(8) Maildirs under a temporary virtual_mailbox_base; the maillog's {@code to=<...>}
 * lines and the Maildirs show which recipients the message got. A BCC copy for a remote address
 * stays in the queue (this build defers smtp), so {@code bin/postcat} shows that it keeps the
 * message's REQUIRETLS mark. Postfix 3.12 with the same main.cf logs the same recipients for
 * these four messages (compared by hand; it logs a notice for the NOTIFY=NEVER copy and cancels
 * it, "removed (canceled)").
 */
class AutomaticBccIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final List<String> BOXES =
      List.of("sales", "sales-watch", "boss-copy", "archive", "bob", "secret", "carol");

  @TempDir static Path dir;
  private static PosternInstance postern;
  private static Path vmail;

  @BeforeAll
  static void start() throws Exception {
    vmail = Files.createDirectories(dir.resolve("vmail"));
    Path mailboxes = dir.resolve("vmailbox");
    StringBuilder boxes = new StringBuilder();
    BOXES.forEach(b -> boxes.append(b).append("@virt.test virt.test/").append(b).append("/\n"));
    Files.writeString(mailboxes, boxes);
    Files.writeString(dir.resolve("sender_bcc"), "boss@client.test boss-copy@virt.test\n");
    Path recipientBcc = dir.resolve("recipient_bcc");
    Files.writeString(recipientBcc, String.join("\n",
        "sales@virt.test sales-watch@virt.test",
        "secret@virt.test far-watch@remote.example",
        "carol@virt.test nobody-here@virt.test", ""));
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.test",
        "mydestination = $myhostname, localhost",
        "mynetworks = 127.0.0.1/32",
        "virtual_mailbox_domains = virt.test",
        "virtual_mailbox_base = " + vmail,
        "virtual_mailbox_maps = texthash:" + mailboxes,
        "virtual_uid_maps = static:65534",
        "virtual_gid_maps = static:65534",
        "always_bcc = archive@virt.test",
        "sender_bcc_maps = texthash:" + dir.resolve("sender_bcc"),
        "recipient_bcc_maps = lmdb:" + recipientBcc,
        "smtpd_tls_security_level = may",
        "smtpd_tls_cert_file = " + mx.get(0),
        "smtpd_tls_key_file = " + mx.get(1),
        ""));
    PosternInstance.Result postmap = postern.command("postmap", "lmdb:" + recipientBcc);
    assertThat(postmap.status()).as("postmap: " + postmap.err()).isZero();
    PosternInstance.Result newaliases = postern.command("newaliases");
    assertThat(newaliases.status()).as("newaliases: " + newaliases.err()).isZero();
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void senderAndRecipientBccAndAlwaysBcc_eachGetOneCopy() throws Exception {
    String subject = "bcc all " + System.nanoTime();

    String id = Submit.swaks(postern, "boss@client.test", "sales@virt.test",
        "--header", "Subject: " + subject);

    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(deliveredTo(id)).containsExactlyInAnyOrder("boss-copy@virt.test",
        "sales@virt.test", "sales-watch@virt.test", "archive@virt.test");
    for (String box : List.of("sales", "sales-watch", "boss-copy", "archive")) {
      assertThat(withSubject(box, subject)).as(box + "'s copies").hasSize(1);
    }
    assertThat(Files.readString(withSubject("archive", subject).get(0)))
        .contains("Delivered-To: archive@virt.test")
        .doesNotContain("sales-watch");
  }

  @Test
  void unlistedSender_getsAlwaysBccOnly() throws Exception {
    String subject = "bcc always " + System.nanoTime();

    String id = Submit.swaks(postern, "someone@client.test", "bob@virt.test",
        "--header", "Subject: " + subject);

    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(deliveredTo(id)).containsExactlyInAnyOrder("bob@virt.test", "archive@virt.test");
    assertThat(withSubject("boss-copy", subject)).isEmpty();
  }

  @Test
  void undeliverableBcc_bouncesWithoutTellingTheSender() throws Exception {
    String subject = "bcc unknown " + System.nanoTime();

    String id = Submit.swaks(postern, "bob@virt.test", "carol@virt.test",
        "--header", "Subject: " + subject);

    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(postern.logLines(Pattern.compile(
        id + ": to=<nobody-here@virt\\.test>, relay=virtual, .*dsn=5\\.1\\.1, status=bounced")))
        .hasSize(1);
    // Postfix 3.12 starts a notice and cancels it ("removed (canceled)"): either shape says none.
    postern.logLines(Pattern.compile(id + ": sender non-delivery notification: ")).forEach(l ->
        awaitCanceled(l.substring(l.lastIndexOf(' ') + 1)));
    assertThat(withSubject("carol", subject)).hasSize(1);
    assertThat(withSubject("bob", subject)).as("a bounce to the sender, bob").isEmpty();
  }

  @Test
  void requireTlsMessage_bccCopyKeepsTheMark() throws Exception {
    String subject = "bcc requiretls " + System.nanoTime();

    String id = Submit.requireTls(postern, dir.resolve("pki/ca.pem"), "someone@client.test",
        "secret@virt.test", subject, "secret body");

    postern.awaitLog(Pattern.compile(
        id + ": to=<far-watch@remote\\.example>, .*status=deferred"), LIMIT);
    // The local copies are delivered independently of the deferred remote one: wait for both.
    postern.awaitLog(Pattern.compile(id + ": to=<secret@virt\\.test>, .*status=sent"), LIMIT);
    postern.awaitLog(Pattern.compile(id + ": to=<archive@virt\\.test>, .*status=sent"), LIMIT);
    assertThat(withSubject("secret", subject)).hasSize(1);
    assertThat(withSubject("archive", subject)).hasSize(1);
    assertThat(postern.postcat(id))
        .contains("recipient: far-watch@remote.example")
        .contains("requiretls: yes\n")
        .contains("Subject: " + subject);
  }

  private static void awaitCanceled(String notice) {
    try {
      postern.awaitLog(Pattern.compile(notice + ": removed \\(canceled\\)"), LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The recipients the maillog shows delivered for message {@code id}. */
  private static List<String> deliveredTo(String id) {
    Pattern sent = Pattern.compile(id + ": to=<([^>]+)>, .*status=sent");
    return postern.logLines(sent).stream().map(l -> {
      var m = sent.matcher(l);
      m.find();
      return m.group(1);
    }).toList();
  }

  /** The messages in the virtual Maildir {@code box} whose header has this exact Subject. */
  private static List<Path> withSubject(String box, String subject) throws IOException {
    Path newDir = vmail.resolve("virt.test").resolve(box).resolve("new");
    if (!Files.isDirectory(newDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(newDir)) {
      return files.filter(p -> read(p).contains("\nSubject: " + subject + "\n")).toList();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
