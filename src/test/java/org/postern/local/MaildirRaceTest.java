package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.postern.deliver.FileSizeLimit;
import org.junit.jupiter.api.io.TempDir;

class MaildirRaceTest {
  @TempDir Path dir;

  @RepeatedTest(5)
  void deliver_concurrentFirstDeliveries_allSucceedIntoOneMaildir() throws Exception {
    Path maildir = dir.resolve("mail").resolve("u");
    Files.createDirectories(maildir.getParent());
    LocalUser user = new LocalUser("u", 1000, 1000, dir, "/bin/sh");
    Privileges privileges = Privileges.unprivileged();
    Lock creation = new ReentrantLock();
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String unique = "1700000000.P" + i + ".host";
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          start.await();
          Maildir.deliver(maildir, unique, privileges, user, creation, new FileSizeLimit(0),
              out -> out.write("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII)));
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failure.get()).as("a concurrent first delivery failed").isNull();
    try (var files = Files.list(maildir.resolve("new"))) {
      assertThat(files.count()).isEqualTo(8);
    }
    try (var leftovers = Files.list(maildir.getParent())) {
      assertThat(leftovers.map(p -> p.getFileName().toString()).toList()).containsExactly("u");
    }
  }

  /**
   * The interleaving behind a bounce seen in DeliveryCrashIT: a first delivery has found tmp/
   * missing and made its private copy, then stalls; meanwhile another delivery makes tmp/ and
   * delivers through it. Renaming the stalled copy into place would replace that (empty) tmp/,
   * and a delivery working in it at that moment fails with "No such file or directory".
   */
  @Test
  void deliver_creatorStalledAfterItsCheck_neverReplacesATmpDirectoryInUse() throws Exception {
    Path maildir = dir.resolve("mail").resolve("u");
    Files.createDirectories(maildir.getParent());
    LocalUser user = new LocalUser("u", 1000, 1000, dir, "/bin/sh");
    Lock creation = new ReentrantLock();
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    AtomicReference<Thread> slow = new AtomicReference<>();
    Privileges stalling = new Privileges() {
      @Override
      public boolean switchesUser() {
        return false;
      }

      @Override
      public List<String> argv(LocalUser owner, List<String> command) {
        return List.copyOf(command);
      }

      @Override
      public void own(Path file, LocalUser owner) throws IOException {
        if (Thread.currentThread() == slow.get() && file.getFileName().toString().startsWith(".tmp.")) {
          stalled.countDown();
          try {
            resume.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stalled delivery interrupted");
          }
        }
      }
    };
    List<Object> tmpSeenWhileWriting = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread first = Thread.ofVirtual().unstarted(() -> deliver(maildir, "1.Pslow.host", stalling,
        user, creation, tmpSeenWhileWriting, failure));
    slow.set(first);
    first.start();
    assertThat(stalled.await(10, TimeUnit.SECONDS)).as("slow delivery reached its stall").isTrue();

    Thread second = Thread.ofVirtual().start(() -> deliver(maildir, "1.Pfast.host", stalling,
        user, creation, tmpSeenWhileWriting, failure));
    second.join(Duration.ofSeconds(1)); // ends now unless it waits for the stalled creator
    resume.countDown();
    first.join();
    second.join();

    assertThat(failure.get()).as("a delivery failed").isNull();
    Object tmpNow = Files.readAttributes(maildir.resolve("tmp"), BasicFileAttributes.class)
        .fileKey();
    assertThat(tmpSeenWhileWriting).as("tmp/ each delivery wrote in, against tmp/ now")
        .hasSize(2).containsOnly(tmpNow);
    try (var files = Files.list(maildir.resolve("new"))) {
      assertThat(files.count()).isEqualTo(2);
    }
  }

  private static void deliver(Path maildir, String unique, Privileges privileges, LocalUser user,
      Lock creation, List<Object> tmpSeen, AtomicReference<Throwable> failure) {
    try {
      Maildir.deliver(maildir, unique, privileges, user, creation, new FileSizeLimit(0), out -> {
        tmpSeen.add(Files.readAttributes(maildir.resolve("tmp"), BasicFileAttributes.class)
            .fileKey());
        out.write("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
      });
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }
}
