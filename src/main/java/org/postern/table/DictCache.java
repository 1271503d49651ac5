package org.postern.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A daemon's own cache table, Postfix's {@code dict_cache}: {@code address_verify_map} of
 * verify(8), {@code postscreen_cache_map} of postscreen(8). An lmdb: table survives restarts;
 * Postfix's defaults ({@code btree:$data_directory/verify_cache}, {@code
 * btree:$data_directory/postscreen_cache}) and any {@code hash:} or {@code btree:} name are kept
 * as {@code lmdb:} with the same name, in {@code NAME.lmdb} ({@link LmdbCache}), since Postern
 * writes no Berkeley DB files. A {@code proxy:} prefix is dropped: the one daemon is the only
 * writer. {@link Memory} keeps entries for the life of the process only (verify's {@code
 * internal:verify}). A {@code memcache:} table ({@link Memcache}) is a cache that several
 * instances share.
 *
 * <p>A {@link #cleanup} run asks a validator about every entry, deletes those it rejects and
 * logs Postfix's statistics line {@code cache NAME full cleanup: retained=N dropped=M entries}.
 * The time stamp a table written by Postfix keeps under {@code _LAST_CACHE_CLEANUP_COMPLETED_}
 * is left alone, as Postfix hides it.
 *
 * <p>Failure: another table type is a {@link TableException} at start ({@code unsupported
 * dictionary type}); a read or write error of the file, or a memcached that does not answer,
 * is a TableException for the caller.
 */
public abstract sealed class DictCache implements AutoCloseable {
  // Where Postfix's dict_cache records when its last cleanup run completed: no cache entry.
  private static final String LAST_CLEANUP = "_LAST_CACHE_CLEANUP_COMPLETED_";

  /**
   * Opens the cache that {@code spec} (the value of the parameter {@code parameter}) names; an
   * empty spec is a {@link Memory} cache. {@code notice} hears about a btree:/hash: mapping.
   */
  public static DictCache open(String parameter, String spec, Consumer<String> notice)
      throws TableException {
    if (spec.isEmpty()) {
      return new Memory();
    }
    String s = spec.startsWith("proxy:") ? spec.substring("proxy:".length()) : spec;
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new TableException(parameter + ": need \"type:name\" instead of \"" + spec + "\"");
    }
    String type = s.substring(0, colon);
    String name = s.substring(colon + 1);
    switch (type) {
      case "memcache" -> {
        return Memcache.open(parameter, s, name, notice);
      }
      case "lmdb" -> { }
      case "btree", "hash" ->
          notice.accept(parameter + ": " + type + ":" + name + " is kept as lmdb:" + name);
      default -> throw new TableException(parameter + ": unsupported dictionary type: " + type
          + ": use lmdb:" + name + " or memcache:/path/to/file.cf");
    }
    Path file = Path.of(name + ".lmdb");
    try {
      // $data_directory may not exist yet on a fresh installation.
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new TableException(parameter + ": create " + file.getParent() + ": " + e, e);
    }
    return new Lmdb(LmdbCache.open(file));
  }

  public abstract Optional<String> get(String key) throws TableException;

  public abstract void put(String key, String value) throws TableException;

  public abstract void delete(String key) throws TableException;

  public abstract List<TableEntry> entries() throws TableException;

  /**
   * One full cleanup run: deletes every entry {@code retain} rejects, then logs Postfix's line
   * for the cache {@code name} to {@code info}. The caller keeps writers out during the run when
   * an entry updated meanwhile must not be judged by its old value.
   */
  public void cleanup(String name, Predicate<TableEntry> retain, Consumer<String> info)
      throws TableException {
    int retained = 0;
    int dropped = 0;
    for (TableEntry e : entries()) {
      if (e.key().equals(LAST_CLEANUP)) {
        continue;
      }
      if (retain.test(e)) {
        retained++;
      } else {
        delete(e.key());
        dropped++;
      }
    }
    info.accept("cache " + name + " full cleanup: retained=" + retained + " dropped=" + dropped
        + " entries");
  }

  @Override
  public abstract void close();

  /** The lmdb: file. */
  public static final class Lmdb extends DictCache {
    private final LmdbCache table;

    Lmdb(LmdbCache table) {
      this.table = table;
    }

    @Override
    public Optional<String> get(String key) throws TableException {
      return table.get(key);
    }

    @Override
    public void put(String key, String value) throws TableException {
      table.put(key, value);
    }

    @Override
    public void delete(String key) throws TableException {
      table.delete(key);
    }

    @Override
    public List<TableEntry> entries() throws TableException {
      return table.entries();
    }

    @Override
    public void close() {
      table.close();
    }
  }

  /**
   * A memcache: table (memcache_table(5)) that several instances share, with its optional
   * {@code backup} cache behind it: reads miss through to the backup and refill memcached,
   * writes go to both. Cleanup runs walk the backup; without one they find nothing, with
   * Postfix's warning, since memcached cannot list its keys and its {@code ttl} expires entries.
   */
  public static final class Memcache extends DictCache {
    private final MemcacheTable table;
    private final Optional<DictCache> backup;
    private final Consumer<String> notice;

    private Memcache(MemcacheTable table, Optional<DictCache> backup, Consumer<String> notice) {
      this.table = table;
      this.backup = backup;
      this.notice = notice;
    }

    static Memcache open(String parameter, String spec, String name, Consumer<String> notice)
        throws TableException {
      MemcacheTable table = MemcacheTable.open(spec, name, false, notice);
      try {
        Optional<DictCache> backup = table.backupSpec().isEmpty() ? Optional.empty()
            : Optional.of(DictCache.open(parameter, table.backupSpec().get(), notice));
        return new Memcache(table, backup, notice);
      } catch (TableException e) {
        table.close();
        throw e;
      }
    }

    @Override
    public Optional<String> get(String key) throws TableException {
      Optional<String> value = table.get(key);
      if (value.isPresent() || backup.isEmpty()) {
        return value;
      }
      Optional<String> saved = backup.get().get(key);
      if (saved.isPresent()) {
        table.put(key, saved.get());
      }
      return saved;
    }

    @Override
    public void put(String key, String value) throws TableException {
      table.put(key, value);
      if (backup.isPresent()) {
        backup.get().put(key, value);
      }
    }

    @Override
    public void delete(String key) throws TableException {
      table.delete(key);
      if (backup.isPresent()) {
        backup.get().delete(key);
      }
    }

    @Override
    public List<TableEntry> entries() throws TableException {
      if (backup.isEmpty()) {
        notice.accept("warning: database " + table.spec()
            + ": first/next support requires backup database");
        return List.of();
      }
      return backup.get().entries();
    }

    @Override
    public void close() {
      table.close();
      backup.ifPresent(DictCache::close);
    }
  }

  /** Memory only: lost at every restart. */
  public static final class Memory extends DictCache {
    private final Map<String, String> entries = new ConcurrentSkipListMap<>();

    @Override
    public Optional<String> get(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    @Override
    public void put(String key, String value) {
      entries.put(key, value);
    }

    @Override
    public void delete(String key) {
      entries.remove(key);
    }

    @Override
    public List<TableEntry> entries() {
      return entries.entrySet().stream().map(e -> new TableEntry(e.getKey(), e.getValue())).toList();
    }

    @Override
    public void close() {
      entries.clear();
    }
  }
}
