package org.postern.queue;

import java.time.Instant;
import java.util.Locale;

/**
 * A queue id in Postfix's short form ({@code enable_long_queue_ids = no}): the microseconds of the
 * arrival time as five upper-case hex digits, followed by the queue file's inode number in
 * upper-case hex. For example arrival at .123456 s in inode 0x1A2B gives {@code 1E2401A2B}.
 *
 * <p>Why it is unique: two files that exist at the same time on one file system never share an
 * inode, and every queue directory (with {@code tmp}, where the id is assigned) is on one file
 * system because moves between queues are renames. An id can be reused only after its file is
 * gone, as in Postfix. The first hex digit also names the hash subdirectory of hashed queues.
 *
 * <p>Failure: {@link #of} rejects anything that is not 6 to 21 upper-case hex digits.
 */
public record QueueId(String value) {
  private static final int MICROS_DIGITS = 5;
  private static final int MAX_LENGTH = MICROS_DIGITS + 16;

  public QueueId {
    if (!isValid(value)) {
      throw new IllegalArgumentException("invalid mail queue id: " + value);
    }
  }

  /** The id named by {@code text}; throws IllegalArgumentException when it is not one. */
  public static QueueId of(String text) {
    return new QueueId(text);
  }

  /** Whether {@code text} is a well-formed short queue id (Postfix's mail_queue_id_ok). */
  public static boolean isValid(String text) {
    if (text == null || text.length() <= MICROS_DIGITS || text.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  /** The id of a file that arrived at {@code arrival} and lives in inode {@code inode}. */
  public static QueueId forFile(Instant arrival, long inode) {
    int micros = arrival.getNano() / 1000;
    // "%05X" without Formatter, whose locale data costs sendmail's start.
    String hex = Integer.toHexString(micros).toUpperCase(Locale.ROOT);
    return withInode("0".repeat(Math.max(0, MICROS_DIGITS - hex.length())) + hex, inode);
  }

  /** This id with the same time digits and another inode: how postsuper -s renames a file. */
  QueueId withInode(long inode) {
    return withInode(value.substring(0, MICROS_DIGITS), inode);
  }

  private static QueueId withInode(String microsHex, long inode) {
    return new QueueId(microsHex + Long.toHexString(inode).toUpperCase(Locale.ROOT));
  }

  /** The inode number the id was made from. */
  long inode() {
    return Long.parseUnsignedLong(value.substring(MICROS_DIGITS), 16);
  }

  @Override
  public String toString() {
    return value;
  }
}
