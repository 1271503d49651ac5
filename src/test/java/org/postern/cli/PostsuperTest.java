package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;

class PostsuperTest {
  @TempDir Path base;
  private QueueCommandTestSupport t;

  @BeforeEach
  void setUp() throws Exception {
    t = new QueueCommandTestSupport(base);
  }

  private int postsuper(String stdin, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-c", t.config.toString()));
    all.addAll(List.of(args));
    return new Postsuper(t.errStream(), QueueCommandTestSupport.stdin(stdin)).main(all);
  }

  private boolean in(QueueName queue, QueueId id) {
    return Files.exists(t.queues.path(queue, id));
  }

  @Test
  void delete_oneId_removesFileAndLogs() throws Exception {
    QueueId id = t.message(QueueName.DEFERRED);
    QueueId other = t.message(QueueName.DEFERRED);
    Path defer = t.queues.path(QueueName.DEFER, id);
    Files.createDirectories(defer.getParent());
    Files.writeString(defer, "recipient=r@example.com\n");

    int status = postsuper("", "-d", id.value());

    assertThat(status).isZero();
    assertThat(t.err()).isEqualTo(
        "postsuper: " + id + ": removed\npostsuper: Deleted: 1 message\n");
    assertThat(in(QueueName.DEFERRED, id)).isFalse();
    assertThat(defer).doesNotExist();
    assertThat(in(QueueName.DEFERRED, other)).isTrue();
  }

  @Test
  void deleteHoldReleaseRequeue_logToTheMailLogAsPostfix() throws Exception {
    QueueId gone = t.message(QueueName.DEFERRED);
    QueueId held = t.message(QueueName.DEFERRED);
    QueueId again = t.message(QueueName.DEFERRED);
    long pid = ProcessHandle.current().pid();

    postsuper("", "-d", gone.value());
    postsuper("", "-h", held.value());
    postsuper("", "-H", held.value());
    postsuper("", "-r", again.value());

    assertThat(Files.readString(t.maillog).lines().map(l -> l.replaceFirst("^.*? postern/", "")))
        .containsExactly(
            "postsuper[" + pid + "]: " + gone + ": removed",
            "postsuper[" + pid + "]: Deleted: 1 message",
            "postsuper[" + pid + "]: " + held + ": placed on hold",
            "postsuper[" + pid + "]: Placed on hold: 1 message",
            "postsuper[" + pid + "]: " + held + ": released from hold",
            "postsuper[" + pid + "]: Released from hold: 1 message",
            "postsuper[" + pid + "]: " + again + ": requeued",
            "postsuper[" + pid + "]: Requeued: 1 message");
  }

  @Test
  void delete_all_countsMessagesPlural() throws Exception {
    t.message(QueueName.INCOMING);
    t.message(QueueName.DEFERRED);
    t.message(QueueName.HOLD);

    postsuper("", "-d", "ALL");

    assertThat(t.err()).isEqualTo("postsuper: Deleted: 3 messages\n");
    assertThat(t.queues.list(QueueName.DEFERRED)).isEmpty();
  }

  @Test
  void delete_allWithQueueOperand_onlyThatQueue() throws Exception {
    QueueId keep = t.message(QueueName.INCOMING);
    t.message(QueueName.DEFERRED);

    postsuper("", "-d", "ALL", "deferred");

    assertThat(t.err()).isEqualTo("postsuper: Deleted: 1 message\n");
    assertThat(in(QueueName.INCOMING, keep)).isTrue();
  }

  @Test
  void delete_stdin_readsIdsAndWarnsOnBadOnes() throws Exception {
    QueueId a = t.message(QueueName.ACTIVE);
    QueueId b = t.message(QueueName.HOLD);

    postsuper(a + "\nnot-an-id\n" + b + "\n", "-d", "-");

    assertThat(t.err()).isEqualTo("postsuper: " + a + ": removed\n"
        + "postsuper: warning: invalid mail queue id: not-an-id\n"
        + "postsuper: " + b + ": removed\n"
        + "postsuper: Deleted: 2 messages\n");
  }

  @Test
  void hold_thenRelease_movesThroughHoldToDeferred() throws Exception {
    QueueId id = t.message(QueueName.INCOMING);

    postsuper("", "-h", id.value());
    assertThat(in(QueueName.HOLD, id)).isTrue();
    postsuper("", "-H", id.value());

    assertThat(in(QueueName.DEFERRED, id)).isTrue();
    assertThat(t.err()).isEqualTo("postsuper: " + id + ": placed on hold\n"
        + "postsuper: Placed on hold: 1 message\n"
        + "postsuper: " + id + ": released from hold\n"
        + "postsuper: Released from hold: 1 message\n");
  }

