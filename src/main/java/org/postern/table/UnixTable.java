package org.postern.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code unix:passwd.byname}: the system's user accounts, as Postfix's {@code getpwnam()} table
 * answers for {@code local_recipient_maps}. The key is a user name (folded to lower case, as for
 * every fixed-string table); the value is the account's {@code /etc/passwd} line. The file is read
 * at each lookup, so accounts added later are found without a reload, as {@code getpwnam()} would.
 *
 * <p>Failure: another map name than {@code passwd.byname} is refused when the table is opened; an
 * unreadable passwd file is a {@link TableException} at lookup, which callers turn into a
 * temporary failure.
 */
public final class UnixTable implements LookupTable {
  static final String PASSWD_BYNAME = "passwd.byname";

  private final String spec;
  private final Path passwd;

  /** The table over {@code passwd}, normally {@code /etc/passwd}. */
  UnixTable(String spec, Path passwd) {
    this.spec = spec;
    this.passwd = passwd;
  }

  static UnixTable open(String spec, String name) throws TableException {
    if (!name.equals(PASSWD_BYNAME)) {
      throw new TableException("table " + spec + ": unknown table: unix:" + name);
    }
    return new UnixTable(spec, Path.of("/etc/passwd"));
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public MatchStyle matchStyle() {
    return MatchStyle.FIXED;
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String user = key.toLowerCase(Locale.ROOT);
    if (user.isEmpty() || user.indexOf(':') >= 0) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
        if (line.startsWith(user + ":")) {
          return Optional.of(line);
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      throw new TableException("table " + spec + ": " + passwd + ": no such file", e);
    } catch (IOException e) {
      throw new TableException("table " + spec + ": " + passwd + ": " + e.getMessage(), e);
    }
  }
}
