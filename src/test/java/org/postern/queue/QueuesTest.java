package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuesTest {
  @TempDir Path root;

  @Test
  void path_hashedQueue_usesFirstCharacterSubdirectory() {
    Queues q = Queues.at(root);
    QueueId id = QueueId.of("A1B2C3D4");

    assertThat(q.path(QueueName.DEFERRED, id)).isEqualTo(root.resolve("deferred/A/A1B2C3D4"));
    assertThat(q.path(QueueName.DEFER, id)).isEqualTo(root.resolve("defer/A/A1B2C3D4"));
    assertThat(q.path(QueueName.INCOMING, id)).isEqualTo(root.resolve("incoming/A1B2C3D4"));
    assertThat(q.path(QueueName.BOUNCE, id)).isEqualTo(root.resolve("bounce/A1B2C3D4"));
  }

  @Test
  void path_depthTwo_twoLevels() {
    Queues q = new Queues(root, Set.of(QueueName.DEFERRED), 2);

    assertThat(q.path(QueueName.DEFERRED, QueueId.of("A1B2C3D4")))
        .isEqualTo(root.resolve("deferred/A/1/A1B2C3D4"));
  }

  @Test
  void createDirectories_postfixModes() throws Exception {
    Queues.at(root).createDirectories();

    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("incoming")))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("maildrop"))).isEqualTo("3733");
    assertThat(mode(root.resolve("public"))).isEqualTo("0711");
    for (String d : List.of("active", "deferred", "hold", "corrupt", "bounce", "defer", "trace",
        "saved", "private")) {
      assertThat(root.resolve(d)).isDirectory();
    }
  }

  private static String mode(Path dir) throws Exception {
    return QueueName.octal((Integer) Files.getAttribute(dir, "unix:mode") & 07777);
  }

  @Test
  void fixModes_queueOfAnOlderVersion_modesRestoredAndReported() throws Exception {
    Queues q = Queues.at(root);
    q.createDirectories();
    Files.setPosixFilePermissions(root.resolve("maildrop"), PosixFilePermissions.fromString("rwx-wx---"));
    Files.setPosixFilePermissions(root.resolve("public"), PosixFilePermissions.fromString("rwx--x---"));

    assertThat(q.wrongModes()).extracting(Queues.WrongMode::toString).containsExactlyInAnyOrder(
        root.resolve("maildrop") + ": mode 0730, should be 3733",
        root.resolve("public") + ": mode 0710, should be 0711");
    assertThat(q.fixModes()).hasSize(2);

    assertThat(mode(root.resolve("maildrop"))).isEqualTo("3733");
    assertThat(mode(root.resolve("public"))).isEqualTo("0711");
    assertThat(q.wrongModes()).isEmpty();
  }

  @Test
  void move_intoHashedQueue_createsSubdirectoryAndLists() throws Exception {
    Queues q = Queues.at(root);
    QueueId id = QueueId.of("B00001");
    Files.createDirectories(root.resolve("active"));
    Files.writeString(q.path(QueueName.ACTIVE, id), "x");

    assertThat(q.move(id, QueueName.ACTIVE, QueueName.DEFERRED)).isTrue();
    assertThat(q.move(id, QueueName.ACTIVE, QueueName.DEFERRED)).isFalse();

    assertThat(root.resolve("deferred/B/B00001")).exists();
    assertThat(q.list(QueueName.DEFERRED)).extracting(Queues.Located::id).containsExactly(id);
    assertThat(q.find(id, List.of(QueueName.INCOMING, QueueName.DEFERRED)))
        .map(Queues.Located::queue).contains(QueueName.DEFERRED);
  }

  private static final Set<java.nio.file.attribute.PosixFilePermission> MODE_0640 =
      PosixFilePermissions.fromString(Queues.MAILDROP_FILE_MODE);

  @Test
  void createExclusive_takenName_retriedWithNextAndTakenFileUntouched() throws Exception {
    Files.writeString(root.resolve("tA"), "someone else's");
    Iterator<String> names = List.of("tA", "tB").iterator();

    Queues.NewFile f = Queues.createExclusive(root, MODE_0640, names::next);
    f.channel().close();

    assertThat(f.path()).isEqualTo(root.resolve("tB"));
    assertThat(Files.readString(root.resolve("tA"))).isEqualTo("someone else's");
    assertThat(f.inode()).isEqualTo(Files.getAttribute(f.path(), "unix:ino"));
  }

  @Test
  void createExclusive_symbolicLinkAtName_neitherFollowedNorOpened() throws Exception {
    Path target = Files.writeString(root.resolve("target"), "kept");
    Files.createSymbolicLink(root.resolve("tLink"), target);
    Iterator<String> names = List.of("tLink", "tOwn").iterator();

    Queues.NewFile f = Queues.createExclusive(root, MODE_0640, names::next);
    f.channel().close();

    assertThat(f.path().getFileName().toString()).isEqualTo("tOwn");
    assertThat(Files.readString(target)).isEqualTo("kept");
  }

  @Test
  void createExclusive_everyNameTaken_failsAfterBoundedAttempts() throws Exception {
    Files.writeString(root.resolve("tSame"), "");
    int[] asked = {0};

    assertThatThrownBy(() -> Queues.createExclusive(root, MODE_0640, () -> {
      asked[0]++;
      return "tSame";
    })).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(asked[0]).isEqualTo(Queues.CREATE_ATTEMPTS);
  }

  @Test
  void createExclusive_modeAsAsked() throws Exception {
    Queues.NewFile f = Queues.createExclusive(root, MODE_0640, () -> "tMode");
    f.channel().close();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())))
        .isEqualTo("rw-r-----");
  }

  @Test
  void temporaryName_prefixedNeverAQueueIdAndVaried() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String name = Queues.temporaryName();
      assertThat(name).startsWith(Queues.MAILDROP_TEMPORARY_PREFIX).contains(".");
      assertThat(QueueId.isValid(name)).as(name).isFalse();
      seen.add(name);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void createMaildropTemporaryFile_inMaildropMode0640OpenForWriting() throws Exception {
    Queues q = Queues.at(root);

    Queues.NewFile f = q.createMaildropTemporaryFile();
    f.channel().write(java.nio.ByteBuffer.wrap(new byte[] {'x'}));
    f.channel().close();

    assertThat(f.path().getParent()).isEqualTo(root.resolve("maildrop"));
    assertThat(QueueId.isValid(f.path().getFileName().toString())).isFalse();
    assertThat(Files.readString(f.path())).isEqualTo("x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())))
        .isEqualTo("rw-r-----");
  }
}
