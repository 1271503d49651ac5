package org.postern.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The user database in {@code /etc/passwd} format ({@code name:pw:uid:gid:gecos:home:shell}),
 * read at each lookup so that accounts added while the daemon runs are seen, as getpwnam sees
 * them. NSS sources other than the file (LDAP, sssd) are not consulted.
 *
 * <p>Failure: an unreadable file is an IOException naming it; malformed lines are skipped.
 */
public final class PasswdFile implements LocalUsers {
  private final Path file;

  public PasswdFile(Path file) {
    this.file = file;
  }

  /** The system's {@code /etc/passwd}. */
  public static PasswdFile system() {
    return new PasswdFile(Path.of("/etc/passwd"));
  }

  @Override
  public Optional<LocalUser> byName(String name) throws IOException {
    return find(u -> u.name().equals(name));
  }

  @Override
  public Optional<LocalUser> byUid(int uid) throws IOException {
    return find(u -> u.uid() == uid);
  }

  private Optional<LocalUser> find(Predicate<LocalUser> match) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read user database " + file + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      Optional<LocalUser> user = parse(line).filter(match);
      if (user.isPresent()) {
        return user;
      }
    }
    return Optional.empty();
  }

  // Visible for testing
  static Optional<LocalUser> parse(String line) {
    String[] f = line.split(":", -1);
    if (f.length != 7 || f[0].isEmpty() || line.startsWith("#")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LocalUser(
          f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5]), f[6]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
