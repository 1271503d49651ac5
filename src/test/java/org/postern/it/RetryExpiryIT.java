package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deferred queue over time, with seconds for Postfix's days: a pipe transport that always
 * answers EX_TEMPFAIL keeps a message deferred; qmgr retries it after the backoff, warns the
 * sender once after delay_warning_time, and after maximal_queue_lifetime returns it to the
 * sender and removes it from the queue.
 */
class RetryExpiryIT {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final List<String> QUEUES = List.of("incoming", "active", "deferred", "hold");

  @TempDir Path dir;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void alwaysTempfail_retriedWarnedOnceThenExpiredAndReturned() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tempfail = dir.resolve("tempfail.sh");
    Files.writeString(tempfail, "#!/bin/sh\ncat > /dev/null\nexit 75\n", StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(tempfail, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path transport = dir.resolve("transport");
    Files.writeString(transport, "slow.test pipetemp:\n", StandardCharsets.US_ASCII);
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = mx.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "transport_maps = texthash:" + transport,
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                "queue_run_delay = 1s",
                "maximal_queue_lifetime = 6s",
                "bounce_queue_lifetime = 6s",
                "delay_warning_time = 2s",
                ""));
    postern.appendMasterCf(
        "pipetemp  unix  -       n       n       -       -       pipe\n  user=nobody argv=" + tempfail);
    postern.startAndAwaitSmtp();
    long started = System.nanoTime();

    String id = Submit.swaks(postern, "root@mx.test", "someone@slow.test", "--header", "Subject: never delivered");

    postern.awaitLog(Pattern.compile(id + ": from=<root@mx\\.test>, status=expired, returned to sender"), LIMIT);
    postern.awaitLog(Pattern.compile(id + ": removed"), LIMIT);
    System.out.printf("RetryExpiryIT: expired and removed after %d ms%n", (System.nanoTime() - started) / 1_000_000);
    List<String> deferrals =
        postern.logLines(
            Pattern.compile(id + ": to=<someone@slow\\.test>, relay=pipetemp, .*dsn=4\\.3\\.0, status=deferred \\("));
    System.out.println("RetryExpiryIT: " + deferrals.size() + " deferrals:\n" + String.join("\n", deferrals));
    assertThat(deferrals).as("delivery attempts before expiry").hasSizeGreaterThanOrEqualTo(3);
    assertThat(postern.logLines(Pattern.compile(id + ": .*status=(sent|bounced)"))).isEmpty();
    for (String queue : QUEUES) {
      assertThat(postern.queueIds(queue)).as(queue + "/").doesNotContain(id);
    }

    List<String> warnings = postern.logLines(Pattern.compile(id + ": sender delay notification: "));
    assertThat(warnings).as("delay warnings").hasSize(1);
    String warning = postern.awaitLog(Pattern.compile(id + ": sender delay notification: ([0-9A-Za-z]+)"), LIMIT);
    String bounce = postern.awaitLog(Pattern.compile(id + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    Dsn.parse(awaitInRootMaildir(bounce)).assertReport("failed", "4.3.0", "someone@slow.test");
    // One per-recipient block, as Postfix resets the defer log at every queue run.
    Dsn.parse(awaitInRootMaildir(warning)).assertReport("delayed", "4.3.0", "someone@slow.test");
  }

  private Path awaitInRootMaildir(String queueId) throws InterruptedException {
    assertThat(
            Commands.await(
                LIMIT,
                () -> postern.maildirMessages("root").stream()
                    .anyMatch(p -> p.getFileName().toString().contains("P" + queueId + "_"))))
        .as(queueId + " delivered to root's Maildir; log:\n" + postern.maillogText())
        .isTrue();
    List<Path> copies =
        postern.maildirMessages("root").stream()
            .filter(p -> p.getFileName().toString().contains("P" + queueId + "_"))
            .toList();
    assertThat(copies).as("copies of " + queueId).hasSize(1);
    return copies.get(0);
  }
}
