package org.postern.queue;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The directories under {@code queue_directory}, with Postfix's names. Message queues hold queue
 * files named by queue id; log queues hold per-message delivery logs named the same way; the rest
 * hold sockets ({@code public}, {@code private}), saved copies or files being written ({@code
 * tmp}, Postern's own: a queue file is written there and renamed into a queue when complete).
 */
public enum QueueName {
  MAILDROP("maildrop", Kind.MESSAGE, "rwx-wx---"),
  INCOMING("incoming", Kind.MESSAGE, "rwx------"),
  ACTIVE("active", Kind.MESSAGE, "rwx------"),
  DEFERRED("deferred", Kind.MESSAGE, "rwx------"),
  HOLD("hold", Kind.MESSAGE, "rwx------"),
  CORRUPT("corrupt", Kind.OTHER, "rwx------"),
  SAVED("saved", Kind.OTHER, "rwx------"),
  BOUNCE("bounce", Kind.LOG, "rwx------"),
  DEFER("defer", Kind.LOG, "rwx------"),
  TRACE("trace", Kind.LOG, "rwx------"),
  PUBLIC("public", Kind.OTHER, "rwx--x---"),
  PRIVATE("private", Kind.OTHER, "rwx------"),
  TMP("tmp", Kind.OTHER, "rwx------");

  /** What a directory holds. */
  enum Kind {
    MESSAGE,
    LOG,
    OTHER
  }

  private final String directoryName;
  private final Kind kind;
  private final Set<PosixFilePermission> permissions;

  QueueName(String directoryName, Kind kind, String permissions) {
    this.directoryName = directoryName;
    this.kind = kind;
    this.permissions = PosixFilePermissions.fromString(permissions);
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

  Set<PosixFilePermission> permissions() {
    return permissions;
  }

  /** The queue with directory name {@code name}, if any. */
  public static Optional<QueueName> byName(String name) {
    for (QueueName q : values()) {
      if (q.directoryName.equals(name)) {
        return Optional.of(q);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return directoryName;
  }
}
