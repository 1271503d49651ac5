package org.postern.table;

import java.util.List;
import java.util.Optional;

/**
 * One lookup table, opened by {@code type:name} (Postfix's {@code DICT}).
 *
 * <p>A lookup has three outcomes, kept apart as Postfix keeps them apart: a value, "not found"
 * ({@link Optional#empty()}), or an error ({@link TableException}: a remote table that did not
 * answer, a file that went bad). Callers that enforce security treat an error as a reason to
 * defer, never as "not found".
 */
public interface LookupTable extends AutoCloseable {

  /** How keys are matched; decides whether parent domains are queried (REQUIRETLS.md §2). */
  enum MatchStyle {
    /** Fixed strings: inline:, static:, texthash:, lmdb:, cdb: (Postfix DICT_FLAG_FIXED). */
    FIXED,
    /** Patterns or remote servers: cidr:, regexp:, pcre:, socketmap:, tcp: (DICT_FLAG_PATTERN). */
    PATTERN
  }

  /** The table as the operator wrote it, {@code type:name}, for logging and diagnostics. */
  String spec();

  MatchStyle matchStyle();

  /** Looks {@code key} up; keys are case-folded as the table type requires. */
  Optional<String> find(String key) throws TableException;

  /**
   * Every entry in database order, for {@code postmap -s}. Pattern and remote tables cannot list
   * themselves, as in Postfix.
   */
  default List<TableEntry> entries() throws TableException {
    throw new TableException("table " + spec() + ": sequence operation is not supported");
  }

  @Override
  default void close() {}
}
