package org.postern.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The process a master's pid file names, for tests that clean up after a master. A pid file can
 * outlive its master, and this machine's PIDs wrap quickly ({@code pid_max} 32768 and thousands
 * of short-lived commands per run): a recycled PID may belong to anything, the Maven JVM running
 * the tests included. So a PID counts only while its process started before the file was last
 * written (the master writes the file after it starts).
 */
public final class PidFiles {
  private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

  private PidFiles() {}

  /** The live process that wrote {@code pidFile}, if the file exists and that process still runs. */
  public static Optional<ProcessHandle> owner(Path pidFile) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    String text = Files.readString(pidFile).strip();
    if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    Instant written = Files.getLastModifiedTime(pidFile).toInstant();
    return ProcessHandle.of(Long.parseLong(text))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().startInstant()
            .map(started -> !started.isAfter(written.plus(CLOCK_SLACK))).orElse(false));
  }

  /** SIGKILL for the master {@code pidFile} names, if it still runs (see {@link #owner}). */
  public static void killOwner(Path pidFile) throws IOException {
    owner(pidFile).ifPresent(ProcessHandle::destroyForcibly);
  }
}
