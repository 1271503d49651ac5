package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.Recipient;

/**
 * The promise behind every 250: Postfix's smtp-source keeps five sessions busy while the master is
 * killed with SIGKILL at random moments and started again. Afterwards every message whose "250
 * ... queued as ID" the client saw is in incoming/ exactly once, and no file in incoming/ is a
 * partial message. Messages queued but not acknowledged (the reply lost with the process) are
 * allowed: SMTP's duplicate window.
 */
class CrashSafetyIT {
  private static final int MESSAGES = 1000;
  private static final Pattern QUEUED = Pattern.compile("<<< 250 2\\.0\\.0 Ok: queued as ([0-9A-Za-z]+)");
  private static final Duration LOAD_LIMIT = Duration.ofMinutes(6);
  private static final List<String> QUEUES = List.of("incoming", "active", "deferred", "hold", "maildrop");

  @TempDir Path dir;
  private PosternInstance postern;

  @AfterEach
  void stop() throws Exception {
    if (postern != null) {
      postern.close();
    }
  }

  @Test
  void sigkillDuringSmtpSourceLoad_everyAcknowledgedMessageIntactOnce() throws Exception {
    postern =
        PosternInstance.createReceiveOnly(
            dir,
            "myhostname = mx.test\nmydestination = mx.test\nmynetworks = 127.0.0.1/32\nlocal_recipient_maps =\n");
    postern.startAndAwaitSmtp();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int kills = 3 + random.nextInt(3);
    System.out.println("CrashSafetyIT: seed " + seed + ", " + kills + " kills");

    Load load = new Load(postern.smtpPort());
    Thread loader = Thread.ofPlatform().name("smtp-source").start(load);
    int done = 0;
    for (int k = 1; k <= kills; k++) {
      int threshold = k * MESSAGES / (kills + 1) + random.nextInt(MESSAGES / (4 * (kills + 1)));
      Commands.await(LOAD_LIMIT, () -> load.acknowledged.size() >= threshold || !loader.isAlive());
      if (!loader.isAlive()) {
        break;
      }
      Thread.sleep(random.nextInt(100));
      killMaster();
      done++;
      postern.startAndAwaitSmtp();
    }
    loader.join(LOAD_LIMIT.toMillis());
    assertThat(loader.isAlive()).as("smtp-source load finished within " + LOAD_LIMIT).isFalse();
    postern.stop();

    assertThat(done).as("SIGKILLs delivered while the load ran").isEqualTo(kills);
    assertThat(load.failure).as("load client").isNull();
    assertThat(load.acknowledged).as("acknowledged messages").hasSizeGreaterThanOrEqualTo(MESSAGES);
    Map<String, Integer> occurrences = new HashMap<>();
    for (String queue : QUEUES) {
      for (Path file : postern.queueFiles(queue)) {
        occurrences.merge(file.getFileName().toString(), 1, Integer::sum);
      }
    }
    List<Path> incoming = postern.queueFiles("incoming");
    List<String> missing = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    for (String id : load.acknowledged) {
      int n = occurrences.getOrDefault(id, 0);
      if (n == 0) {
        missing.add(id);
      } else if (n > 1) {
        duplicated.add(id);
      }
    }
    List<String> broken = new ArrayList<>();
    List<Path> extra = new ArrayList<>();
    for (Path file : incoming) {
      broken.addAll(problems(file));
      if (!load.acknowledged.contains(file.getFileName().toString())) {
        extra.add(file);
      }
    }
    System.out.printf(
        "CrashSafetyIT: %d acknowledged, %d in incoming, %d acknowledged missing, %d extra unacknowledged,"
            + " %d smtp-source runs (%d ended by a crash), %d temporary files left in tmp/%n",
        load.acknowledged.size(), incoming.size(), missing.size(), extra.size(), load.runs.get(),
        load.failedRuns.get(), postern.queueFiles("tmp").size());

    assertThat(missing).as("acknowledged but not queued").isEmpty();
    assertThat(duplicated).as("acknowledged and queued more than once").isEmpty();
    assertThat(broken).as("partial or corrupt queue files in incoming").isEmpty();
    for (Path file : extra) {
      postern.postcat(file.getFileName().toString());
    }
  }

  private void killMaster() throws IOException, InterruptedException {
    long pid = postern.masterPid().orElseThrow(() -> new AssertionError("no master.pid"));
    ProcessHandle master = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("master " + pid + " not running"));
    PosternInstance.Result kill = Commands.run(List.of("kill", "-9", Long.toString(pid)), null, Duration.ofSeconds(10));
    assertThat(kill.status()).as("kill -9 " + pid + ": " + kill.err()).isZero();
    assertThat(Commands.await(Duration.ofSeconds(10), () -> !master.isAlive()))
        .as("master " + pid + " gone after SIGKILL")
        .isTrue();
  }

  /** What is wrong with a queue file from this load; empty when it is a complete message. */
  private static List<String> problems(Path file) {
    QueueFile q;
    try {
      q = QueueFileReader.read(file);
    } catch (IOException | RuntimeException e) {
      return List.of(file + ": " + e);
    }
    List<String> found = new ArrayList<>();
    if (!q.envelope().sender().equals("a@example.com")) {
      found.add(file + ": sender " + q.envelope().sender());
    }
    if (!q.recipients().stream().map(Recipient::address).toList().equals(List.of("root@mx.test"))) {
      found.add(file + ": recipients " + q.recipients());
    }
    if (q.messageSize() < 2048) {
      found.add(file + ": message size " + q.messageSize() + " below the 2048 bytes sent");
    }
    return found;
  }

  /**
   * smtp-source until {@link #MESSAGES} messages are acknowledged: it exits fatally when the
   * server dies under it or refuses connections, so each run sends only what is still missing.
   */
  private static final class Load implements Runnable {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger failedRuns = new AtomicInteger();
    volatile Throwable failure;
    private final int port;

    Load(int port) {
      this.port = port;
    }

    @Override
    public void run() {
      long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
      try {
        while (acknowledged.size() < MESSAGES && System.nanoTime() < deadline && runs.get() < 200) {
          if (smtpSource(MESSAGES - acknowledged.size(), deadline) != 0) {
            failedRuns.incrementAndGet();
            Thread.sleep(100);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = e;
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
    }

    private int smtpSource(int count, long deadline) throws IOException, InterruptedException {
      runs.incrementAndGet();
      Process p =
          new ProcessBuilder(
                  "/usr/sbin/smtp-source", "-v", "-m", Integer.toString(count), "-s", "5", "-l", "2048",
                  "-f", "a@example.com", "-t", "root@mx.test", "127.0.0.1:" + port)
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = QUEUED.matcher(line);
          if (m.find()) {
            acknowledged.add(m.group(1));
          }
        }
      }
      long left = Math.max(1, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("smtp-source still running at the deadline");
      }
      return p.exitValue();
    }
  }
}
