package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local submission by an ordinary user while the daemon runs as root, without a setgid postdrop:
 * {@code bin/sendmail} run (with setpriv) as a throw-away system user writes into the
 * world-writable sticky maildrop, pickup takes the uid from the file's owner, and local(8)
 * delivers to another user's Maildir. Another user can neither list maildrop nor remove, rename
 * or read a file dropped there; a queue with the old maildrop mode is reported by {@code postern
 * check} and fixed by {@code postern start}.
 */
class UserSubmissionIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String SENDER = "ptdrop1";
  private static final String OTHER = "ptdrop2";

  private static SystemUsers users;
  @TempDir Path dir;
  private PosternInstance postern;

  @BeforeAll
  static void createUsers() throws Exception {
    users = SystemUsers.create(SENDER, OTHER);
  }

  @AfterAll
  static void removeUsers() throws Exception {
    if (users != null) {
      users.close();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  /** An instance that ordinary users can reach: JUnit's temporary directory is mode 0700. */
  private PosternInstance instance() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    postern = PosternInstance.create(dir.resolve("postern"),
        "myhostname = mx.test\nmydestination = $myhostname, localhost\n");
    return postern;
  }

  /** Runs {@code argv} as {@code user} with that user's uid, gid and groups. */
  private PosternInstance.Result as(String user, String stdin, String... argv)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + user,
        "--regid=" + user, "--init-groups", "env", "HOME=/home/" + user, "USER=" + user,
        "LOGNAME=" + user));
    command.addAll(List.of(argv));
    return Commands.run(command, stdin, postern.environment(), LIMIT);
  }

  private PosternInstance.Result sendmailAs(String user, String recipient, String subject)
      throws IOException, InterruptedException {
    return as(user, "Subject: " + subject + "\n\nfrom a user's shell\n",
        PosternInstance.HOME.resolve("bin/sendmail").toString(), "-i", recipient);
  }

  private static long uid(String user) throws IOException, InterruptedException {
    return Long.parseLong(Commands.ok(List.of("id", "-u", user), null, LIMIT).out().strip());
  }

  private List<Path> delivered(String user, String subject) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path p : postern.maildirMessages(user)) {
      if (Files.readString(p, StandardCharsets.UTF_8).contains("Subject: " + subject)) {
        found.add(p);
      }
    }
    return found;
  }

  private String awaitDelivery(String user, String subject, long uid) throws Exception {
    String id = postern.awaitLog(
        Pattern.compile("pickup\\[\\d+\\]: (\\w+): uid=" + uid + " from=<" + user + ">"), LIMIT);
    postern.awaitLog(Pattern.compile(id + ": to=<" + OTHER + "@mx\\.test>, relay=local, .*status=sent"),
        LIMIT);
    assertThat(delivered(OTHER, subject)).hasSize(1);
    return Files.readString(delivered(OTHER, subject).get(0), StandardCharsets.UTF_8);
  }

  @Test
  void sendmail_ordinaryUserDaemonAsRoot_deliveredWithTheUsersUid() throws Exception {
    instance().start();
    long uid = uid(SENDER);
    String subject = "user submission " + System.nanoTime();

    PosternInstance.Result r = sendmailAs(SENDER, OTHER + "@mx.test", subject);

    assertThat(r.status()).as("sendmail as " + SENDER + ": " + r.err()).isZero();
    String message = awaitDelivery(SENDER, subject, uid);
    assertThat(message)
        .containsPattern("Received: by mx\\.test \\(\\w+, from userid " + uid + "\\)")
        .contains("Return-Path: <" + SENDER + "@mx.test>")
        .contains("from a user's shell");
    assertThat(mode(postern.queueDirectory().resolve("maildrop"))).isEqualTo("3733");
    assertThat(postern.queueFiles("maildrop")).isEmpty();
  }

  @Test
  void maildropFile_anotherUser_cannotListRemoveRenameOrReadIt() throws Exception {
    instance().start();
    postern.stop(); // the file stays in maildrop while pickup is down
    String subject = "waiting in maildrop " + System.nanoTime();
    PosternInstance.Result r = sendmailAs(OTHER, OTHER + "@mx.test", subject);
    assertThat(r.status()).as("sendmail as " + OTHER + ": " + r.err()).isZero();
    List<Path> dropped = postern.queueFiles("maildrop");
    assertThat(dropped).hasSize(1);
    Path file = dropped.get(0);
    assertThat(Files.getOwner(file).getName()).isEqualTo(OTHER);
    Path maildrop = file.getParent();

    PosternInstance.Result list = as(SENDER, null, "ls", maildrop.toString());
    PosternInstance.Result remove = as(SENDER, null, "rm", "-f", file.toString());
    PosternInstance.Result rename =
        as(SENDER, null, "mv", file.toString(), maildrop.resolve("tstolen").toString());
    PosternInstance.Result read = as(SENDER, null, "cat", file.toString());

    assertThat(list.status()).as("ls maildrop: " + list.out()).isNotZero();
    assertThat(remove.status()).as("rm: " + remove.err()).isNotZero();
    assertThat(remove.err()).contains("Operation not permitted");
    assertThat(rename.status()).as("mv: " + rename.err()).isNotZero();
    assertThat(read.status()).as("cat: " + read.out()).isNotZero();
    assertThat(read.err()).contains("Permission denied");
    assertThat(file).exists();

    postern.start();
    awaitDelivery(OTHER, subject, uid(OTHER));
  }

  @Test
  void queueWithOldMaildropMode_checkWarnsStartFixes_thenUserSubmits() throws Exception {
    instance().start();
    postern.stop();
    Path maildrop = postern.queueDirectory().resolve("maildrop");
    Files.setPosixFilePermissions(maildrop, PosixFilePermissions.fromString("rwx-wx---"));
    String subject = "after the mode fix " + System.nanoTime();

    PosternInstance.Result refused = sendmailAs(SENDER, OTHER + "@mx.test", subject);
    PosternInstance.Result check = postern.command("postern", "check");

    assertThat(refused.status()).as("sendmail into a 0730 maildrop: " + refused.err()).isEqualTo(75);
    assertThat(check.err()).contains(maildrop + ": mode 0730, should be 3733");

    postern.start();
    assertThat(mode(maildrop)).isEqualTo("3733");
    assertThat(postern.logLines(Pattern.compile("set mode 3733 on " + Pattern.quote(maildrop.toString())
        + " \\(was 0730\\)"))).hasSize(1);
    PosternInstance.Result r = sendmailAs(SENDER, OTHER + "@mx.test", subject);
    assertThat(r.status()).as("sendmail as " + SENDER + ": " + r.err()).isZero();
    awaitDelivery(SENDER, subject, uid(SENDER));
    assertThat(postern.command("postern", "check").err()).doesNotContain("should be");
  }

  private static String mode(Path p) throws IOException {
    return String.format("%04o", (Integer) Files.getAttribute(p, "unix:mode") & 07777);
  }
}
