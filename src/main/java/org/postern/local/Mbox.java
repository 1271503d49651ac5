package org.postern.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.postern.deliver.FileSizeLimit;

/**
 * Appends a message to a UNIX mbox file under {@code mailbox_delivery_lock}: {@code dotlock}
 * creates {@code FILE.lock} exclusively (a lock older than 500s is stale and removed), {@code
 * fcntl} takes a POSIX record lock ({@link FileChannel#lock} is fcntl on Linux; {@code flock} is
 * treated as fcntl, the JDK has no flock(2)). Each lock is tried 5 times, one second apart, as
 * Postfix's flock_tries and flock_delay.
 *
 * <p>A failed write truncates the file back to its old size, so a reader never sees half a
 * message. {@code mailbox_size_limit} bounds the whole file: a message that would take it past
 * the limit fails with "File too large". A crash after the data reached the disk but before qmgr marked the recipient done
 * delivers the message again on retry: mbox has no way to recognise the earlier copy, as in
 * Postfix.
 *
 * <p>Failure: an IOException; a failed write reads "error writing message: REASON", as Postfix's
 * mail_copy() words it, and the caller names the file. {@link LockBusyException} when a lock
 * could not be had (the caller defers).
 */
final class Mbox {
  private static final int LOCK_TRIES = 5;
  private static final Duration LOCK_DELAY = Duration.ofSeconds(1);
  private static final Duration STALE_LOCK = Duration.ofSeconds(500);

  /** Another process holds the mailbox lock. */
  static final class LockBusyException extends IOException {
    private static final long serialVersionUID = 1L;

    LockBusyException(String message) {
      super(message);
    }
  }

  private final Set<String> locks;
  private final Clock clock;
  private final FileSizeLimit limit;

  /** {@code limit}: mailbox_size_limit, on the whole file. */
  Mbox(Set<String> locks, Clock clock, FileSizeLimit limit) {
    this.locks = Set.copyOf(locks);
    this.clock = clock;
    this.limit = limit;
  }

  /**
   * Appends what {@code writer} writes to {@code file}. When {@code owner} is given (the JVM runs
   * as root), a file that exists must be a regular file owned by that user, not a symbolic link,
   * and a new file is given to the user.
   */
  void append(Path file, Privileges privileges, LocalUser owner, MessageWriter writer)
      throws IOException, InterruptedException {
    Path dotlock = file.resolveSibling(file.getFileName() + ".lock");
    boolean dotlocked = locks.contains("dotlock") && dotlock(dotlock);
    try (FileChannel channel = open(file, privileges, owner)) {
      FileLock lock = locks.contains("fcntl") || locks.contains("flock") ? lock(channel, file) : null;
      try {
        write(channel, writer);
      } finally {
        if (lock != null) {
          lock.release();
        }
      }
    } finally {
      if (dotlocked) {
        Files.deleteIfExists(dotlock);
      }
    }
  }

  private static FileChannel open(Path file, Privileges privileges, LocalUser owner)
      throws IOException {
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (existed && privileges.switchesUser()) {
      checkOwner(file, owner);
    }
    FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    if (!existed) {
      try {
        privileges.own(file, owner);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
    }
    return channel;
  }

  private static void checkOwner(Path file, LocalUser owner) throws IOException {
    if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("file " + file + " is not a regular file");
    }
    Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    if (!Integer.valueOf(owner.uid()).equals(uid)) {
      throw new IOException("file " + file + " has bad owner uid " + uid);
    }
    if (!Integer.valueOf(1).equals(links)) {
      throw new IOException("file " + file + " has " + links + " hard links");
    }
  }

  private void write(FileChannel channel, MessageWriter writer) throws IOException {
    long size = channel.size();
    try {
      OutputStream out =
          limit.limit(new BufferedOutputStream(Channels.newOutputStream(channel)), size);
      writer.writeTo(out);
      out.flush();
      channel.force(true);
    } catch (IOException e) {
      channel.truncate(size);
      throw new IOException("error writing message: " + e.getMessage(), e);
    }
  }

  private FileLock lock(FileChannel channel, Path file) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // another delivery in this JVM holds it: wait as for another process
      }
      if (lock != null) {
        return lock;
      }
      if (attempt == LOCK_TRIES) {
        throw new LockBusyException("unable to lock for exclusive access: " + file);
      }
      Thread.sleep(LOCK_DELAY);
    }
  }

  private boolean dotlock(Path dotlock) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createFile(dotlock);
        return true;
      } catch (FileAlreadyExistsException e) {
        removeIfStale(dotlock);
      }
      if (attempt == LOCK_TRIES) {
        throw new LockBusyException("unable to create lock file " + dotlock + ": File exists");
      }
      Thread.sleep(LOCK_DELAY);
    }
  }

  private void removeIfStale(Path dotlock) throws IOException {
    try {
      FileTime modified = Files.getLastModifiedTime(dotlock, LinkOption.NOFOLLOW_LINKS);
      if (modified.toInstant().plus(STALE_LOCK).isBefore(clock.instant())) {
        Files.deleteIfExists(dotlock);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // Released between our attempt and the look at its age: the next attempt takes it.
    }
  }
}
