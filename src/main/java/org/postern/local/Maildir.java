package org.postern.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.postern.deliver.FileSizeLimit;
import org.postern.queue.QueueId;

/**
 * Delivery into a Maildir ({@code tmp/}, {@code new/}, {@code cur/}), idempotent per message and
 * recipient.
 *
 * <p>The file name is {@code ARRIVAL.PQUEUEID_HASH.HOST}: the message's arrival time in seconds,
 * its queue id, the first 16 hex digits of the SHA-256 of the recipient address and user, and
 * myhostname (with {@code /} and {@code :} written as {@code \057} and {@code \072}). All parts
 * are the same on every attempt for that recipient, so before writing, {@code new/} and {@code
 * cur/} are searched for that name (in {@code cur/} followed by {@code :2,flags}); if it is there,
 * an earlier attempt delivered it and crashed before qmgr marked the recipient done, and nothing
 * is written again. Otherwise the message goes to {@code tmp/NAME}, is forced to disk, linked into
 * {@code new/NAME} (a link that already exists means a concurrent attempt won), and {@code new/}
 * is forced to disk.
 *
 * <p>A copy that the user has already deleted or moved out of the Maildir is delivered again.
 *
 * <p>{@code mailbox_size_limit} bounds the one message file: a copy that would grow past it fails
 * with "File too large".
 *
 * <p>Failure: IOExceptions worded as Postfix's maildir delivery words them: {@code create maildir
 * file PATH: REASON} for a directory, the temporary file or the link into {@code new/}, {@code
 * error writing message: REASON} for the copy itself.
 */
final class Maildir {
  private Maildir() {}

  /** The unique part of the file name for this message and recipient. */
  static String uniqueName(Instant arrival, QueueId queueId, String recipient, String user,
      String hostname) {
    String hash;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          (recipient.toLowerCase(Locale.ROOT) + "\0" + user).getBytes(StandardCharsets.UTF_8));
      hash = HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    String host = hostname.replace("/", "\\057").replace(":", "\\072");
    return arrival.getEpochSecond() + ".P" + queueId.value() + "_" + hash + "." + host;
  }

  /**
   * Delivers what {@code writer} writes into {@code maildir} as {@code unique}, the file held to
   * {@code limit} (mailbox_size_limit); returns false when an earlier attempt already delivered
   * it.
   */
  static boolean deliver(Path maildir, String unique, Privileges privileges, LocalUser owner,
      Lock creation, FileSizeLimit limit, MessageWriter writer) throws IOException {
    for (Path dir : List.of(maildir, maildir.resolve("tmp"), maildir.resolve("new"),
        maildir.resolve("cur"))) {
      try {
        directory(dir, privileges, owner, creation);
      } catch (IOException e) {
        throw creating(dir, e);
      }
    }
    Path fresh = maildir.resolve("new").resolve(unique);
    if (alreadyDelivered(maildir, unique)) {
      return false;
    }
    Path tmp = maildir.resolve("tmp").resolve(unique);
    try {
      write(tmp, privileges, owner, limit, writer);
      try {
        Files.createLink(fresh, tmp);
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        throw creating(fresh, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel dir = FileChannel.open(fresh.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
    return true;
  }

  private static IOException creating(Path path, IOException e) {
    return new IOException("create maildir file " + path + ": " + e.getMessage(), e);
  }

  private static boolean alreadyDelivered(Path maildir, String unique) throws IOException {
    if (Files.exists(maildir.resolve("new").resolve(unique), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try (DirectoryStream<Path> cur = Files.newDirectoryStream(maildir.resolve("cur"))) {
      for (Path p : cur) {
        String name = p.getFileName().toString();
        if (name.equals(unique) || name.startsWith(unique + ":")) {
          return true;
        }
      }
    }
    return false;
  }

  private static void write(Path tmp, Privileges privileges, LocalUser owner, FileSizeLimit limit,
      MessageWriter writer) throws IOException {
    FileChannel ch;
    try {
      // A leftover of a crashed attempt goes first: never write through a name someone else made.
      Files.deleteIfExists(tmp);
      ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw creating(tmp, e);
    }
    try (ch) {
      try {
        privileges.own(tmp, owner);
      } catch (IOException e) {
        throw creating(tmp, e);
      }
      OutputStream out = limit.limit(new BufferedOutputStream(Channels.newOutputStream(ch)), 0);
      try {
        writer.writeTo(out);
        out.flush();
        ch.force(true);
      } catch (IOException e) {
        throw new IOException("error writing message: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Makes {@code dir} for {@code owner} unless it exists. The directory is made and given to its
   * owner under a private name, then renamed into place, so no delivery ever sees it half made
   * (root-owned). The check and the rename are done under {@code creation}, one lock for the
   * agent: a rename onto an existing empty directory replaces it (POSIX), so two first deliveries
   * that both saw no directory would otherwise swap one empty directory for another under the
   * feet of the first, whose next step in it then fails with "No such file or directory" and
   * bounces. The lock is taken only while a directory is missing.
   */
  private static void directory(Path dir, Privileges privileges, LocalUser owner, Lock creation)
      throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new IOException("maildir " + dir + " is a symbolic link");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      creation.lock();
      try {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          make(dir, privileges, owner);
        }
      } finally {
        creation.unlock();
      }
    }
    if (privileges.switchesUser()) {
      Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (!Integer.valueOf(owner.uid()).equals(uid)) {
        throw new IOException("maildir " + dir + " has bad owner uid " + uid);
      }
    }
  }

  /** Makes {@code dir} under a private name and renames it into place. */
  private static void make(Path dir, Privileges privileges, LocalUser owner) throws IOException {
    Path fresh = dir.resolveSibling("." + dir.getFileName() + "." + ProcessHandle.current().pid()
        + "." + Thread.currentThread().threadId());
    Files.createDirectory(fresh,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    privileges.own(fresh, owner);
    try {
      Files.move(fresh, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Another process made it meanwhile (a directory in it: not replaced): use that one.
      Files.deleteIfExists(fresh);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
  }
}
