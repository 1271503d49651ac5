package org.postern.table;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Replaces a database file the way every Postern writer does: write a temporary file in the same
 * directory, give it the permissions postmap(1) gives a new database (the source file's read
 * permissions plus owner write, or 0644), rename it over the target, and sync the directory.
 */
final class AtomicFile {
  /** Writes the content into the temporary file it is given. */
  interface Writer {
    void write(Path temp) throws IOException, TableException;
  }

  private AtomicFile() {}

  static void replace(Path target, Path permissionsFrom, Writer writer) throws TableException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    try {
      temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw new TableException("create temporary file for " + target + ": " + e.getMessage(), e);
    }
    try {
      writer.write(temp);
      applyPermissions(temp, permissionsFrom);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | TableException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof TableException t) {
        throw t;
      }
      throw new TableException("write " + target + ": " + e.getMessage(), e);
    }
    try (FileChannel channel = FileChannel.open(dir)) {
      channel.force(true);
    } catch (IOException e) {
      throw new TableException("sync directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void applyPermissions(Path temp, Path source) throws IOException {
    if (!Files.getFileStore(temp).supportsFileAttributeView("posix")) {
      return;
    }
    Set<PosixFilePermission> perms =
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
    if (source != null && Files.exists(source)) {
      Set<PosixFilePermission> from = Files.getPosixFilePermissions(source);
      perms.retainAll(from);
      perms.add(PosixFilePermission.OWNER_READ);
      perms.add(PosixFilePermission.OWNER_WRITE);
    }
    Files.setPosixFilePermissions(temp, perms);
  }
}
