package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class IndexedTableTest {
  @TempDir Path dir;

  private static final List<TableEntry> ENTRIES =
      List.of(
          new TableEntry("example.com", "opportunistic"),
          new TableEntry("foo", "bar baz"),
          new TableEntry("ünïcode.example", "välue"));

  @ParameterizedTest
  @EnumSource(IndexedType.class)
  void build_thenOpen_findsFoldedKeys(IndexedType type) throws Exception {
    Path source = dir.resolve("map");
    type.build(source, ENTRIES, type.defaultNulTerminated());
    try (LookupTable t = Tables.open(type.spelling() + ":" + source)) {
      assertThat(t.find("Example.COM")).contains("opportunistic");
      assertThat(t.find("foo")).contains("bar baz");
      assertThat(t.find("ÜNÏCODE.example")).contains("välue");
      assertThat(t.find("missing")).isEmpty();
      assertThat(t.entries()).containsExactlyInAnyOrderElementsOf(ENTRIES);
      assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.FIXED);
    }
  }

  @ParameterizedTest
  @EnumSource(IndexedType.class)
  void build_otherNulConvention_stillFound(IndexedType type) throws Exception {
    Path source = dir.resolve("map");
    type.build(source, ENTRIES, !type.defaultNulTerminated());
    try (LookupTable t = Tables.open(type.spelling() + ":" + source)) {
      assertThat(t.find("foo")).contains("bar baz");
      assertThat(t.entries()).containsExactlyInAnyOrderElementsOf(ENTRIES);
    }
  }

  @ParameterizedTest
  @EnumSource(IndexedType.class)
  void build_manyEntries_allFound(IndexedType type) throws Exception {
    Path source = dir.resolve("big");
    List<TableEntry> many = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      many.add(new TableEntry("key" + i + ".example", "value-" + i + "-" + "x".repeat(i % 300)));
    }
    type.build(source, many, type.defaultNulTerminated());
    try (LookupTable t = Tables.open(type.spelling() + ":" + source)) {
      for (int i = 0; i < 20_000; i += 997) {
        assertThat(t.find("key" + i + ".example")).contains(many.get(i).value());
      }
      assertThat(t.find("key20000.example")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(IndexedType.class)
  void build_replacesAtomically_withSourcePermissions(IndexedType type) throws Exception {
    Path source = dir.resolve("map");
    Files.writeString(source, "x y\n");
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r-----"));
    type.build(source, List.of(new TableEntry("a", "1")), type.defaultNulTerminated());
    type.build(source, List.of(new TableEntry("a", "2")), type.defaultNulTerminated());
    Path database = type.databaseFile(source);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database)))
        .isEqualTo("rw-r-----");
    try (LookupTable t = Tables.open(type.spelling() + ":" + source)) {
      assertThat(t.find("a")).contains("2");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("map", database.getFileName().toString());
    }
  }

  @ParameterizedTest
  @EnumSource(IndexedType.class)
  void open_notADatabase_throwsTableException(IndexedType type) throws Exception {
    Path source = dir.resolve("junk");
    Files.writeString(type.databaseFile(source), "not a database");
    assertThatThrownBy(() -> Tables.open(type.spelling() + ":" + source))
        .isInstanceOf(TableException.class)
        .hasMessageContaining(type.databaseFile(source).toString());
  }
}
