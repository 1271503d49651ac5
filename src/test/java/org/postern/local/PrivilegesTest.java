package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
  private final LocalUser alice = new LocalUser("alice", 1001, 100, Path.of("/home/alice"), "/bin/sh");

  @Test
  void argv_root_runsThroughSetpriv() {
    assertThat(Privileges.root().argv(alice, List.of("/bin/sh", "-c", "x")))
        .containsExactly("setpriv", "--reuid", "1001", "--regid", "100", "--init-groups", "--",
            "/bin/sh", "-c", "x");
    assertThat(Privileges.root().switchesUser()).isTrue();
  }

  @Test
  void argv_unprivileged_runsCommandAsIs() {
    assertThat(Privileges.unprivileged().argv(alice, List.of("/bin/sh", "-c", "x")))
        .containsExactly("/bin/sh", "-c", "x");
    assertThat(Privileges.unprivileged().switchesUser()).isFalse();
  }
}
