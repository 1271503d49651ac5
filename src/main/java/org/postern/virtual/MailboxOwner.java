package org.postern.virtual;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The numeric owner of a virtual mailbox. Postfix writes as the recipient by switching its
 * effective uid; a JVM cannot, so files are created by the running user and handed over with
 * {@code chown} when that user is root (otherwise they stay with the running user, which is then
 * the only user that can own mailboxes).
 *
 * @param uid the owner's user id
 * @param gid the owner's group id
 * @param handOver whether to chown what is created (the process runs as root)
 */
record MailboxOwner(long uid, long gid, boolean handOver) {

  /** The owner {@code uid}/{@code gid}, handed over when this process runs as root. */
  static MailboxOwner of(long uid, long gid) {
    return new MailboxOwner(uid, gid, new UnixSystem().getUid() == 0);
  }

  /** Gives {@code file} (just created) to this owner, when running as root. */
  void takeOver(Path file) throws IOException {
    if (handOver) {
      Files.setAttribute(file, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(file, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Whether {@code file} belongs to this owner (always true when not running as root). */
  boolean owns(Path file) throws IOException {
    return !handOver || ((Integer) Files.getAttribute(file, "unix:uid")) == uid;
  }
}
