package org.postern.table;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Writes an lmdb: table file that Postfix reads: one-file environment, unnamed database, keys
 * and values with a terminating NUL unless told otherwise. The map starts at Postfix's default
 * {@code lmdb_map_size} (16 MB) and doubles when the entries do not fit. It builds the temporary
 * file that {@link AtomicFile} renames over the target.
 *
 * <p>Failure: any LMDB or I/O error is a {@link TableException} naming the file.
 */
final class LmdbWriter {
  private static final long INITIAL_MAP_SIZE = 16L << 20;
  private static final long MAXIMUM_MAP_SIZE = 1L << 40;

  private LmdbWriter() {}

  /** Writes the table into {@code temp}; {@code database} names the target in errors. */
  static void write(Path temp, List<TableEntry> entries, boolean nulTerminated, Path database)
      throws IOException, TableException {
    for (long size = INITIAL_MAP_SIZE; ; size *= 2) {
      try {
        fill(temp, size, entries, nulTerminated);
        return;
      } catch (Env.MapFullException e) {
        if (size >= MAXIMUM_MAP_SIZE) {
          throw new TableException("write " + database + ": table too large", e);
        }
        truncate(temp);
      } catch (LmdbException e) {
        throw new TableException("write " + database + ": " + e.getMessage(), e);
      }
    }
  }

  private static void fill(Path file, long mapSize, List<TableEntry> entries, boolean nul) {
    try (Env<byte[]> env =
        Env.create(ByteArrayProxy.PROXY_BA)
            .setMapSize(mapSize)
            .setMaxDbs(1)
            .open(file.toFile(), EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS)) {
      Dbi<byte[]> db = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
      try (Txn<byte[]> txn = env.txnWrite()) {
        for (TableEntry e : entries) {
          db.put(txn, Nul.bytes(e.key(), nul), Nul.bytes(e.value(), nul));
        }
        txn.commit();
      }
      env.sync(true);
    }
  }

  private static void truncate(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
  }
}
