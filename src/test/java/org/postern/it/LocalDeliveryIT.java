package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * local(8) end to end: swaks and python3's smtplib submit to the real daemon, which delivers into
 * Maildirs under mail_spool_directory. Real system users (made with useradd) receive through an
 * alias with two targets, one of which forwards with a {@code .forward} file to a third user and
 * to a remote address; the remote address keeps the forwarded copy deferred (this build has no
 * SMTP client), so {@code bin/postcat} can show that it carries the original's REQUIRETLS mark.
 */
class LocalDeliveryIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static SystemUsers users;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    users = SystemUsers.create("ptalice", "ptbob", "ptcarol");
    Path forward = Path.of("/home/ptbob/.forward");
    Files.writeString(forward, "ptcarol, far@remote.example\n", StandardCharsets.US_ASCII);
    Commands.ok(List.of("chown", "ptbob:ptbob", forward.toString()), null, LIMIT);
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<Path> mx = pki.server("mx.test");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + mx.get(0),
                "smtpd_tls_key_file = " + mx.get(1),
                ""));
    Path aliases = postern.config().resolve("aliases");
    Files.writeString(aliases, Files.readString(aliases) + "team: ptalice, ptbob\n");
    PosternInstance.Result newaliases = postern.command("newaliases");
    assertThat(newaliases.status()).as("newaliases: " + newaliases.err()).isZero();
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (users != null) {
        users.close();
      }
    }
  }

  @Test
  void swaks_toRoot_exactlyOneMessageInRootMaildir() throws Exception {
    String subject = "to root " + System.nanoTime();

    String id = Submit.swaks(postern, "a@example.com", "root@mx.test", "--header", "Subject: " + subject);

    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(postern.logLines(Pattern.compile(id + ": to=<root@mx\\.test>, relay=local, .*status=sent \\(delivered to maildir\\)")))
        .hasSize(1);
    assertThat(withSubject("root", subject)).hasSize(1);
    assertThat(postern.maildir("root").resolve("new")).isDirectory();
    assertThat(Files.readString(withSubject("root", subject).get(0)))
        .contains("Return-Path: <a@example.com>")
        .contains("Delivered-To: root@mx.test");
  }

  @Test
  void aliasAndForward_eachFinalTargetOnce_forwardedCopyNotRequireTls() throws Exception {
    String subject = "to team " + System.nanoTime();

    String id = Submit.swaks(postern, "a@example.com", "team@mx.test", "--header", "Subject: " + subject);

    String forwarded = awaitForwardedCopy(id);
    assertThat(withSubject("ptalice", subject)).as("ptalice's copies").hasSize(1);
    assertThat(withSubject("ptcarol", subject)).as("ptcarol's copies").hasSize(1);
    assertThat(withSubject("ptbob", subject)).as("ptbob forwards everything").isEmpty();
    assertThat(Files.readString(withSubject("ptcarol", subject).get(0)))
        .contains("Delivered-To: ptbob@mx.test")
        .contains("Delivered-To: team@mx.test");
    assertThat(postern.postcat(forwarded))
        .contains("recipient: far@remote.example")
        .contains("Subject: " + subject)
        .doesNotContain("requiretls: yes");
  }

  @Test
  void requireTlsOriginal_forwardedCopyMarkedRequireTls() throws Exception {
    String subject = "requiretls to team " + System.nanoTime();

    String id =
        Submit.requireTls(
            postern, dir.resolve("pki/ca.pem"), "a@example.com", "team@mx.test", subject, "secret body");

    String forwarded = awaitForwardedCopy(id);
    assertThat(withSubject("ptalice", subject)).as("ptalice's copies").hasSize(1);
    assertThat(withSubject("ptcarol", subject)).as("ptcarol's copies").hasSize(1);
    assertThat(postern.postcat(forwarded))
        .contains("recipient: far@remote.example")
        .contains("requiretls: yes\n")
        .contains("Subject: " + subject);
  }

  /**
   * Follows the chain team -> (ptalice, ptbob) -> ptbob's .forward -> (ptcarol, remote): waits
   * until ptcarol's copy is delivered and the remote recipient deferred, and returns the id of
   * the forwarded copy that stays in the queue for the remote recipient.
   */
  private static String awaitForwardedCopy(String id) throws InterruptedException {
    String expanded = postern.awaitLog(forwardedAs(id, "team@mx.test"), LIMIT);
    postern.awaitLog(delivered(expanded, "ptalice@mx.test"), LIMIT);
    String forwarded = postern.awaitLog(forwardedAs(expanded, "ptbob@mx.test"), LIMIT);
    postern.awaitLog(delivered(forwarded, "ptcarol@mx.test"), LIMIT);
    postern.awaitLog(
        Pattern.compile(forwarded + ": to=<far@remote\\.example>, .*status=deferred"), LIMIT);
    postern.awaitLog(Pattern.compile(expanded + ": removed"), LIMIT);
    assertThat(postern.logLines(delivered(forwarded, "ptcarol@mx.test"))).hasSize(1);
    assertThat(postern.logLines(delivered(expanded, "ptalice@mx.test"))).hasSize(1);
    return forwarded;
  }

  private static Pattern forwardedAs(String id, String recipient) {
    return Pattern.compile(
        id + ": to=<" + Pattern.quote(recipient) + ">, .*relay=local, .*status=sent \\(forwarded as ([0-9A-Za-z]+)\\)");
  }

  private static Pattern delivered(String id, String recipient) {
    return Pattern.compile(
        id + ": to=<" + Pattern.quote(recipient) + ">, .*relay=local, .*status=sent \\(delivered to maildir\\)");
  }

  /** The messages in USER's Maildir whose header has this exact Subject. */
  private static List<Path> withSubject(String user, String subject) {
    return postern.maildirMessages(user).stream()
        .filter(
            p -> {
              try {
                return Files.readString(p, StandardCharsets.UTF_8).contains("\nSubject: " + subject + "\n");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .toList();
  }
}
