package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasSourceTest {
  @TempDir Path dir;

  @Test
  void read_aliasesSyntax_storedAsPostfixStoresIt() throws Exception {
    Path file =
        SourceFiles.write(
            dir,
            "aliases",
            "# comment\nPostmaster: root\n\"Quoted Name\": a,b ,\n\tc\nlist: :include:/etc/list\n"
                + "root: \"|/bin/prog arg\", /var/mail/x\nz : \\root\n");
    List<String> warnings = new ArrayList<>();
    assertThat(AliasSource.read(file, warnings::add))
        .containsExactly(
            new TableEntry("postmaster", "root"),
            new TableEntry("quoted name", "a, b, c"),
            new TableEntry("list", ":include:/etc/list"),
            new TableEntry("root", "\"|/bin/prog arg\", /var/mail/x"),
            new TableEntry("z", "root"),
            new TableEntry("@", "@"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void read_duplicateName_firstWinsWithWarning() throws Exception {
    Path file = SourceFiles.write(dir, "aliases", "root: a\nROOT: b\n");
    List<String> warnings = new ArrayList<>();
    assertThat(AliasSource.read(file, warnings::add)).startsWith(new TableEntry("root", "a"));
    assertThat(warnings).containsExactly(file + ", line 2: duplicate entry: \"root\"");
  }

  @Test
  void read_lineWithoutColonOrValue_throwsWithFileAndLine() throws Exception {
    Path file = SourceFiles.write(dir, "aliases", "root: a\nbad line\n");
    assertThatThrownBy(() -> AliasSource.read(file, w -> {}))
        .isInstanceOf(TableException.class)
        .hasMessage(file + ", line 2: need name:value pair");
    Files.writeString(file, "root:\n");
    assertThatThrownBy(() -> AliasSource.read(file, w -> {}))
        .hasMessage(file + ", line 1: need name:value pair");
  }
}