  @Test
  void holdAll_defaultQueues_notMaildrop() throws Exception {
    QueueId drop = t.message(QueueName.MAILDROP);
    t.message(QueueName.ACTIVE);
    t.message(QueueName.DEFERRED);

    postsuper("", "-h", "ALL");

    assertThat(t.err()).isEqualTo("postsuper: Placed on hold: 2 messages\n");
    assertThat(in(QueueName.MAILDROP, drop)).isTrue();
    assertThat(t.queues.list(QueueName.HOLD)).hasSize(2);
  }

  @Test
  void releaseAll_emptiesHold() throws Exception {
    t.message(QueueName.HOLD);

    postsuper("", "-H", "ALL");

    assertThat(t.err()).isEqualTo("postsuper: Released from hold: 1 message\n");
    assertThat(t.queues.list(QueueName.DEFERRED)).hasSize(1);
  }

  @Test
  void requeue_movesToMaildropKeepingMarks() throws Exception {
    QueueId id = t.message(QueueName.DEFERRED);

    postsuper("", "-r", id.value());

    assertThat(t.err()).isEqualTo("postsuper: " + id + ": requeued\npostsuper: Requeued: 1 message\n");
    assertThat(in(QueueName.MAILDROP, id)).isTrue();
    assertThat(QueueFileReader.read(t.queues.path(QueueName.MAILDROP, id)).recipients()).hasSize(1);
  }

  @Test
  void allWithIds_warnsThatIdsAreIgnored() throws Exception {
    t.message(QueueName.INCOMING);

    postsuper("", "-d", "ALL", "-d", "ABCDEF1");

    assertThat(t.err()).isEqualTo(
        "postsuper: warning: option \"-d ALL\" will ignore other command line queue IDs\n"
            + "postsuper: Deleted: 1 message\n");
  }

  @Test
  void structure_fileInWrongHashDirectory_moved() throws Exception {
    QueueId id = t.message(QueueName.DEFERRED);
    Path right = t.queues.path(QueueName.DEFERRED, id);
    Path wrong = t.queues.directory(QueueName.DEFERRED).resolve(id.value());
    Files.move(right, wrong);

    postsuper("", "-s");

    assertThat(right).exists();
    assertThat(wrong).doesNotExist();
    assertThat(t.err()).isEmpty();
  }

  @Test
  void structure_nameDoesNotMatchInode_renamedWithLogs() throws Exception {
    QueueId id = t.message(QueueName.INCOMING);
    QueueId restored = QueueId.of(id.value().substring(0, 5) + "FFFFF");
    Files.move(t.queues.path(QueueName.INCOMING, id), t.queues.path(QueueName.INCOMING, restored));
    Files.writeString(t.queues.path(QueueName.BOUNCE, restored), "log");

    postsuper("", "-s");

    assertThat(in(QueueName.INCOMING, id)).isTrue();
    assertThat(in(QueueName.BOUNCE, id)).isTrue();
    assertThat(t.err()).isEqualTo("postsuper: Renamed to match inode number: 1 message\n"
        + "postsuper: warning: QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS\n");
  }

  @Test
  void structure_bogusName_warned() throws Exception {
    Files.writeString(t.queues.directory(QueueName.INCOMING).resolve("junk"), "x");

    postsuper("", "-s");

    assertThat(t.err()).isEqualTo("postsuper: warning: bogus file name: incoming/junk\n");
  }

  @Test
  void purge_oldTemporaryFileRemoved_newKept() throws Exception {
    Path tmp = t.queues.directory(QueueName.TMP);
    Path old = Files.writeString(tmp.resolve("told"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));
    Path fresh = Files.writeString(tmp.resolve("tnew"), "x");

    postsuper("");

    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void main_relativeConfigDirectory_fatal() throws Exception {
    int status = new Postsuper(t.errStream(), QueueCommandTestSupport.stdin(""))
        .main(List.of("-c", "etc", "-d", "ALL"));

    assertThat(status).isEqualTo(1);
    assertThat(t.err()).isEqualTo("postsuper: fatal: -c requires absolute pathname\n");
  }

  @Test
  void main_unknownQueueOperand_fatal() throws Exception {
    assertThat(postsuper("", "-d", "ALL", "nosuch")).isEqualTo(1);
    assertThat(t.err()).isEqualTo("postsuper: fatal: invalid directory name: nosuch\n");
  }
}
