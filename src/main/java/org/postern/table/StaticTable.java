package org.postern.table;

import java.util.Optional;
import org.postern.util.ParameterList;

/** {@code static:value} or {@code static:{ value with spaces }}: the same answer for every key. */
final class StaticTable implements LookupTable {
  private final String spec;
  private final String value;

  StaticTable(String spec, String name) throws TableException {
    this.spec = spec;
    try {
      this.value = ParameterList.stripBraces(name);
    } catch (IllegalArgumentException e) {
      throw new TableException("table " + spec + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public MatchStyle matchStyle() {
    return MatchStyle.FIXED;
  }

  @Override
  public Optional<String> find(String key) {
    return Optional.of(value);
  }
}
