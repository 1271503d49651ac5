package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locking within one JVM: a second acquire meets the JVM's own lock table. Across processes
 * (the kernel's record lock) the launcher IT shows the same refusal.
 */
class PidFileTest {
  @TempDir Path dir;

  private long self() {
    return ProcessHandle.current().pid();
  }

  @Test
  void acquire_writesThePaddedPidAndIsRunning() throws Exception {
    Path path = dir.resolve("pid/master.pid");
    try (PidFile pid = PidFile.acquire(path, self())) {
      assertThat(Files.readString(path)).isEqualTo(String.format("%10d%n", self()));
      assertThat(PidFile.runningPid(path)).hasValue(self());
    }
  }

  @Test
  void acquire_whileHeld_refuses() throws Exception {
    Path path = dir.resolve("master.pid");
    try (PidFile first = PidFile.acquire(path, self())) {
      assertThatThrownBy(() -> PidFile.acquire(path, 1))
          .isInstanceOf(PidFile.AlreadyRunningException.class)
          .hasMessageContaining(path.toString());
      assertThat(Files.readString(path).strip()).isEqualTo(Long.toString(self()));
    }
  }

  @Test
  void close_removesTheFile_andANewMasterMayStart() throws Exception {
    Path path = dir.resolve("master.pid");
    PidFile.acquire(path, self()).close();

    assertThat(path).doesNotExist();
    assertThat(PidFile.runningPid(path)).isEmpty();
    PidFile.acquire(path, self()).close();
  }

  @Test
  void runningPid_fileLeftByACrash_isNotRunning() throws Exception {
    Path path = dir.resolve("master.pid");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(path, PidFile.format(gone.pid()));

    assertThat(PidFile.runningPid(path)).isEmpty();
    try (PidFile pid = PidFile.acquire(path, self())) {
      assertThat(Files.readString(path).strip()).isEqualTo(Long.toString(self()));
    }
  }

  @Test
  void runningPid_livePidButNoLock_isNotRunning() throws Exception {
    Path path = dir.resolve("master.pid");
    Files.writeString(path, PidFile.format(self()));

    assertThat(PidFile.runningPid(path)).isEmpty();
  }

  @Test
  void runningPid_garbage_isNotRunning() throws Exception {
    Path path = dir.resolve("master.pid");
    Files.writeString(path, "not a pid\n");

    assertThat(PidFile.runningPid(path)).isEmpty();
    assertThat(PidFile.runningPid(dir.resolve("none"))).isEmpty();
  }
}
