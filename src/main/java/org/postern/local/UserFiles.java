package org.postern.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads .forward and {@code :include:} files with the rights of the user they belong to, so that
 * a link to a file the user could not read reveals nothing: when the JVM runs as root, through
 * {@code cat} started as the user. Files are limited to 1 MB.
 *
 * <p>Failure: a file that does not exist is empty; one that cannot be read is an IOException
 * naming the file and the user.
 */
final class UserFiles {
  private static final int LIMIT = 1 << 20;

  private final Privileges privileges;

  UserFiles(Privileges privileges) {
    this.privileges = privileges;
  }

  Optional<String> read(Path file, LocalUser user) throws IOException, InterruptedException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (!privileges.switchesUser()) {
      try {
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }
    ProcessBuilder pb = new ProcessBuilder(privileges.argv(user, List.of("cat", "--", file.toString())));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(new LimitedStream(out));
    }
    if (p.waitFor() != 0) {
      throw new IOException("cannot read " + file + " as user " + user.name());
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }

  /** The uid owning {@code file} itself (a symbolic link is not followed). */
  static int owner(Path file) throws IOException {
    return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static final class LimitedStream extends java.io.OutputStream {
    private final ByteArrayOutputStream out;

    LimitedStream(ByteArrayOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (out.size() + len > LIMIT) {
        throw new IOException("file is larger than " + LIMIT + " bytes");
      }
      out.write(b, off, len);
    }
  }
}
