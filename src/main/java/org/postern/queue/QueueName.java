package org.postern.queue;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.util.Spellings;

/**
 * The directories under {@code queue_directory}, with Postfix's names. Message queues hold queue
 * files named by queue id; log queues hold per-message delivery logs named the same way; the rest
 * hold sockets ({@code public}, {@code private}), saved copies or files being written ({@code
 * tmp}, Postern's own: a queue file is written there and renamed into a queue when complete).
 *
 * <p>Modes are Postfix's, except where a JVM cannot be setgid: there is no postdrop group, so
 * maildrop is Postfix's world-writable sticky configuration ({@code 1733}, plus the setgid bit so
 * that files dropped there belong to the daemon's group, see docs/local-submission.md) and public
 * is searchable by everyone ({@code 0711}) so that any user can wake pickup.
 */
public enum QueueName {
  MAILDROP("maildrop", Kind.MESSAGE, 03733),
  INCOMING("incoming", Kind.MESSAGE, 0700),
  ACTIVE("active", Kind.MESSAGE, 0700),
  DEFERRED("deferred", Kind.MESSAGE, 0700),
  HOLD("hold", Kind.MESSAGE, 0700),
  CORRUPT("corrupt", Kind.OTHER, 0700),
  SAVED("saved", Kind.OTHER, 0700),
  BOUNCE("bounce", Kind.LOG, 0700),
  DEFER("defer", Kind.LOG, 0700),
  TRACE("trace", Kind.LOG, 0700),
  PUBLIC("public", Kind.OTHER, 0711),
  PRIVATE("private", Kind.OTHER, 0700),
  TMP("tmp", Kind.OTHER, 0700);

  /** What a directory holds. */
  enum Kind {
    MESSAGE,
    LOG,
    OTHER
  }

  private final String directoryName;
  private final Kind kind;
  private static final int PERMISSION_BITS = 0777;

  private final int mode;

  QueueName(String directoryName, Kind kind, int mode) {
    this.directoryName = directoryName;
    this.kind = kind;
    this.mode = mode;
  }

  /** The directory name, as Postfix spells it. */
  public String directoryName() {
    return directoryName;
  }

  /** True for maildrop, incoming, active, deferred and hold: directories of queue files. */
  public boolean holdsMessages() {
    return kind == Kind.MESSAGE;
  }

  /** True for bounce, defer and trace: per-message logs named by queue id. */
  public boolean holdsLogs() {
    return kind == Kind.LOG;
  }

  /** The directory's mode with its set-id and sticky bits, as chmod takes it. */
  public int mode() {
    return mode;
  }

  /** The mode in octal, as ls and chmod spell it: {@code 3733}. */
  public static String octal(int mode) {
    return String.format(Locale.ROOT, "%04o", mode);
  }

  /** The read/write/execute part of the mode, for file systems without set-id and sticky bits. */
  Set<PosixFilePermission> permissions() {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ first, OTHERS_EXECUTE last
    for (int bit = 0; bit < all.length; bit++) {
      if ((mode & PERMISSION_BITS & (0400 >> bit)) != 0) {
        set.add(all[bit]);
      }
    }
    return set;
  }

  /** The queue with directory name {@code name}, if any. */
  public static Optional<QueueName> byName(String name) {
    return Spellings.find(values(), q -> q.directoryName, name);
  }

  @Override
  public String toString() {
    return directoryName;
  }
}
