package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once Maildir delivery across crashes: 200 messages, each to the same 5 real users, are
 * queued first; then qmgr and local deliver them while the master is killed with SIGKILL at
 * random moments of the delivery and started again, until the queue is empty. Every Maildir then
 * holds each message exactly once: a recipient delivered but not yet marked done in the queue
 * file when the process died must not be delivered a second time.
 */
class DeliveryCrashIT {
  private static final int MESSAGES = 200;
  private static final List<String> USERS = List.of("pcrash1", "pcrash2", "pcrash3", "pcrash4", "pcrash5");
  private static final List<String> QUEUES = List.of("incoming", "active", "deferred", "hold", "maildrop");
  private static final Duration LIMIT = Duration.ofMinutes(5);
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: crash message (\\d+)$");

  @TempDir Path dir;
  private PosternInstance postern;
  private SystemUsers users;

  @AfterEach
  void stop() throws Exception {
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
  void sigkillDuringDelivery_eachMaildirHoldsEveryMessageOnce() throws Exception {
    users = SystemUsers.create(USERS.toArray(String[]::new));
    postern =
        PosternInstance.create(
            dir,
            String.join(
                "\n",
                "myhostname = mx.test",
                "local_destination_concurrency_limit = 2",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.1/32",
                "queue_run_delay = 2s",
                "minimal_backoff_time = 2s",
                "maximal_backoff_time = 4s",
                ""));
    Path master = postern.config().resolve("master.cf");
    String withQmgr = Files.readString(master);
    Files.writeString(master, withQmgr.replaceAll("(?m)^qmgr .*\\R", ""));
    postern.startAndAwaitSmtp();
    queueAll();
    postern.stop();
    assertThat(postern.queueFiles("incoming")).as("queued before delivery starts").hasSize(MESSAGES);

    Files.writeString(master, withQmgr);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int kills = 3 + random.nextInt(3);
    System.out.println("DeliveryCrashIT: seed " + seed + ", " + kills + " kills");
    int total = MESSAGES * USERS.size();
    postern.start();
    int done = 0;
    for (int k = 1; k <= kills; k++) {
      int threshold = k * total / (kills + 1) + random.nextInt(total / (4 * (kills + 1)));
      assertThat(Commands.await(LIMIT, () -> delivered() >= threshold))
          .as(threshold + " deliveries before kill " + k + "; now " + delivered())
          .isTrue();
      if (delivered() >= total) {
        break;
      }
      Thread.sleep(random.nextInt(50));
      int before = delivered();
      killMaster();
      done++;
      System.out.println("DeliveryCrashIT: kill " + k + " at " + before + " of " + total + " deliveries");
      postern.start();
    }
    // qmgr alone empties the queue after the last start: a deferred message is retried within
    // maximal_backoff_time (4s) plus queue_run_delay (2s); the bound leaves room for a slow machine.
    Duration bound = Duration.ofSeconds(60);
    boolean drained = Commands.await(bound, () -> queueEmpty() && delivered() >= total);
    if (!drained) {
      reportStuckMessages();
    }
    postern.stop();

    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String user : USERS) {
      counts.put(user, postern.maildirMessages(user).size());
    }
    System.out.println("DeliveryCrashIT: messages per Maildir " + counts + ", " + done + " kills done");
    // Delivery is fast: a restarted master may finish before the next planned kill comes.
    assertThat(done).as("kills that came while delivery ran").isPositive();
    assertThat(drained).as("queue empty within " + bound + " of the last start, without postqueue -f;"
        + " left " + remaining()).isTrue();
    for (String user : USERS) {
      assertThat(subjects(user)).as(user + "'s messages, each exactly once").hasSize(MESSAGES);
      assertThat(counts.get(user)).as(user + "'s Maildir").isEqualTo(MESSAGES);
    }
  }

  /** What a failure needs explained: each message left in the queue, its times and log lines. */
  private void reportStuckMessages() throws IOException {
    for (String q : QUEUES) {
      for (Path f : postern.queueFilesQuietly(q)) {
        String id = f.getFileName().toString();
        System.out.println("DeliveryCrashIT: left in " + q + ": " + f + " mtime "
            + Files.getLastModifiedTime(f) + " now " + java.time.Instant.now());
        postern.maillogText().lines()
            .filter(l -> l.contains(id) || l.contains("fatal") || l.contains("warning")
                || l.contains("status=bounced"))
            .forEach(l -> System.out.println("DeliveryCrashIT:   " + l));
      }
    }
  }

  /** Queues every message over SMTP: one transaction with the five recipients each. */
  private void queueAll() throws IOException {
    try (SmtpClient c = SmtpClient.connect(postern.smtpPort())) {
      assertThat(c.command("EHLO client.test").code()).isEqualTo(250);
      for (int i = 1; i <= MESSAGES; i++) {
        assertThat(c.command("MAIL FROM:<a@example.com>").code()).isEqualTo(250);
        for (String user : USERS) {
          SmtpClient.Reply rcpt = c.command("RCPT TO:<" + user + "@mx.test>");
          assertThat(rcpt.code()).as(rcpt.text()).isEqualTo(250);
        }
        assertThat(c.command("DATA").code()).isEqualTo(354);
        SmtpClient.Reply queued =
            c.command("Subject: crash message " + i + "\r\n\r\n" + "body line\r\n".repeat(100) + ".");
        assertThat(queued.code()).as(queued.text()).isEqualTo(250);
      }
      assertThat(c.command("QUIT").code()).isEqualTo(221);
    }
  }

  private int delivered() {
    return USERS.stream().mapToInt(u -> postern.maildirMessages(u).size()).sum();
  }

  private boolean queueEmpty() {
    return QUEUES.stream().allMatch(q -> postern.queueFilesQuietly(q).isEmpty());
  }

  private Map<String, Integer> remaining() {
    Map<String, Integer> left = new LinkedHashMap<>();
    QUEUES.forEach(q -> left.put(q, postern.queueFilesQuietly(q).size()));
    return left;
  }

  /** The message numbers in USER's Maildir; fails on a number seen twice. */
  private Set<Integer> subjects(String user) {
    Set<Integer> seen = new HashSet<>();
    for (Path p : postern.maildirMessages(user)) {
      try {
        Matcher m = SUBJECT.matcher(Files.readString(p, StandardCharsets.UTF_8));
        assertThat(m.find()).as("a test Subject in " + p).isTrue();
        assertThat(seen.add(Integer.parseInt(m.group(1)))).as(user + " got message " + m.group(1) + " twice").isTrue();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return seen;
  }

  private void killMaster() throws IOException, InterruptedException {
    long pid = postern.masterPid().orElseThrow(() -> new AssertionError("no master.pid"));
    ProcessHandle process =
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("master " + pid + " not running"));
    PosternInstance.Result kill = Commands.run(List.of("kill", "-9", Long.toString(pid)), null, Duration.ofSeconds(10));
    assertThat(kill.status()).as("kill -9 " + pid + ": " + kill.err()).isZero();
    assertThat(Commands.await(Duration.ofSeconds(10), () -> !process.isAlive()))
        .as("master " + pid + " gone after SIGKILL")
        .isTrue();
  }
}
