package org.postern.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

/**
 * {@code $queue_directory/pid/master.pid}, Postfix's proof that a master runs: the file holds the
 * master's pid, padded as Postfix pads it, and the master holds an exclusive lock on it for its
 * whole life. A master is running when the pid is alive and the lock is held, so a file left by
 * a crash (its pid gone, or reused by an unrelated process that holds no lock) does not block a
 * new start.
 *
 * <p>The lock is a POSIX record lock (fcntl), released by the kernel when the master dies. Such
 * locks belong to the process, and closing any descriptor of the file drops them: the master
 * never opens its pid file a second time, and {@link #runningPid} is for other processes.
 *
 * <p>Failure: {@link #acquire} throws {@link AlreadyRunningException} when a live master holds
 * the file, and IOException naming the file when it cannot be created or written.
 */
public final class PidFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private PidFile(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Another master holds the pid file. */
  public static final class AlreadyRunningException extends Exception {
    private static final long serialVersionUID = 1L;

    AlreadyRunningException(Path path) {
      super(path + ": held by a running master");
    }
  }

  /** Takes {@code path} for this process: locks it, then writes this pid into it. */
  public static PidFile acquire(Path path, long pid) throws IOException, AlreadyRunningException {
    Files.createDirectories(path.getParent());
    FileChannel channel;
    try {
      // No TRUNCATE_EXISTING: the file of a running master stays intact until the lock is ours.
      channel =
          FileChannel.open(
              path,
              java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    } catch (IOException e) {
      throw new IOException(path + ": cannot open pid file: " + e.getMessage(), e);
    }
    try {
      FileLock lock = tryLock(channel, false);
      if (lock == null) {
        throw new AlreadyRunningException(path);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(format(pid).getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      return new PidFile(path, channel, lock);
    } catch (IOException | AlreadyRunningException e) {
      channel.close();
      throw e;
    }
  }

  /** The pid of the master holding {@code path}: alive, and the lock held. */
  public static OptionalLong runningPid(Path path) throws IOException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // a crash between truncate and write
    }
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && locked(path)) {
      return OptionalLong.of(pid);
    }
    return OptionalLong.empty();
  }

  /** The pid right-aligned in a field, as Postfix writes master.pid. */
  static String format(long pid) {
    return String.format("%10d%n", pid);
  }

  public Path path() {
    return path;
  }

  /** Removes the file, then lets the lock go: a new master may start from here on. */
  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(path);
    } finally {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  private static boolean locked(Path path) throws IOException {
    try (FileChannel probe = FileChannel.open(path, StandardOpenOption.READ)) {
      FileLock shared = tryLock(probe, true);
      if (shared == null) {
        return true;
      }
      shared.release();
      return false;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** A lock on the whole file, or null when another process or channel holds one. */
  private static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
    try {
      return channel.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      return null; // held by this very JVM (a second master in a test)
    }
  }
}
