package org.postern.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/** A lookup table for tests that answers from a function and records every key it was asked. */
final class FakeTable implements LookupTable {
  private final String spec;
  private final MatchStyle style;
  private final Function<String, Optional<String>> answers;
  private final String failure;
  private final List<String> queries = new ArrayList<>();
  private boolean closed;

  private FakeTable(
      String spec, MatchStyle style, Function<String, Optional<String>> answers, String failure) {
    this.spec = spec;
    this.style = style;
    this.answers = answers;
    this.failure = failure;
  }

  /**
   * An exact-match table (inline:, lmdb: ...) holding {@code entries} with lower-case keys; the
   * key asked is folded to lower case, as Postfix's fixed tables fold it.
   */
  static FakeTable fixed(String spec, Map<String, String> entries) {
    return new FakeTable(
        spec,
        MatchStyle.FIXED,
        key -> Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT))),
        null);
  }

  /** A pattern table (cidr:, regexp: ...) that answers from {@code answers}. */
  static FakeTable pattern(String spec, Function<String, Optional<String>> answers) {
    return new FakeTable(spec, MatchStyle.PATTERN, answers, null);
  }

  /** A table whose every lookup fails, as a remote table that does not answer. */
  static FakeTable failing(String spec, MatchStyle style) {
    return new FakeTable(spec, style, key -> Optional.empty(), "connection refused");
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public MatchStyle matchStyle() {
    return style;
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    queries.add(key);
    if (failure != null) {
      throw new TableException(spec + ": " + failure);
    }
    return answers.apply(key);
  }

  @Override
  public void close() {
    closed = true;
  }

  List<String> queries() {
    return List.copyOf(queries);
  }

  boolean closed() {
    return closed;
  }
}
