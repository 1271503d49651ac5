package org.postern.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A read-write lmdb: file that a daemon keeps as its own persistent cache, Postfix's {@code
 * dict_cache} over a writable table ({@code address_verify_map}): get, put and delete single
 * entries, each put forced to disk before it returns (Postfix's DICT_FLAG_SYNC_UPDATE). Keys
 * and values carry the terminating NUL Postfix's lmdb: tables use. The file ({@code NAME.lmdb},
 * with its {@code NAME.lmdb-lock}) is created when missing; the map starts at Postfix's {@code
 * lmdb_map_size} of 16 MB and doubles when full.
 *
 * <p>Failure: an LMDB error (a damaged file, no space) is a {@link TableException} naming the
 * file; the caller decides what an unanswered lookup means.
 */
public final class LmdbCache implements AutoCloseable {
  private static final long INITIAL_MAP_SIZE = 16L << 20;
  private static final long MAXIMUM_MAP_SIZE = 1L << 40;

  private final Path file;
  private final Env<byte[]> env;
  private final Dbi<byte[]> db;
  // lmdb ties a write transaction to the OS thread that began it: one caller at a time.
  private final ReentrantLock lock = new ReentrantLock();
  private long mapSize;

  private LmdbCache(Path file, Env<byte[]> env, Dbi<byte[]> db, long mapSize) {
    this.file = file;
    this.env = env;
    this.db = db;
    this.mapSize = mapSize;
  }

  /** Opens (or creates) the cache file {@code file}, which is {@code NAME.lmdb}. */
  public static LmdbCache open(Path file) throws TableException {
    try {
      long size = Math.max(INITIAL_MAP_SIZE, file.toFile().length());
      Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA)
          .setMapSize(size)
          .setMaxDbs(1)
          .setMaxReaders(126)
          .open(file.toFile(), EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOTLS);
      Dbi<byte[]> db = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
      return new LmdbCache(file, env, db, size);
    } catch (LmdbException e) {
      throw new TableException("open " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file this cache lives in. */
  public Path file() {
    return file;
  }

  /** The value of {@code key}, if any. */
  public Optional<String> get(String key) throws TableException {
    lock.lock();
    try (Txn<byte[]> txn = env.txnRead()) {
      byte[] v = db.get(txn, Nul.bytes(key, true));
      return v == null ? Optional.empty() : Optional.of(Nul.strip(v));
    } catch (LmdbException e) {
      throw new TableException("read " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Sets {@code key} to {@code value}, replacing what was there, and syncs the file. */
  public void put(String key, String value) throws TableException {
    write(txn -> db.put(txn, Nul.bytes(key, true), Nul.bytes(value, true)));
  }

  /** Removes {@code key}, if present, and syncs the file. */
  public void delete(String key) throws TableException {
    write(txn -> db.delete(txn, Nul.bytes(key, true)));
  }

  /** Every entry, in key order: for cleanup runs that expire old entries. */
  public List<TableEntry> entries() throws TableException {
    lock.lock();
    try (Txn<byte[]> txn = env.txnRead();
        CursorIterable<byte[]> all = db.iterate(txn, KeyRange.all())) {
      List<TableEntry> out = new ArrayList<>();
      for (CursorIterable.KeyVal<byte[]> kv : all) {
        out.add(new TableEntry(Nul.strip(kv.key()), Nul.strip(kv.val())));
      }
      return out;
    } catch (LmdbException e) {
      throw new TableException("read " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private interface Change {
    void apply(Txn<byte[]> txn);
  }

  private void write(Change change) throws TableException {
    lock.lock();
    try {
      while (true) {
        try (Txn<byte[]> txn = env.txnWrite()) {
          change.apply(txn);
          txn.commit();
          env.sync(true);
          return;
        } catch (Env.MapFullException e) {
          if (mapSize >= MAXIMUM_MAP_SIZE) {
            throw new TableException("write " + file + ": table too large", e);
          }
          mapSize *= 2;
          env.setMapSize(mapSize);
        }
      }
    } catch (LmdbException e) {
      throw new TableException("write " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      env.close();
    } finally {
      lock.unlock();
    }
  }
}
