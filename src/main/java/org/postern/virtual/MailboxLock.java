package org.postern.virtual;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Exclusive access to a mailbox file, Postfix's {@code dot_lockfile()} and {@code
 * deliver_flock()}: {@code file.lock} created exclusively (removed when older than {@code
 * stale_lock_time}), and a kernel lock on the open file ({@code fcntl}; Java offers no {@code
 * flock}, so {@code flock} takes the same kernel lock). Each is tried {@code
 * deliver_lock_attempts} times, {@code deliver_lock_delay} apart.
 *
 * <p>Failure: a lock that stays busy or cannot be made is a MailboxException 4.2.0 with
 * Postfix's text.
 */
final class MailboxLock {
  private final Set<VirtualSettings.LockStyle> styles;
  private final int attempts;
  private final Duration delay;
  private final Duration stale;
  private final Clock clock;

  MailboxLock(VirtualSettings settings, Clock clock) {
    this.styles = settings.lockStyles();
    this.attempts = Math.max(1, settings.lockAttempts());
    this.delay = settings.lockDelay();
    this.stale = settings.staleLockTime();
    this.clock = clock;
  }

  boolean dotlock() {
    return styles.contains(VirtualSettings.LockStyle.DOTLOCK);
  }

  boolean kernelLock() {
    return styles.contains(VirtualSettings.LockStyle.FCNTL)
        || styles.contains(VirtualSettings.LockStyle.FLOCK);
  }

  /** Creates {@code mailbox.lock}; the caller removes it with {@link #unlock}. */
  void lockDotFile(Path mailbox) throws MailboxException, InterruptedException {
    Path lock = lockFile(mailbox);
    IOException last = null;
    for (int i = 0; i < attempts; i++) {
      try {
        Files.createFile(lock);
        return;
      } catch (FileAlreadyExistsException e) {
        last = e;
        if (removeIfStale(lock)) {
          continue;
        }
      } catch (IOException e) {
        throw MailboxException.of(e, "4.2.0", "unable to create lock file " + lock);
      }
      pause(i);
    }
    throw MailboxException.of(last, "4.2.0", "unable to create lock file " + lock);
  }

  void unlock(Path mailbox) {
    try {
      Files.deleteIfExists(lockFile(mailbox));
    } catch (IOException ignored) {
      // A lock file that cannot be removed goes stale and is removed by the next delivery.
    }
  }

  /** Takes the kernel lock on {@code ch}; released when the channel closes. */
  FileLock lockChannel(FileChannel ch) throws MailboxException, InterruptedException {
    for (int i = 0; i < attempts; i++) {
      try {
        FileLock lock = ch.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // Another delivery in this process holds the mailbox: as busy as another process.
      } catch (IOException e) {
        throw MailboxException.of(e, "4.2.0", "unable to lock for exclusive access");
      }
      pause(i);
    }
    throw new MailboxException("4.2.0",
        "unable to lock for exclusive access: Resource temporarily unavailable");
  }

  private void pause(int attempt) throws InterruptedException {
    if (attempt + 1 < attempts) {
      Thread.sleep(delay);
    }
  }

  private boolean removeIfStale(Path lock) {
    try {
      Instant modified = Files.getLastModifiedTime(lock).toInstant();
      if (modified.plus(stale).isBefore(clock.instant())) {
        Files.deleteIfExists(lock);
        return true;
      }
    } catch (IOException e) {
      return false; // gone already, or unreadable: try to create it again after the delay
    }
    return false;
  }

  private static Path lockFile(Path mailbox) {
    return mailbox.resolveSibling(mailbox.getFileName() + ".lock");
  }
}
