package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixTableTest {
  @TempDir Path dir;

  @Test
  void find_userName_returnsPasswdLineCaseFolded() throws Exception {
    Path passwd = dir.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    UnixTable t = new UnixTable("unix:passwd.byname", passwd);
    assertThat(t.find("ALICE")).hasValue("alice:x:1000:1000::/home/alice:/bin/sh");
    assertThat(t.find("ali")).isEmpty();
    assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.FIXED);
  }

  @Test
  void open_proxyPrefix_opensInnerTableInProcess() throws Exception {
    LookupTable t = Tables.open("proxy:unix:passwd.byname");
    assertThat(t.find("root")).hasValueSatisfying(v -> assertThat(v).startsWith("root:"));
  }

  @Test
  void open_otherUnixMap_isRefused() {
    assertThatThrownBy(() -> Tables.open("unix:group.byname")).isInstanceOf(TableException.class)
        .hasMessageContaining("unix:group.byname");
  }

  @Test
  void find_missingFile_isErrorNotNotFound() {
    UnixTable t = new UnixTable("unix:passwd.byname", dir.resolve("none"));
    assertThatThrownBy(() -> t.find("root")).isInstanceOf(TableException.class);
  }
}
