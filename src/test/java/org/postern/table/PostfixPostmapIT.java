package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables built by Debian's Postfix (packages postfix, postfix-lmdb, postfix-cdb) read by
 * Postern, and tables built by Postern read by Postfix's {@code postmap -q}.
 */
class PostfixPostmapIT {
  private static final Path POSTMAP = Path.of("/usr/sbin/postmap");
  private static final Path POSTALIAS = Path.of("/usr/sbin/postalias");
  private static final String SOURCE =
      "# transport-style map\n"
          + "Example.COM   opportunistic\n"
          + "foo bar baz\n"
          + "  continued\n"
          + "\"with space\"@example.org  quoted\n"
          + "ünïcode.example välue\n";

  @TempDir Path dir;
  private Path config;

  private record Result(int status, String out) {}

  @BeforeEach
  void postfixInstalled() throws IOException {
    assertThat(POSTMAP)
        .as("Debian's postmap; install postfix postfix-lmdb postfix-cdb")
        .isExecutable();
    config = Files.createDirectory(dir.resolve("config"));
    Files.writeString(config.resolve("main.cf"), "");
  }

  private Result postfix(Path program, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(program.toString(), "-c", config.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private Path source(String text) throws IOException {
    Path file = dir.resolve("map");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void postfixBuilt_lmdbAndCdb_readByPostern() throws Exception {
    Path file = source(SOURCE);
    assertThat(postfix(POSTMAP, "lmdb:" + file, "cdb:" + file).status()).isZero();
    for (String type : List.of("lmdb", "cdb")) {
      try (LookupTable t = Tables.open(type + ":" + file)) {
        assertThat(t.find("example.com")).as(type).contains("opportunistic");
        assertThat(t.find("FOO")).as(type).contains("bar baz  continued");
        assertThat(t.find("\"with space\"@example.org")).as(type).contains("quoted");
        assertThat(t.find("ünïcode.example")).as(type).contains("välue");
        assertThat(t.find("missing")).as(type).isEmpty();
        assertThat(t.entries()).as(type).hasSize(4).contains(new TableEntry("foo", "bar baz  continued"));
      }
    }
  }

  @Test
  void postfixBuilt_otherNulConvention_readByPostern() throws Exception {
    Path file = source(SOURCE);
    assertThat(postfix(POSTMAP, "-n", "lmdb:" + file).status()).isZero();
    assertThat(postfix(POSTMAP, "-N", "cdb:" + file).status()).isZero();
    for (String type : List.of("lmdb", "cdb")) {
      try (LookupTable t = Tables.open(type + ":" + file)) {
        assertThat(t.find("Example.com")).as(type).contains("opportunistic");
      }
    }
  }

  @Test
  void posternBuilt_lmdbAndCdb_readByPostfixPostmap() throws Exception {
    Path file = source(SOURCE);
    List<TableEntry> entries = PostmapSource.read(file, w -> {});
    for (IndexedType type : IndexedType.values()) {
      type.build(file, entries, type.defaultNulTerminated());
      String spec = type.spelling() + ":" + file;
      assertThat(postfix(POSTMAP, "-q", "EXAMPLE.com", spec)).isEqualTo(new Result(0, "opportunistic\n"));
      assertThat(postfix(POSTMAP, "-q", "ünïcode.example", spec)).isEqualTo(new Result(0, "välue\n"));
      assertThat(postfix(POSTMAP, "-q", "missing", spec).status()).isEqualTo(1);
    }
    assertThat(postfix(POSTMAP, "-s", "lmdb:" + file).out())
        .contains("example.com\topportunistic\n", "foo\tbar baz  continued\n");
  }

  @Test
  void posternBuiltCdb_isByteIdenticalToPostfix() throws Exception {
    Path file = source(SOURCE);
    IndexedType.CDB.build(file, PostmapSource.read(file, w -> {}), false);
    byte[] ours = Files.readAllBytes(dir.resolve("map.cdb"));
    assertThat(postfix(POSTMAP, "cdb:" + file).status()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("map.cdb"))).isEqualTo(ours);
  }

  @Test
  void aliases_builtByEither_readByTheOther() throws Exception {
    Path file = source("Postmaster: root\n\"Quoted Name\": a,b,\n\tc\nlist: :include:/etc/list\n");
    assertThat(postfix(POSTALIAS, "lmdb:" + file).status()).isZero();
    try (LookupTable t = Tables.open("lmdb:" + file)) {
      assertThat(t.find("quoted name")).contains("a, b, c");
      assertThat(t.find("@")).contains("@");
    }
    IndexedType.CDB.build(file, AliasSource.read(file, w -> {}), false);
    assertThat(postfix(POSTALIAS, "-q", "Quoted Name", "cdb:" + file))
        .isEqualTo(new Result(0, "a, b, c\n"));
    assertThat(postfix(POSTALIAS, "-q", "list", "cdb:" + file))
        .isEqualTo(new Result(0, ":include:/etc/list\n"));
  }
}
