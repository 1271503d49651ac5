package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * Virtual hosting from a directory (LDAP_README's setup) with Debian's slapd on 127.0.104.30:
 * {@code virtual_alias_maps} expands the staff group through its member DNs ({@code
 * special_result_attribute = member}, the members' {@code mail} as {@code leaf_result_attribute}),
 * {@code virtual_mailbox_maps} maps each user's {@code mail} to a Maildir with {@code
 * result_format}, and {@code check_sender_access} reads its action from the directory. While
 * slapd is stopped every RCPT TO is {@code 451 4.3.0 Temporary lookup failure}; once it is back
 * the same mail is accepted and delivered. {@code postmap -q} answers from the same files.
 */
class LdapVirtualIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String HOST = "127.0.104.30";
  private static final int PORT = 3389;

  @TempDir static Path dir;
  private static Slapd slapd;
  private static PosternInstance postern;
  private static Path vmail;
  private static Path aliases;

  @BeforeAll
  static void start() throws Exception {
    slapd = Slapd.start(dir, HOST, PORT, LdapTableIT.LDIF);
    vmail = Files.createDirectories(dir.resolve("vmail"));
    String server = "server_host = " + slapd.url();
    String base = "search_base = " + Slapd.SUFFIX;
    aliases = cf("aliases.cf", server, base, "query_filter = (mailLocalAddress=%s)",
        "result_attribute =", "leaf_result_attribute = mail",
        "special_result_attribute = member", "version = 3");
    Path mailboxes = cf("mailboxes.cf", server, base, "query_filter = (mail=%s)",
        "result_attribute = uid", "result_format = example.com/%s/", "domain = example.com",
        "version = 3");
    Path access = cf("access.cf", server, base, "query_filter = (mailLocalAddress=%s)",
        "result_attribute = description", "version = 3");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n",
        "myhostname = mx.example.com",
        "mydestination = localhost",
        "virtual_mailbox_domains = example.com",
        "virtual_mailbox_base = " + vmail,
        "virtual_alias_maps = ldap:" + aliases,
        "virtual_mailbox_maps = ldap:" + mailboxes,
        "virtual_uid_maps = static:65534",
        "virtual_gid_maps = static:65534",
        "smtpd_sender_restrictions = check_sender_access ldap:" + access,
        ""));
    postern.startAndAwaitSmtp();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      if (slapd != null) {
        slapd.close();
      }
    }
  }

  private static Path cf(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static List<String> dialogue(String sender, String... recipients) throws IOException {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      List<String> replies = new java.util.ArrayList<>();
      replies.add(c.command("MAIL FROM:<" + sender + ">").text());
      for (String r : recipients) {
        replies.add(c.command("RCPT TO:<" + r + ">").text());
      }
      c.command("QUIT");
      return replies;
    }
  }

  private static List<Path> delivered(String user, String subject) throws IOException {
    Path newDir = vmail.resolve("example.com/" + user + "/new");
    if (!Files.isDirectory(newDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(newDir)) {
      return files.filter(f -> {
        try {
          return Files.readString(f).contains("Subject: " + subject);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  @Test
  void groupAliasAndMailboxes_fromTheDirectory() throws Exception {
    String subject = "staff " + System.nanoTime();

    String id = Submit.swaks(postern, "someone@client.test", "staff@example.com",
        "--header", "Subject: " + subject);

    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(delivered("alice", subject)).hasSize(1);
    assertThat(delivered("bob", subject)).hasSize(1);
    assertThat(dialogue("someone@client.test", "al@example.com", "nobody@example.com"))
        .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok",
            "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in"
                + " virtual mailbox table");
    PosternInstance.Result q = postern.command("postmap", "-q", "staff@example.com",
        "ldap:" + aliases);
    assertThat(q.status()).as(q.err()).isZero();
    assertThat(q.out()).isEqualTo("alice@example.com,bob@example.com\n");
  }

  @Test
  void senderAccess_actionFromTheDirectory() throws Exception {
    assertThat(dialogue("spammer@bad.example", "alice@example.com")).containsExactly(
        "250 2.1.0 Ok",
        "554 5.7.1 <spammer@bad.example>: Sender address rejected: go away");
  }

  @Test
  void slapdStopped_temporaryFailure_thenMailGoesThrough() throws Exception {
    slapd.stop();
    try {
      assertThat(dialogue("someone@client.test", "alice@example.com")).containsExactly(
          "250 2.1.0 Ok",
          "451 4.3.0 <someone@client.test>: Temporary lookup failure");
    } finally {
      slapd.start();
    }
    String subject = "after " + System.nanoTime();
    String id = Submit.swaks(postern, "someone@client.test", "al@example.com",
        "--header", "Subject: " + subject);
    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    assertThat(delivered("alice", subject)).hasSize(1);
  }
}
