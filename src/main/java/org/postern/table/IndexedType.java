package org.postern.table;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.postern.util.Spellings;

/**
 * The table types that postmap(1) and postalias(1) build from a source file, with the file name
 * suffix and the NUL convention Postfix uses for each: lmdb: stores keys and values with a
 * terminating NUL, cdb: without.
 */
public enum IndexedType {
  LMDB("lmdb", ".lmdb", true),
  CDB("cdb", ".cdb", false);

  private final String spelling;
  private final String suffix;
  private final boolean nulTerminated;

  IndexedType(String spelling, String suffix, boolean nulTerminated) {
    this.spelling = spelling;
    this.suffix = suffix;
    this.nulTerminated = nulTerminated;
  }

  /** The type named {@code spelling} ("lmdb", "cdb"), if it is one postmap can build. */
  public static Optional<IndexedType> of(String spelling) {
    return Spellings.find(values(), t -> t.spelling, spelling);
  }

  /** The type's name as in {@code type:name}. */
  public String spelling() {
    return spelling;
  }

  /** {@code /path/file} becomes {@code /path/file.lmdb} (or {@code .cdb}). */
  public Path databaseFile(Path source) {
    return Path.of(source + suffix);
  }

  /** Whether Postfix terminates keys and values with NUL for this type when not told (-N/-n). */
  public boolean defaultNulTerminated() {
    return nulTerminated;
  }

  /**
   * Builds the database for {@code source} from {@code entries} (keys already folded), replacing
   * any previous one atomically; the new file takes the source file's read permissions.
   */
  public void build(Path source, List<TableEntry> entries, boolean nulTerminated)
      throws TableException {
    Path database = databaseFile(source);
    AtomicFile.replace(
        database,
        source,
        temp -> {
          switch (this) {
            case LMDB -> LmdbWriter.write(temp, entries, nulTerminated, database);
            case CDB -> CdbWriter.write(temp, entries, nulTerminated, database);
          }
        });
  }

  LookupTable open(String spec, Path source) throws TableException {
    Path database = databaseFile(source);
    return switch (this) {
      case LMDB -> new LmdbTable(spec, database);
      case CDB -> new CdbTable(spec, database);
    };
  }
}
