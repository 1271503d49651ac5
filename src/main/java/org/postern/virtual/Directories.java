package org.postern.virtual;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Mailbox directories created on the fly, as Postfix's {@code make_dirs()} creates them for the
 * recipient: every missing component mode 0700 and owned by the mailbox owner.
 */
final class Directories {
  private static final String MODE = "rwx------";

  private Directories() {}

  /** Creates {@code dir} and its missing parents, each handed to {@code owner}. */
  static void create(Path dir, MailboxOwner owner) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      create(parent, owner);
    }
    try {
      Files.createDirectory(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(MODE)));
      owner.takeOver(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Forces {@code dir}'s entries to disk, so a rename or link survives a crash. */
  static void sync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
