package org.postern.cleanup;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/** A lookup table for tests: exact keys (folded to lower case), Java regexps, or failing. */
final class FakeTable implements LookupTable {
  private final String spec;
  private final MatchStyle style;
  private final Map<String, String> entries;
  private final boolean failing;

  private FakeTable(String spec, MatchStyle style, Map<String, String> entries, boolean failing) {
    this.spec = spec;
    this.style = style;
    this.entries = entries;
    this.failing = failing;
  }

  /** A hash:-like table; keys are matched case-insensitively. */
  static FakeTable fixed(String spec, Map<String, String> entries) {
    Map<String, String> m = new LinkedHashMap<>();
    entries.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    return new FakeTable(spec, MatchStyle.FIXED, m, false);
  }

  /** A regexp:-like table: patterns tried in order, case-insensitive, first match wins. */
  static FakeTable regexp(String spec, Map<String, String> patterns) {
    return new FakeTable(spec, MatchStyle.PATTERN, new LinkedHashMap<>(patterns), false);
  }

  static FakeTable failing(String spec) {
    return new FakeTable(spec, MatchStyle.PATTERN, Map.of(), true);
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
    if (failing) {
      throw new TableException(spec + ": connection refused");
    }
    if (style == MatchStyle.FIXED) {
      return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
    }
    for (Map.Entry<String, String> e : entries.entrySet()) {
      if (Pattern.compile(e.getKey(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(key).find()) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }
}
