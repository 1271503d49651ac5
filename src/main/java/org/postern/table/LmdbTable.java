package org.postern.table;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * {@code lmdb:/path/file}: reads {@code /path/file.lmdb}, an OpenLDAP LMDB environment in one
 * file ({@code MDB_NOSUBDIR}) with the unnamed database, as Postfix's postmap writes it. Postfix
 * stores keys (folded to lower case) and values with a terminating NUL by default; lookups try
 * the key with the NUL and then without, and a trailing NUL is removed from values, so files
 * built with {@code postmap -n} read as well.
 *
 * <p>The environment is opened read-only without LMDB's lock file ({@code MDB_NOLOCK}), as
 * Postfix opens it, so that reading needs no write access to the directory. Postern's writer
 * replaces the file by rename, so an open reader keeps a consistent (old) view; a file that
 * Postfix's postmap rewrites in place is guarded only by Postfix's own flock, which this reader
 * does not take.
 *
 * <p>Failure: a missing or unreadable file, or any LMDB error, is a {@link TableException}
 * naming the file.
 */
final class LmdbTable extends TableBase {
  private final Path file;
  private final Env<byte[]> env;
  private final Dbi<byte[]> db;

  LmdbTable(String spec, Path file) throws TableException {
    super(spec, MatchStyle.FIXED);
    this.file = file;
    if (!Files.isRegularFile(file)) {
      throw new TableException("open database " + file + ": No such file or directory");
    }
    try {
      this.env =
          Env.create(ByteArrayProxy.PROXY_BA)
              .setMaxDbs(1)
              .open(
                  file.toFile(),
                  EnvFlags.MDB_NOSUBDIR,
                  EnvFlags.MDB_RDONLY_ENV,
                  EnvFlags.MDB_NOLOCK,
                  EnvFlags.MDB_NOTLS);
      this.db = env.openDbi((byte[]) null);
    } catch (LmdbException e) {
      throw new TableException("open database " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String folded = MapTable.fold(key);
    try (Txn<byte[]> txn = env.txnRead()) {
      byte[] value = db.get(txn, Nul.bytes(folded, true));
      if (value == null) {
        value = db.get(txn, folded.getBytes(StandardCharsets.UTF_8));
      }
      return value == null ? Optional.empty() : Optional.of(Nul.strip(value));
    } catch (LmdbException e) {
      throw failure("lookup in " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<TableEntry> entries() throws TableException {
    List<TableEntry> entries = new ArrayList<>();
    try (Txn<byte[]> txn = env.txnRead();
        CursorIterable<byte[]> all = db.iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> kv : all) {
        entries.add(new TableEntry(Nul.strip(kv.key()), Nul.strip(kv.val())));
      }
    } catch (LmdbException e) {
      throw failure("read " + file + ": " + e.getMessage(), e);
    }
    return entries;
  }

  @Override
  public void close() {
    env.close();
  }
}
