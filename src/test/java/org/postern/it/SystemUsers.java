package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real accounts in /etc/passwd for delivery tests (local(8) delivers only to users the system
 * knows), made with useradd and removed with userdel. The tests run as root; a leftover account
 * of an interrupted run is removed before it is made again.
 */
final class SystemUsers implements AutoCloseable {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private final List<String> names = new ArrayList<>();

  /** Creates each user with a home directory under /home. */
  static SystemUsers create(String... names) throws IOException, InterruptedException {
    SystemUsers users = new SystemUsers();
    for (String name : names) {
      remove(name);
      PosternInstance.Result r =
          Commands.run(List.of("useradd", "-m", "-s", "/bin/sh", name), null, LIMIT);
      assertThat(r.status()).as("useradd -m " + name + ": " + r.err()).isZero();
      users.names.add(name);
    }
    return users;
  }

  private static void remove(String name) throws IOException, InterruptedException {
    if (Commands.run(List.of("id", "-u", name), null, LIMIT).status() == 0) {
      Commands.run(List.of("userdel", "-r", "-f", name), null, LIMIT);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (String name : names) {
      remove(name);
    }
  }
}
