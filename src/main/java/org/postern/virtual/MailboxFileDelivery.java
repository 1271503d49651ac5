package org.postern.virtual;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.FileSizeLimit;
import org.postern.deliver.MailCopy;

/**
 * One message appended to a UNIX mailbox file: locked, From_ line and envelope headers
 * prepended, {@code >From} quoting, a blank line after, forced to disk; on a write error the file
 * is cut back to its old length so that no half message stays behind.
 */
final class MailboxFileDelivery {
  private static final String FILE_MODE = "rw-------";

  private final MailboxLock lock;
  private final FileSizeLimit mailboxLimit;
  private final boolean strictOwnership;

  MailboxFileDelivery(MailboxLock lock, FileSizeLimit mailboxLimit, boolean strictOwnership) {
    this.lock = lock;
    this.mailboxLimit = mailboxLimit;
    this.strictOwnership = strictOwnership;
  }

  /** Appends to {@code mailbox}; returns the success text, or throws the failure. */
  String deliver(DeliveryRequest request, MailCopy.Envelope envelope, Path mailbox,
      MailboxOwner owner) throws MailboxException, MailCopy.ReadException, InterruptedException {
    String prefix = "delivery failed to mailbox " + mailbox + ": ";
    try {
      if (lock.dotlock()) {
        lock.lockDotFile(mailbox);
      }
      try {
        append(request, envelope, mailbox, owner);
      } finally {
        if (lock.dotlock()) {
          lock.unlock(mailbox);
        }
      }
    } catch (MailboxException e) {
      throw e.prefixed(prefix);
    }
    return "delivered to mailbox";
  }

  private void append(DeliveryRequest request, MailCopy.Envelope envelope, Path mailbox,
      MailboxOwner owner) throws MailboxException, MailCopy.ReadException, InterruptedException {
    boolean created = !Files.exists(mailbox, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch;
    try {
      ch = FileChannel.open(mailbox, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE)));
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "cannot open file");
    }
    try (ch) {
      if (created) {
        owner.takeOver(mailbox);
      }
      check(mailbox, owner);
      if (lock.kernelLock()) {
        lock.lockChannel(ch);
      }
      write(request, envelope, ch);
    } catch (IOException e) {
      throw MailboxException.of(e, "4.2.0", "cannot open file");
    }
  }

  private void check(Path mailbox, MailboxOwner owner) throws IOException, MailboxException {
    if (!Files.isRegularFile(mailbox, LinkOption.NOFOLLOW_LINKS)) {
      throw new MailboxException("5.3.5", "mail system configuration error");
    }
    if (strictOwnership && !owner.owns(mailbox)) {
      throw new MailboxException("4.2.0",
          "destination " + mailbox + " is not owned by recipient");
    }
  }

  private void write(DeliveryRequest request, MailCopy.Envelope envelope, FileChannel ch)
      throws MailboxException, MailCopy.ReadException, IOException {
    long length = ch.size();
    try {
      OutputStream out = mailboxLimit.limit(
          new BufferedOutputStream(Channels.newOutputStream(ch)), length);
      MailCopy.copy(request, envelope, MailCopy.MBOX, "\n", out);
      out.flush();
      ch.force(true);
    } catch (MailCopy.ReadException e) {
      ch.truncate(length);
      throw e;
    } catch (IOException e) {
      ch.truncate(length);
      throw MailboxException.of(e, "5.3.0", "error writing message");
    }
  }
}
