package org.postern.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@code maillog_file} written the way Postfix's postlogd writes it: opened for append, each
 * record one {@code write(2)} of a whole line, so that lines from several writers never interleave
 * and a reader never sees half a line. A new file is created with mode 0600.
 *
 * <p>A plain {@link FileOutputStream} rather than a FileChannel: an interrupted virtual thread
 * would close a FileChannel under every other writer.
 *
 * <p>Failure: opening fails with an IOException naming the file. A record whose write fails goes to
 * standard error (the first such record announced by a warning); the next record tries the file
 * again, so logging resumes when, say, a full disk has room again.
 */
final class MaillogFile implements LogSink {
  private final Path path;
  private final OutputStream out;
  private final StderrFallback fallback;
  private final ReentrantLock lock = new ReentrantLock();

  private MaillogFile(Path path, OutputStream out, StderrFallback fallback) {
    this.path = path;
    this.out = out;
    this.fallback = fallback;
  }

  static MaillogFile open(Path path, StderrFallback fallback) throws IOException {
    try {
      createPrivate(path);
      return new MaillogFile(path, new FileOutputStream(path.toFile(), true), fallback);
    } catch (IOException e) {
      throw new IOException("maillog_file " + path + ": cannot open for append: " + e, e);
    }
  }

  private static void createPrivate(Path path) throws IOException {
    if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // Appending to an existing log is the normal case.
    }
  }

  @Override
  public void write(LogRecord record) {
    byte[] line = (record.maillogLine() + "\n").getBytes(StandardCharsets.UTF_8);
    String failure;
    lock.lock();
    try {
      out.write(line);
      return;
    } catch (IOException e) {
      failure = "maillog_file " + path + ": write error: " + e.getMessage();
    } finally {
      lock.unlock();
    }
    fallback.write(record, failure);
  }
}
