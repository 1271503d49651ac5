package org.postern.table;

import java.util.Optional;
import org.postern.util.ParameterList;

/** {@code static:value} or {@code static:{ value with spaces }}: the same answer for every key. */
final class StaticTable extends TableBase {
  private final String value;

  StaticTable(String spec, String name) throws TableException {
    super(spec, MatchStyle.FIXED);
    try {
      this.value = ParameterList.stripBraces(name);
    } catch (IllegalArgumentException e) {
      throw failure(e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> find(String key) {
    return Optional.of(value);
  }
}
