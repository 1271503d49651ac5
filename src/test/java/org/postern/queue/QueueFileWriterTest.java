package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileWriterTest {
  @TempDir Path root;

  private Queues queues() {
    return Queues.at(root);
  }

  private static Envelope fullEnvelope() {
    Recipient a = Recipient.of("a@example.com")
        .withOriginalRecipient("alias@example.com")
        .withDsn("rfc822;alias@example.com", EnumSet.of(DsnNotify.SUCCESS, DsnNotify.FAILURE));
    Recipient b = Recipient.of("b@ex\u00e4mple.com").withDsn(null, Set.of(DsnNotify.NEVER));
    return new Envelope(
        "s\u00e9nder@example.org",
        List.of(a, b),
        Optional.of(DsnRet.HDRS),
        Optional.of("ENV+2DID"),
        true,
        true,
        Optional.of(BodyType.EIGHT_BIT_MIME),
        new ClientFacts("mail.example.net", "192.0.2.7", "helo.example.net", "ESMTPS",
            "TLSv1.3", "TLS_AES_256_GCM_SHA384"),
        Map.of("rewrite_context", "remote"));
  }

  @Test
  void commit_everyFieldAndMark_roundTrips() throws Exception {
    Recipient extractedRcpt = Recipient.of("c@example.com");
    Path file = QueueFileTestSupport.commit(queues(), fullEnvelope(), "Subject: x\r\n\r\nhi\r\n",
        QueueName.INCOMING, new ExtractedEnvelope(List.of(extractedRcpt), true));

    QueueFile q = QueueFileReader.read(file);

    Envelope want = fullEnvelope();
    Envelope got = q.envelope();
    assertThat(q.arrivalTime()).isEqualTo(QueueFileTestSupport.CLOCK.instant());
    assertThat(got.sender()).isEqualTo(want.sender());
    assertThat(got.dsnRet()).contains(DsnRet.HDRS);
    assertThat(got.envid()).contains("ENV+2DID");
    assertThat(got.requireTls()).isTrue();
    assertThat(got.smtputf8()).isTrue();
    assertThat(got.bodyType()).contains(BodyType.EIGHT_BIT_MIME);
    assertThat(got.client()).isEqualTo(want.client());
    assertThat(got.attributes()).isEqualTo(Map.of("rewrite_context", "remote"));
    assertThat(q.tlsRequiredNo()).isTrue();
    assertThat(q.recipients()).extracting(Recipient::address)
        .containsExactly("a@example.com", "b@ex\u00e4mple.com", "c@example.com");
    Recipient a = q.recipients().get(0);
    assertThat(a.originalRecipient()).contains("alias@example.com");
    assertThat(a.dsnOrcpt()).contains("rfc822;alias@example.com");
    assertThat(a.notifyFlags()).containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.FAILURE);
    assertThat(a.done()).isFalse();
    assertThat(q.recipients().get(1).notifyFlags()).containsExactly(DsnNotify.NEVER);
    assertThat(q.recipients().get(1).dsnOrcpt()).isEmpty();
    assertThat(q.extracted().recipients()).hasSize(1);
    assertThat(q.messageSize()).isEqualTo("Subject: x\r\n\r\nhi\r\n".length());
    assertThat(q.id()).map(QueueId::value).contains(file.getFileName().toString());
  }

  @Test
  void commit_plainEnvelope_noMarks() throws Exception {
    Path file = QueueFileTestSupport.simple(queues(), "r@example.com");

    QueueFile q = QueueFileReader.read(file);

    assertThat(q.envelope().requireTls()).isFalse();
    assertThat(q.envelope().smtputf8()).isFalse();
    assertThat(q.tlsRequiredNo()).isFalse();
    assertThat(q.envelope().dsnRet()).isEmpty();
    assertThat(q.envelope().bodyType()).isEmpty();
    assertThat(q.envelope().client()).isEqualTo(ClientFacts.NONE);
  }

  @Test
  void content_lineEndsNormalised_bareCrKept_lastLineTerminated() throws Exception {
    Path file = QueueFileTestSupport.commit(queues(), Envelope.of("", List.of(Recipient.of("r@x"))),
        "A: 1\r\nB: 2\n\r\nbare\rcr\r\nlast", QueueName.INCOMING, ExtractedEnvelope.NONE);

    assertThat(new String(QueueFileTestSupport.content(file, "\r\n"), StandardCharsets.UTF_8))
        .isEqualTo("A: 1\r\nB: 2\r\n\r\nbare\rcr\r\nlast\r\n");
  }

  @Test
  void content_longLinesAndBinaryBytes_survive() throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.write("Subject: bin\n\n".getBytes(StandardCharsets.US_ASCII));
    byte[] longLine = new byte[10_000];
    for (int i = 0; i < longLine.length; i++) {
      longLine[i] = (byte) (0x80 + i % 0x7f); // 8-bit, never CR or LF
    }
    in.write(longLine);
    in.write('\n');
    for (int b = 0; b < 256; b++) {
      if (b != '\r' && b != '\n') {
        in.write(b);
      }
    }
    in.write('\n');
    Path file;
    try (QueueFileWriter w = QueueFileWriter.create(queues(), Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
      w.content().write(in.toByteArray());
      file = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
    }

    assertThat(QueueFileTestSupport.content(file, "\n")).isEqualTo(in.toByteArray());
    List<Boolean> completes = new ArrayList<>();
    try (QueueFileReader r = QueueFileReader.open(file)) {
      r.readContent((data, complete) -> {
        assertThat(data.length).isLessThanOrEqualTo(2048);
        completes.add(complete);
      });
    }
    assertThat(completes).containsExactly(true, true, false, false, false, false, true, true);
  }

  @Test
  void content_fiveMegabyteBody_streamedAndSizeCounted() throws Exception {
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    byte[] line = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    int lines = 5 * 1024 * 1024 / line.length + 1;
    Path file;
    try (QueueFileWriter w = QueueFileWriter.create(queues(), Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
      OutputStream body = new DigestOutputStream(w.content(), written);
      body.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < lines; i++) {
        body.write(line);
      }
      assertThat(w.messageSize()).isGreaterThan(5L * 1024 * 1024);
      file = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
    }

    MessageDigest read = MessageDigest.getInstance("SHA-256");
    try (QueueFileReader r = QueueFileReader.open(file)) {
      r.copyContent(new DigestOutputStream(OutputStream.nullOutputStream(), read), "\r\n");
      assertThat(r.queueFile().messageSize()).isEqualTo(16L + (long) lines * line.length);
    }
    assertThat(read.digest()).isEqualTo(written.digest());
  }

  @Test
  void commit_beforeCommitNothingInIncoming_afterCommitNoTemporaryFile() throws Exception {
    Queues q = queues();
    q.createDirectories();
    try (QueueFileWriter w = QueueFileWriter.create(q, Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
      w.content().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(entries(root.resolve("incoming"))).isEmpty();
      assertThat(entries(root.resolve("tmp"))).hasSize(1);

      Path committed = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);

      assertThat(entries(root.resolve("incoming"))).containsExactly(committed);
      assertThat(committed.getFileName().toString()).isEqualTo(w.id().value());
    }
    assertThat(entries(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void createInMaildrop_writtenUnderTemporaryName_renamedToQueueIdMode0640() throws Exception {
    Queues q = queues();
    q.createDirectories();
    try (QueueFileWriter w = QueueFileWriter.createInMaildrop(q, Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
      List<Path> inProgress = entries(root.resolve("maildrop"));
      assertThat(inProgress).hasSize(1);
      assertThat(inProgress.get(0).getFileName().toString()).startsWith("t")
          .matches(name -> !QueueId.isValid(name), "not a queue id");
      assertThat(q.list(QueueName.MAILDROP)).isEmpty();

      Path committed = w.commit(QueueName.MAILDROP, ExtractedEnvelope.NONE);

      assertThat(entries(root.resolve("maildrop"))).containsExactly(committed);
      assertThat(committed.getFileName().toString()).isEqualTo(w.id().value());
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(committed))).isEqualTo("rw-r-----");
    }
    assertThat(entries(root.resolve("tmp"))).isEmpty();
  }

  @Test
  void createInMaildrop_commitIntoIncoming_refusedAndNothingLeft() throws Exception {
    Queues q = queues();
    try (QueueFileWriter w = QueueFileWriter.createInMaildrop(q, Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));

      assertThatThrownBy(() -> w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maildrop");
    }
    assertThat(entries(root.resolve("maildrop"))).isEmpty();
    assertThat(q.list(QueueName.INCOMING)).isEmpty();
  }

  @Test
  void close_withoutCommit_removesTemporaryFile() throws Exception {
    Queues q = queues();
    try (QueueFileWriter w = QueueFileWriter.create(q, Clock.systemUTC())) {
      w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
    }
    assertThat(entries(root.resolve("tmp"))).isEmpty();
    assertThat(q.list(QueueName.INCOMING)).isEmpty();
  }

  @Test
  void writeEnvelope_lineBreakInAddress_refused() throws Exception {
    try (QueueFileWriter w = QueueFileWriter.create(queues(), Clock.systemUTC())) {
      assertThatThrownBy(() -> w.writeEnvelope(
          Envelope.of("s@x", List.of(Recipient.of("r@x\r\nRCPT TO:<evil@x>")))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void create_concurrentWriters_uniqueQueueIds() throws Exception {
    Queues q = queues();
    q.createDirectories();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Future<Path>> results = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 300; i++) {
        results.add(ex.submit(() -> {
          try (QueueFileWriter w = QueueFileWriter.create(q, Clock.systemUTC())) {
            ids.add(w.id().value());
            w.writeEnvelope(Envelope.of("s@x", List.of(Recipient.of("r@x"))));
            w.content().write("x\n".getBytes(StandardCharsets.US_ASCII));
            return w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
          }
        }));
      }
    }
    Set<Path> paths = new HashSet<>();
    for (Future<Path> f : results) {
      paths.add(f.get());
    }
    assertThat(ids).hasSize(300);
    assertThat(paths).hasSize(300);
    assertThat(q.list(QueueName.INCOMING)).hasSize(300);
  }

  private static List<Path> entries(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
