package org.postern.virtual;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.FileSizeLimit;
import org.postern.deliver.MailCopy;

/**
 * One message into one maildir: {@code tmp/NAME}, fsync, link to {@code new/NAME}, unlink the
 * temporary file, fsync {@code new/}.
 *
 * <p>NAME is {@code ARRIVAL.QqueueidRhash.HOST}: the arrival time (seconds) and queue id of the
 * message, a hash of the recipient address and its queue file offset, and the host name with
 * {@code /} and {@code :} escaped as the maildir specification asks. The same message for the
 * same recipient always gets the same name, which is what makes a retry idempotent: an existing
 * {@code new/NAME}, or {@code cur/NAME} with or without {@code :2,flags} or other suffixes a
 * reader added, means the copy was made and only the queue file update was lost.
 */
final class MaildirDelivery {
  private static final String FILE_MODE = "rw-------";

  private final FileSizeLimit mailboxLimit;
  private final String hostname;

  MaildirDelivery(FileSizeLimit mailboxLimit, String hostname) {
    this.mailboxLimit = mailboxLimit;
    this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
  }

  /** Delivers to {@code maildir}; returns the success text, or throws the failure. */
  String deliver(DeliveryRequest request, MailCopy.Envelope envelope, long offset, Path maildir,
      MailboxOwner owner) throws MailboxException, MailCopy.ReadException {
    String name = fileName(request, envelope.deliveredTo(), offset);
    Path tmp = maildir.resolve("tmp").resolve(name);
    Path fresh = maildir.resolve("new").resolve(name);
    try {
      if (alreadyDelivered(maildir, name)) {
        return "delivered to maildir";
      }
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "create maildir file " + fresh).prefixed(PREFIX);
    }
    try {
      write(request, envelope, tmp, owner);
      link(tmp, fresh, maildir, owner);
    } catch (MailboxException e) {
      throw e.prefixed(PREFIX);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // A left-over temporary file is harmless: the next attempt with this name replaces it.
      }
    }
    return "delivered to maildir";
  }

  private static final String PREFIX = "maildir delivery failed: ";

  private void write(DeliveryRequest request, MailCopy.Envelope envelope, Path tmp,
      MailboxOwner owner) throws MailboxException, MailCopy.ReadException {
    FileChannel ch;
    try {
      Directories.create(tmp.getParent(), owner);
      Files.deleteIfExists(tmp);
      ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString(FILE_MODE)));
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "create maildir file " + tmp);
    }
    try (ch) {
      owner.takeOver(tmp);
      OutputStream out = mailboxLimit.limit(
          new BufferedOutputStream(Channels.newOutputStream(ch)), 0);
      MailCopy.copy(request, envelope, MailCopy.MAILDIR, "\n", out);
      out.flush();
      ch.force(true);
    } catch (MailCopy.ReadException e) {
      throw e;
    } catch (IOException e) {
      throw MailboxException.of(e, "5.3.0", "error writing message");
    }
  }

  private static void link(Path tmp, Path fresh, Path maildir, MailboxOwner owner)
      throws MailboxException {
    try {
      Directories.create(maildir.resolve("cur"), owner);
      Directories.create(maildir.resolve("new"), owner);
      Files.createLink(fresh, tmp);
    } catch (FileAlreadyExistsException e) {
      return; // an earlier attempt got this far; the copy in new/ is the same message
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "create maildir file " + fresh);
    }
    try {
      Directories.sync(fresh.getParent());
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "create maildir file " + fresh);
    }
  }

  private static boolean alreadyDelivered(Path maildir, String name) throws IOException {
    if (Files.exists(maildir.resolve("new").resolve(name))) {
      return true;
    }
    Path cur = maildir.resolve("cur");
    if (Files.exists(cur.resolve(name))) {
      return true;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(cur,
        p -> isCopyOf(p.getFileName().toString(), name))) {
      return s.iterator().hasNext();
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** {@code file} is {@code name} as a mail reader renamed it ({@code name:2,S}, {@code name,S=n}). */
  private static boolean isCopyOf(String file, String name) {
    return file.startsWith(name) && (file.length() == name.length()
        || file.charAt(name.length()) == ':' || file.charAt(name.length()) == ',');
  }

  /** The deterministic file name of this message for this recipient. */
  String fileName(DeliveryRequest request, String recipient, long offset) {
    return request.message().arrivalTime().getEpochSecond() + ".Q" + request.queueId().value()
        + "R" + hash(recipient + "\0" + offset) + "." + hostname;
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
