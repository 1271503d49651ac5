package org.postern.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.postern.table.LmdbCache;
import org.postern.table.TableEntry;
import org.postern.table.TableException;

/**
 * Where verify(8) keeps its entries: {@code address_verify_map}. An lmdb: table survives
 * restarts; Postfix's default {@code btree:$data_directory/verify_cache} (and any {@code hash:}
 * or {@code btree:} name) is kept as {@code lmdb:} with the same name, in {@code NAME.lmdb}, since
 * Postern writes no Berkeley DB files. An empty value keeps the cache in memory only, as Postfix's
 * {@code internal:verify}. A {@code proxy:} prefix is dropped: the one verify service is the only
 * writer.
 *
 * <p>Failure: another table type is a {@link TableException} at start ({@code unsupported
 * dictionary type}); a read or write error of the file is a TableException for the caller.
 */
abstract sealed class VerifyCache implements AutoCloseable {

  /** Opens the cache that {@code spec} names; {@code notice} hears about a btree:/hash: mapping. */
  static VerifyCache open(String spec, Consumer<String> notice) throws TableException {
    if (spec.isEmpty()) {
      return new Memory();
    }
    String s = spec.startsWith("proxy:") ? spec.substring("proxy:".length()) : spec;
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new TableException("address_verify_map: need \"type:name\" instead of \"" + spec + "\"");
    }
    String type = s.substring(0, colon);
    String name = s.substring(colon + 1);
    switch (type) {
      case "lmdb" -> { }
      case "btree", "hash" ->
          notice.accept("address_verify_map: " + type + ":" + name + " is kept as lmdb:" + name);
      default -> throw new TableException(
          "address_verify_map: unsupported dictionary type: " + type + ": use lmdb:" + name);
    }
    Path file = Path.of(name + ".lmdb");
    try {
      // $data_directory may not exist yet on a fresh installation.
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new TableException("address_verify_map: create " + file.getParent() + ": " + e, e);
    }
    return new Lmdb(LmdbCache.open(file));
  }

  abstract Optional<String> get(String key) throws TableException;

  abstract void put(String key, String value) throws TableException;

  abstract void delete(String key) throws TableException;

  abstract List<TableEntry> entries() throws TableException;

  @Override
  public abstract void close();

  /** The lmdb: file. */
  static final class Lmdb extends VerifyCache {
    private final LmdbCache table;

    Lmdb(LmdbCache table) {
      this.table = table;
    }

    @Override
    Optional<String> get(String key) throws TableException {
      return table.get(key);
    }

    @Override
    void put(String key, String value) throws TableException {
      table.put(key, value);
    }

    @Override
    void delete(String key) throws TableException {
      table.delete(key);
    }

    @Override
    List<TableEntry> entries() throws TableException {
      return table.entries();
    }

    @Override
    public void close() {
      table.close();
    }
  }

  /** Memory only: lost at every restart. */
  static final class Memory extends VerifyCache {
    private final Map<String, String> entries = new ConcurrentSkipListMap<>();

    @Override
    Optional<String> get(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    @Override
    void put(String key, String value) {
      entries.put(key, value);
    }

    @Override
    void delete(String key) {
      entries.remove(key);
    }

    @Override
    List<TableEntry> entries() {
      return entries.entrySet().stream().map(e -> new TableEntry(e.getKey(), e.getValue())).toList();
    }

    @Override
    public void close() {
      entries.clear();
    }
  }
}
