package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdFileTest {
  @TempDir Path tmp;

  @Test
  void byName_passwdLines_findsUserAndSkipsBadLines() throws Exception {
    Path file = tmp.resolve("passwd");
    Files.writeString(file, "root:x:0:0:root:/root:/bin/bash\nbroken line\n"
        + "alice:x:1001:100:Alice,,,:/home/alice:/bin/zsh\n");
    PasswdFile passwd = new PasswdFile(file);

    assertThat(passwd.byName("alice")).contains(
        new LocalUser("alice", 1001, 100, Path.of("/home/alice"), "/bin/zsh"));
    assertThat(passwd.byUid(0)).map(LocalUser::name).contains("root");
    assertThat(passwd.byName("Alice")).isEmpty();
    assertThat(passwd.byName("broken line")).isEmpty();
  }
}
