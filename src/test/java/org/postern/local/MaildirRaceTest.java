package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

class MaildirRaceTest {
  @TempDir Path dir;

  @RepeatedTest(5)
  void deliver_concurrentFirstDeliveries_allSucceedIntoOneMaildir() throws Exception {
    Path maildir = dir.resolve("mail").resolve("u");
    Files.createDirectories(maildir.getParent());
    LocalUser user = new LocalUser("u", 1000, 1000, dir, "/bin/sh");
    Privileges privileges = Privileges.unprivileged();
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String unique = "1700000000.P" + i + ".host";
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          start.await();
          Maildir.deliver(maildir, unique, privileges, user,
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
}
