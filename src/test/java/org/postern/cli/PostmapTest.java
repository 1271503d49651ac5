package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmapTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private TableCommand.Io io(String stdin) {
    return new TableCommand.Io(
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void query_inlineAndCidr_printsValueExit0() {
    assertThat(
            Postmap.run(
                List.of("-q", "example.com", "inline:{ {example.com = opportunistic} }"),
                "lmdb",
                io("")))
        .isZero();
    assertThat(Postmap.run(List.of("-q", "10.1.2.3", "cidr:{ {10.0.0.0/8 enforce} }"), "lmdb", io("")))
        .isZero();
    assertThat(out()).isEqualTo("opportunistic\nenforce\n");
  }

  @Test
  void query_notFound_exit1NoOutput() {
    assertThat(Postmap.run(List.of("-q", "other", "inline:{ a=b }"), "lmdb", io(""))).isEqualTo(1);
    assertThat(out()).isEmpty();
  }

  @Test
  void query_stdin_printsKeyTabValueForFoundKeys() {
    int status =
        Postmap.run(
            List.of("-q", "-", "inline:{ a=1 }", "inline:{ b=2, a=ignored }"),
            "lmdb",
            io("a\nmissing\nB\n"));
    assertThat(status).isZero();
    assertThat(out()).isEqualTo("a\t1\nB\t2\n");
  }

  @Test
  void build_defaultType_thenQueryAndList() throws Exception {
    Path source = dir.resolve("transport");
    Files.writeString(source, "Example.com smtp:[relay]\n");
    assertThat(Postmap.run(List.of(source.toString()), "cdb", io(""))).isZero();
    assertThat(dir.resolve("transport.cdb")).exists();
    assertThat(Postmap.run(List.of("-q", "EXAMPLE.COM", "cdb:" + source), "lmdb", io(""))).isZero();
    assertThat(Postmap.run(List.of("-s", "cdb:" + source), "lmdb", io(""))).isZero();
    assertThat(out()).isEqualTo("smtp:[relay]\nexample.com\tsmtp:[relay]\n");
  }

  @Test
  void build_badSource_fatalWithFileAndLine() throws Exception {
    Path source = dir.resolve("map");
    Files.writeString(source, "a 1\nnovalue\n");
    assertThat(Postmap.run(List.of("lmdb:" + source), "lmdb", io(""))).isEqualTo(1);
    assertThat(err())
        .isEqualTo("postmap: fatal: " + source + ", line 2: expected format: key whitespace value\n");
    assertThat(dir.resolve("map.lmdb")).doesNotExist();
  }

  @Test
  void build_patternType_fatal() throws Exception {
    assertThat(Postmap.run(List.of("cidr:" + dir.resolve("x")), "lmdb", io(""))).isEqualTo(1);
    assertThat(err()).contains("unsupported map type for this operation: cidr");
  }

  @Test
  void build_hashType_namesTheLmdbFix() throws Exception {
    Path source = dir.resolve("virtual");
    Files.writeString(source, "a@example.com b@example.com\n");
    assertThat(Postmap.run(List.of("hash:" + source), "lmdb", io(""))).isEqualTo(1);
    assertThat(err()).contains("unsupported map type for this operation: hash (postmap builds"
        + " lmdb and cdb): Postern does not read Berkeley DB files; rebuild with \"postmap lmdb:"
        + source + "\"");
  }

  @Test
  void usage_noOperandOrBadFlag_exit1() {
    assertThat(Postmap.run(List.of(), "lmdb", io(""))).isEqualTo(1);
    assertThat(Postmap.run(List.of("-Z", "x"), "lmdb", io(""))).isEqualTo(1);
    assertThat(err()).contains("postmap: fatal: usage: postmap", "invalid option -- 'Z'");
  }

  @Test
  void postalias_buildAndQuery_storesAliases() throws Exception {
    Path source = dir.resolve("aliases");
    Files.writeString(source, "Postmaster: root\nlist: a,\n  b\n");
    assertThat(Postalias.run(List.of(source.toString()), "lmdb", io(""))).isZero();
    assertThat(Postalias.run(List.of("-q", "list", "lmdb:" + source), "lmdb", io(""))).isZero();
    assertThat(out()).isEqualTo("a, b\n");
  }

  @Test
  void newaliases_buildsEveryAliasDatabase() throws Exception {
    Path a = dir.resolve("aliases");
    Path b = dir.resolve("more");
    Files.writeString(a, "root: admin\n");
    Files.writeString(b, "abuse: root\n");
    assertThat(Postalias.newaliases(List.of("cdb:" + a, b.toString()), "lmdb", io(""))).isZero();
    assertThat(dir.resolve("aliases.cdb")).exists();
    assertThat(dir.resolve("more.lmdb")).exists();
  }

  @Test
  void spec_operandWithoutType_getsDefault() {
    assertThat(TableCommand.spec("/etc/postfix/transport", "lmdb"))
        .isEqualTo("lmdb:/etc/postfix/transport");
    assertThat(TableCommand.spec("cdb:/x", "lmdb")).isEqualTo("cdb:/x");
    assertThat(TableCommand.spec("inline:{ a=b }", "lmdb")).isEqualTo("inline:{ a=b }");
  }
}
