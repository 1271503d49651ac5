package org.postern.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.CleanupStatus;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

class MaildropScannerTest {
  private static final Instant NOW = Instant.parse("2026-11-24T07:11:24Z");
  private static final PickupSettings SETTINGS =
      new PickupSettings("mx.example.com", "Postern", "nobody-owns-this");

  private static final int NOBODY = 65534;
  private static final long OTHER_UID = 4242;

  @TempDir Path base;
  private Queues queues;
  private final RecordingSink sink = new RecordingSink();
  private final RecordingLog log = new RecordingLog();
  private MaildropScanner scanner;

  @BeforeEach
  void setUp() throws IOException {
    queues = Queues.at(base.resolve("spool"));
    queues.createDirectories();
    scanner = new MaildropScanner(queues, sink, SETTINGS, log, Clock.fixed(NOW, ZoneId.of("UTC")));
  }

  private QueueId drop(Envelope envelope, String content, ExtractedEnvelope extracted)
      throws IOException {
    try (QueueFileWriter w = QueueFileWriter.create(queues, Clock.systemUTC())) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      w.commit(QueueName.MAILDROP, extracted);
      Files.setLastModifiedTime(queues.path(QueueName.MAILDROP, w.id()),
          FileTime.from(NOW.minusSeconds(5)));
      return w.id();
    }
  }

  private QueueId drop() throws IOException {
    return drop(Envelope.of("alice", List.of(Recipient.of("b@example.org"))),
        "Subject: s\n\nbody\n", ExtractedEnvelope.NONE);
  }

  private long uid(QueueId id) throws IOException {
    return ((Number) Files.getAttribute(queues.path(QueueName.MAILDROP, id), "unix:uid"))
        .longValue();
  }

  @Test
  void scan_validFile_handsOverEverythingAndRemovesIt() throws Exception {
    Recipient r = Recipient.of("b@example.org").withDsn(null, Set.of(DsnNotify.SUCCESS));
    Envelope env = new Envelope("alice", List.of(r), Optional.of(DsnRet.HDRS),
        Optional.of("env1"), true, true, Optional.empty(), ClientFacts.NONE,
        Map.of("rewrite_context", "local"));
    ExtractedEnvelope ext = new ExtractedEnvelope(List.of(Recipient.of("x@example.net")), false);
    QueueId id = drop(env, "Subject: s\n\nbody\n", ext);
    long uid = uid(id);

    scanner.scan(() -> true);

    RecordingSink.Received got = sink.commits().poll();
    assertThat(got).isNotNull();
    assertThat(got.envelope()).usingRecursiveComparison().ignoringFields("recipients.offset")
        .isEqualTo(env);
    assertThat(got.extracted().recipients()).extracting(Recipient::address)
        .containsExactly("x@example.net");
    assertThat(got.origin()).isEqualTo(
        new PickupOrigin(uid, NOW.minusSeconds(5), id, false));
    assertThat(got.content()).isEqualTo(
        "Received: by mx.example.com (Postern, from userid " + uid + ")\n"
            + "\tid " + got.id() + "; Tue, 24 Nov 2026 07:11:19 +0000 (UTC)\n"
            + "Subject: s\n\nbody\n");
    assertThat(log.lines).containsExactly(got.id() + ": uid=" + uid + " from=<alice>");
    assertThat(queues.list(QueueName.MAILDROP)).isEmpty();
  }

  @Test
  void scan_contentStartingWithWhiteSpace_getsEmptyLineAfterReceived() throws Exception {
    drop(Envelope.of("alice", List.of(Recipient.of("b@example.org"))), " indented\n",
        ExtractedEnvelope.NONE);

    scanner.scan(() -> true);

    assertThat(sink.commits().poll().content()).endsWith("\n\n indented\n");
  }

  @Test
  void scan_temporaryFailure_keepsFile() throws Exception {
    QueueId id = drop();
    sink.answer(new CleanupVerdict.Defer(CleanupStatus.WRITE.reply()));

    scanner.scan(() -> true);

    assertThat(sink.commits()).hasSize(1);
    assertThat(queues.path(QueueName.MAILDROP, id)).exists();
    assertThat(log.lines).contains("warning: maildrop/" + id + ": 451 4.3.0 Error: queue file write error");
  }

  @Test
  void scan_permanentFailure_removesFileAsPostfixDoes() throws Exception {
    QueueId id = drop();
    sink.answer(new CleanupVerdict.Reject(CleanupStatus.SIZE.reply()));

    scanner.scan(() -> true);

    assertThat(queues.path(QueueName.MAILDROP, id)).doesNotExist();
    assertThat(queues.path(QueueName.CORRUPT, id)).doesNotExist();
    assertThat(log.lines).contains("warning: maildrop/" + id + ": 552 5.3.4 Error: message file too big");
  }

  @Test
  void scan_sinkUnavailable_keepsFileAndAbandonsNothingCommitted() throws Exception {
    QueueId id = drop();
    CleanupSink broken = () -> {
      throw new IOException("connect to cleanup: refused");
    };
    new MaildropScanner(queues, broken, SETTINGS, log, Clock.fixed(NOW, ZoneId.of("UTC")))
        .scan(() -> true);

    assertThat(queues.path(QueueName.MAILDROP, id)).exists();
    assertThat(log.lines).containsExactly("warning: maildrop/" + id
        + ": cannot hand over to cleanup: connect to cleanup: refused");
  }

  @Test
  void scan_corruptFile_movesToCorrupt() throws Exception {
    QueueId id = drop();
    Path file = queues.path(QueueName.MAILDROP, id);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 3));

    scanner.scan(() -> true);

    assertThat(sink.commits()).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(queues.path(QueueName.CORRUPT, id)).exists();
    assertThat(log.lines).hasSize(2);
    assertThat(log.lines.get(0)).startsWith("warning: " + id + ": corrupt queue file: ");
    assertThat(log.lines.get(1)).isEqualTo("warning: saving corrupt file \"" + id
        + "\" from queue \"maildrop\" to queue \"corrupt\"");
  }

  @Test
  void scan_requeuedFile_logsOrigId() throws Exception {
    QueueId id = drop();
    String owner = Files.getOwner(queues.path(QueueName.MAILDROP, id)).getName();
    new MaildropScanner(queues, sink, new PickupSettings("mx", "Postern", owner), log,
        Clock.fixed(NOW, ZoneId.of("UTC"))).scan(() -> true);

    RecordingSink.Received got = sink.commits().poll();
    assertThat(got.origin().requeued()).isTrue();
    assertThat(log.lines.get(0)).endsWith(" orig_id=" + id);
  }

  @Test
  void scan_fileFromTheFuture_warnsAndUsesNow() throws Exception {
    QueueId id = drop();
    Files.setLastModifiedTime(queues.path(QueueName.MAILDROP, id),
        FileTime.from(NOW.plus(Duration.ofHours(3))));

    scanner.scan(() -> true);

    assertThat(log.lines).contains("warning: " + id + ": message dated 10800 seconds into the"
        + " future");
    assertThat(sink.commits().poll().origin().dropTime()).isEqualTo(NOW);
  }

  @Test
  void scan_stopRequested_leavesFiles() throws Exception {
    QueueId id = drop();

    scanner.scan(() -> false);

    assertThat(queues.path(QueueName.MAILDROP, id)).exists();
    assertThat(sink.commits()).isEmpty();
  }

  /**
   * Makes {@code file} an ordinary user's: owned by nobody when the test runs as root; otherwise
   * it stays the test user's, whom a scanner with another {@code ownUid} does not trust.
   */
  private static void foreign(Path file) throws IOException {
    if (((Number) Files.getAttribute(file.getParent(), "unix:uid")).longValue() == 0) {
      Files.setAttribute(file, "unix:uid", NOBODY);
    }
  }

  private MaildropScanner untrusting() {
    return new MaildropScanner(queues, sink, SETTINGS, log, Clock.fixed(NOW, ZoneId.of("UTC")),
        OTHER_UID);
  }

  @Test
  void scan_userFileWithContentFilter_filterDroppedUidFromOwner() throws Exception {
    Envelope crafted = new Envelope("alice", List.of(Recipient.of("b@example.org")),
        Optional.empty(), Optional.empty(), false, false, Optional.empty(),
        new ClientFacts("", "192.0.2.1", "", "", "", ""),
        Map.of("content_filter", "smtp:[192.0.2.66]", "rewrite_context", "local"));
    QueueId id = drop(crafted, "Subject: s\n\nbody\n", ExtractedEnvelope.NONE);
    foreign(queues.path(QueueName.MAILDROP, id));
    long uid = uid(id);

    untrusting().scan(() -> true);

    RecordingSink.Received got = sink.commits().poll();
    assertThat(got.envelope().attributes()).containsExactly(Map.entry("rewrite_context", "local"));
    assertThat(got.envelope().client()).isEqualTo(ClientFacts.NONE);
    assertThat(got.origin().uid()).isEqualTo(uid);
    assertThat(got.content()).contains("from userid " + uid + ")");
    assertThat(log.lines).containsExactly(
        "warning: uid=" + uid + ": ignoring attribute record: content_filter=smtp:[192.0.2.66]",
        "warning: uid=" + uid + ": ignoring attribute record: client_address=192.0.2.1",
        got.id() + ": uid=" + uid + " from=<alice>");
  }

  @Test
  void scan_ownFileWithContentFilter_filterDroppedAsAfterPostsuperRequeue() throws Exception {
    Envelope env = new Envelope("alice", List.of(Recipient.of("b@example.org")),
        Optional.empty(), Optional.empty(), false, false, Optional.empty(), ClientFacts.NONE,
        Map.of("content_filter", "scan:[127.0.0.1]:10025"));
    drop(env, "Subject: s\n\nbody\n", ExtractedEnvelope.NONE);

    scanner.scan(() -> true);

    assertThat(sink.commits().poll().envelope().attributes()).isEmpty();
  }

  @Test
  void scan_temporaryNameYoung_ignoredAndKept() throws Exception {
    Path partial = queues.directory(QueueName.MAILDROP).resolve("t123456789");
    Files.writeString(partial, "half a queue file");
    Files.setLastModifiedTime(partial, FileTime.from(NOW.minus(Duration.ofHours(23))));

    scanner.scan(() -> true);

    assertThat(partial).exists();
    assertThat(sink.commits()).isEmpty();
    assertThat(log.lines).isEmpty();
  }

  @Test
  void scan_temporaryNameOlderThanADay_removedWithWarning() throws Exception {
    Path stale = queues.directory(QueueName.MAILDROP).resolve("t987654321");
    Files.writeString(stale, "left by a sendmail that was killed");
    Files.setLastModifiedTime(stale, FileTime.from(NOW.minus(Duration.ofHours(25))));
    QueueId id = drop();

    scanner.scan(() -> true);

    assertThat(stale).doesNotExist();
    assertThat(log.lines.get(0)).matches(
        "warning: maildrop/t987654321: uid \\d+: removed stale temporary file");
    assertThat(sink.commits()).hasSize(1);
    assertThat(queues.path(QueueName.MAILDROP, id)).doesNotExist();
  }

  @Test
  void scan_symlinkNamedLikeQueueId_notFollowedAndRemoved() throws Exception {
    QueueId held = drop();
    Path target = queues.path(QueueName.HOLD, held);
    Files.move(queues.path(QueueName.MAILDROP, held), target);
    Path link = queues.directory(QueueName.MAILDROP).resolve("ABCDE12345");
    Files.createSymbolicLink(link, target);

    scanner.scan(() -> true);

    assertThat(sink.commits()).isEmpty();
    assertThat(link).doesNotExist();
    assertThat(target).exists();
    assertThat(log.lines).singleElement().asString()
        .matches("warning: maildrop/ABCDE12345: uid \\d+: not a regular file");
  }

  @Test
  void scan_hardLinkedFile_notReadAndLinkRemoved() throws Exception {
    QueueId held = drop();
    Path target = queues.path(QueueName.HOLD, held);
    Files.move(queues.path(QueueName.MAILDROP, held), target);
    Path link = queues.directory(QueueName.MAILDROP).resolve("ABCDE12345");
    Files.createLink(link, target);

    scanner.scan(() -> true);

    assertThat(sink.commits()).isEmpty();
    assertThat(link).doesNotExist();
    assertThat(target).exists();
    assertThat(log.lines).singleElement().asString().endsWith(": file has 2 links");
  }
}
