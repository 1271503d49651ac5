package org.postern.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * The tables of {@code alias_maps}, opened once at start-up and searched in order with a lower
 * case local part (aliases(5)). Each table remembers the owner of its file: commands and files in
 * its values run with that owner's rights, or with {@code default_privs} when root owns it (or it
 * has no file, as inline: tables).
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}; the caller defers the
 * recipient with "alias database unavailable", never treats it as "no alias".
 */
final class AliasMaps implements AutoCloseable {
  /** A value found: the raw alias value and the uid owning its table, empty for root. */
  record Alias(String name, String value, String table, OptionalInt ownerUid) {}

  private record Table(LookupTable table, OptionalInt ownerUid) {}

  private final List<Table> tables;

  private AliasMaps(List<Table> tables) {
    this.tables = List.copyOf(tables);
  }

  static AliasMaps open(List<String> specs, TableOpener opener) throws TableException {
    List<Table> tables = new ArrayList<>();
    try {
      for (String spec : specs) {
        tables.add(new Table(opener.open(spec), owner(spec)));
      }
    } catch (TableException | RuntimeException e) {
      tables.forEach(t -> t.table().close());
      throw e;
    }
    return new AliasMaps(tables);
  }

  /** The first table's value for {@code name}. */
  Optional<Alias> find(String name) throws TableException {
    String key = name.toLowerCase(Locale.ROOT);
    for (Table t : tables) {
      Optional<String> value = t.table().find(key);
      if (value.isPresent()) {
        return Optional.of(new Alias(key, value.get(), t.table().spec(), t.ownerUid()));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    tables.forEach(t -> t.table().close());
  }

  /** The owner of the table's file ({@code name}, or {@code name.type} for indexed types). */
  private static OptionalInt owner(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return OptionalInt.empty();
    }
    String type = spec.substring(0, colon);
    String name = spec.substring(colon + 1);
    for (String candidate : List.of(name + "." + type, name)) {
      try {
        Path p = Path.of(candidate);
        if (p.isAbsolute() && Files.isRegularFile(p)) {
          int uid = (Integer) Files.getAttribute(p, "unix:uid");
          return uid == 0 ? OptionalInt.empty() : OptionalInt.of(uid);
        }
      } catch (IOException | RuntimeException e) {
        // Not a file name (inline:{...}, a socket address): default_privs apply.
      }
    }
    return OptionalInt.empty();
  }
}
