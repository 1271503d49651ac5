package org.postern.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.deliver.FileSizeLimit;

class MboxTest {
  private static final FileSizeLimit NO_LIMIT = new FileSizeLimit(0);

  @TempDir Path tmp;
  private final LocalUser user = new LocalUser("alice", 1001, 1001, Path.of("/"), "/bin/sh");

  private static MessageWriter text(String s) {
    return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void append_fcntlLockHeld_throwsLockBusy() throws Exception {
    Path file = tmp.resolve("alice");
    Files.writeString(file, "old\n");
    Mbox mbox = new Mbox(Set.of("fcntl"), LocalFixture.CLOCK, NO_LIMIT);
    try (FileChannel other = FileChannel.open(file, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      assertThatThrownBy(() -> mbox.append(file, Privileges.unprivileged(), user, text("new\n")))
          .isInstanceOf(Mbox.LockBusyException.class)
          .hasMessageContaining("unable to lock for exclusive access");
      assertThat(held.isValid()).isTrue();
    }
    assertThat(Files.readString(file)).isEqualTo("old\n");
  }

  @Test
  void append_staleDotlock_removesItAndAppends() throws Exception {
    Path file = tmp.resolve("alice");
    Path lock = tmp.resolve("alice.lock");
    Files.writeString(lock, "");
    Files.setLastModifiedTime(lock,
        FileTime.from(LocalFixture.CLOCK.instant().minus(Duration.ofSeconds(501))));
    new Mbox(Set.of("fcntl", "dotlock"), LocalFixture.CLOCK, NO_LIMIT)
        .append(file, Privileges.unprivileged(), user, text("msg\n"));

    assertThat(Files.readString(file)).isEqualTo("msg\n");
    assertThat(lock).doesNotExist();
  }

  @Test
  void append_writerFails_truncatesToOldSize() throws Exception {
    Path file = tmp.resolve("alice");
    Files.writeString(file, "old\n");
    MessageWriter failing = out -> {
      out.write("partial".getBytes(StandardCharsets.UTF_8));
      out.flush();
      throw new java.io.IOException("queue file went away");
    };
    assertThatThrownBy(() -> new Mbox(Set.of("fcntl", "dotlock"), LocalFixture.CLOCK, NO_LIMIT)
            .append(file, Privileges.unprivileged(), user, failing))
        .hasMessage("error writing message: queue file went away");

    assertThat(Files.readString(file)).isEqualTo("old\n");
    assertThat(tmp.resolve("alice.lock")).doesNotExist();
  }

  @Test
  void append_pastMailboxSizeLimit_fileTooLargeAndFileUnchanged() throws Exception {
    Path file = tmp.resolve("alice");
    Files.writeString(file, "x".repeat(90));

    assertThatThrownBy(() -> new Mbox(Set.of("fcntl"), LocalFixture.CLOCK, new FileSizeLimit(100))
            .append(file, Privileges.unprivileged(), user, text("eleven byte")))
        .hasMessage("error writing message: File too large");

    assertThat(Files.readString(file)).isEqualTo("x".repeat(90));
  }

  @Test
  void append_upToMailboxSizeLimit_fits() throws Exception {
    Path file = tmp.resolve("alice");
    Files.writeString(file, "x".repeat(90));

    new Mbox(Set.of("fcntl"), LocalFixture.CLOCK, new FileSizeLimit(100))
        .append(file, Privileges.unprivileged(), user, text("ten bytes\n"));

    assertThat(Files.size(file)).isEqualTo(100);
  }

  @Test
  void append_newFile_isPrivateToOwner() throws Exception {
    Path file = tmp.resolve("bob");
    new Mbox(Set.of("fcntl"), LocalFixture.CLOCK, NO_LIMIT)
        .append(file, Privileges.unprivileged(), user, text("x\n"));

    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }
}
