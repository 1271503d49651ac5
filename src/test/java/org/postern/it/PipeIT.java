package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pipe(8) end to end: master.cf pipe transports running shell scripts as {@code nobody}, chosen
 * by transport_maps per domain. A script that keeps what it received proves the argv macros and
 * standard input; exit 75 (EX_TEMPFAIL) leaves the message deferred; exit 67 (EX_NOUSER) bounces
 * it with a report to the sender.
 */
class PipeIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Path out;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    out = Files.createDirectories(dir.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path keep =
        script(
            "keep.sh",
            "{ echo \"sender=$1\"; echo \"recipient=$2\"; echo \"uid=$(id -un)\"; cat; } > " + out + "/\"$2\"\n");
    Path tempfail = script("tempfail.sh", "cat > /dev/null; exit 75\n");
    Path nouser = script("nouser.sh", "cat > /dev/null; echo 'no such mailbox here'; exit 67\n");
    Path transport = dir.resolve("transport");
    Files.writeString(
        transport, "ok.test pipeok:\ntemp.test pipetemp:\nfail.test pipefail:\n", StandardCharsets.US_ASCII);
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "transport_maps = texthash:" + transport,
                ""));
    postern.appendMasterCf(
        String.join(
            "\n",
            "pipeok    unix  -       n       n       -       -       pipe",
            "  flags=FR user=nobody argv=" + keep + " ${sender} ${recipient}",
            "pipetemp  unix  -       n       n       -       -       pipe",
            "  user=nobody argv=" + tempfail,
            "pipefail  unix  -       n       n       -       -       pipe",
            "  user=nobody argv=" + nouser + " ${recipient}"));
    postern.startAndAwaitSmtp();
  }

  private static Path script(String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @AfterAll
  static void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void exit0_commandGetsSenderRecipientAndMessage() throws Exception {
    String id =
        Submit.swaks(
            postern, "root@mx.test", "someone@ok.test", "--header", "Subject: piped", "--body", "BODY-FOR-THE-PIPE");

    postern.awaitLog(
        Pattern.compile(id + ": to=<someone@ok\\.test>, relay=pipeok, .*dsn=2\\.0\\.0, status=sent \\(delivered via pipeok service\\)"),
        LIMIT);
    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    String received = Files.readString(out.resolve("someone@ok.test"), StandardCharsets.UTF_8);
    assertThat(received)
        .startsWith("sender=root@mx.test\nrecipient=someone@ok.test\nuid=nobody\nFrom root@mx.test ")
        .contains("\nReturn-Path: <root@mx.test>\n")
        .contains("\nSubject: piped\n")
        .contains("\nBODY-FOR-THE-PIPE\n");
  }

  @Test
  void exit75_deferredInQueue() throws Exception {
    String id = Submit.swaks(postern, "root@mx.test", "someone@temp.test");

    postern.awaitLog(
        Pattern.compile(id + ": to=<someone@temp\\.test>, relay=pipetemp, .*dsn=4\\.3\\.0, status=deferred \\("),
        LIMIT);
    assertThat(Commands.await(LIMIT, () -> postern.queueFilesQuietly("deferred").stream()
            .anyMatch(p -> p.getFileName().toString().equals(id))))
        .as(id + " in deferred/: " + postern.queueFilesQuietly("deferred"))
        .isTrue();
    assertThat(postern.logLines(Pattern.compile(id + ": .*status=(sent|bounced)"))).isEmpty();
    assertThat(postern.logLines(Pattern.compile(id + ": sender non-delivery notification"))).isEmpty();
  }

  @Test
  void exit67_bouncedWithReportToSender() throws Exception {
    String id = Submit.swaks(postern, "root@mx.test", "someone@fail.test");

    postern.awaitLog(
        Pattern.compile(
            id + ": to=<someone@fail\\.test>, relay=pipefail, .*dsn=5\\.1\\.1, status=bounced \\(.*no such mailbox here"),
        LIMIT);
    String notification =
        postern.awaitLog(Pattern.compile(id + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    postern.awaitLog(
        Pattern.compile(notification + ": to=<root@mx\\.test>, relay=local, .*status=sent \\(delivered to maildir\\)"),
        LIMIT);
    Path report =
        postern.maildirMessages("root").stream()
            .filter(p -> p.getFileName().toString().contains("P" + notification + "_"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("report " + notification + " not in root's Maildir"));
    Dsn.parse(report).assertReport("failed", "5.1.1", "someone@fail.test");
    assertThat(postern.queueIds("deferred")).doesNotContain(id);
  }
}
