package org.postern.table;

/**
 * What every table type shares: the {@code type:name} it was opened as and how its keys are
 * matched, fixed by the type when the table is opened. Each type then states only its lookups.
 */
abstract sealed class TableBase implements LookupTable
    permits CdbTable,
        CidrTable,
        LmdbTable,
        MapTable,
        MemcacheTable,
        RegexpTable,
        SocketmapTable,
        StaticTable,
        TcpTable {
  private final String spec;
  private final MatchStyle matchStyle;

  TableBase(String spec, MatchStyle matchStyle) {
    this.spec = spec;
    this.matchStyle = matchStyle;
  }

  @Override
  public final String spec() {
    return spec;
  }

  @Override
  public final MatchStyle matchStyle() {
    return matchStyle;
  }

  /** {@code table type:name}, how every error about this table starts. */
  final String label() {
    return "table " + spec;
  }

  final TableException failure(String detail) {
    return new TableException(label() + ": " + detail);
  }

  final TableException failure(String detail, Throwable cause) {
    return new TableException(label() + ": " + detail, cause);
  }
}
