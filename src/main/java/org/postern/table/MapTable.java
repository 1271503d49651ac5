package org.postern.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A fixed-string table held in memory: {@code inline:} and {@code texthash:}. Keys are folded to
 * lower case when the table is built and when it is queried, as Postfix folds keys of
 * fixed-string tables.
 */
final class MapTable extends TableBase {
  private final Map<String, String> entries;

  private MapTable(String spec, Map<String, String> entries) {
    super(spec, MatchStyle.FIXED);
    this.entries = entries;
  }

  /** {@code inline:{ key=value, { key = value with spaces } }}. */
  static MapTable inline(String spec, String name) throws TableException {
    Map<String, String> entries = new LinkedHashMap<>();
    for (SourceText.Line line : SourceText.inline(name).lines()) {
      int eq = line.text().indexOf('=');
      if (eq < 0) {
        throw new TableException(
            "missing '=' after attribute name: \"" + spec + "\"; need \"inline:{name=value...}\"");
      }
      String key = fold(line.text().substring(0, eq).strip());
      entries.putIfAbsent(key, line.text().substring(eq + 1).strip());
    }
    return new MapTable(spec, entries);
  }

  /** {@code texthash:/file}, a postmap(1) source file read into memory. */
  static MapTable texthash(String spec, String name, Consumer<String> warnings)
      throws TableException {
    Map<String, String> entries = new LinkedHashMap<>();
    for (TableEntry e : PostmapSource.parse(SourceText.of(name), warnings)) {
      entries.put(e.key(), e.value());
    }
    return new MapTable(spec, entries);
  }

  static String fold(String key) {
    return key.toLowerCase(Locale.ROOT);
  }

  @Override
  public Optional<String> find(String key) {
    return Optional.ofNullable(entries.get(fold(key)));
  }

  @Override
  public List<TableEntry> entries() {
    List<TableEntry> list = new ArrayList<>();
    entries.forEach((k, v) -> list.add(new TableEntry(k, v)));
    return list;
  }
}
