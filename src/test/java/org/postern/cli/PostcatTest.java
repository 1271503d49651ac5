package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Recipient;

class PostcatTest {
  @TempDir Path base;
  private QueueCommandTestSupport t;
  private QueueId id;

  @BeforeEach
  void setUp() throws Exception {
    t = new QueueCommandTestSupport(base);
    Envelope e = new Envelope("sender@example.org",
        List.of(Recipient.of("rcpt@example.com").withOriginalRecipient("alias@example.com")
            .withDsn("rfc822;alias@example.com", Set.of(DsnNotify.FAILURE))),
        Optional.of(DsnRet.FULL), Optional.of("E1"), true, true,
        Optional.of(BodyType.EIGHT_BIT_MIME),
        new ClientFacts("mx.example.net", "192.0.2.1", "mx.example.net", "ESMTPS", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256"), Map.of());
    id = t.message(QueueName.DEFERRED, e,
        "Subject: hello\r\nX-Long: a\r\n b\r\n\r\nbody line\r\nSubject: not a header\r\n",
        new ExtractedEnvelope(List.of(), true));
  }

  private int postcat(String... args) throws Exception {
    return new Postcat(t.outStream(), t.errStream(), QueueCommandTestSupport.stdin(""))
        .main(List.of(args));
  }

  @Test
  void main_queueId_printsAllSegmentsWithMarks() throws Exception {
    int status = postcat("-c", t.config.toString(), "-q", id.value());

    String name = "deferred/" + id.value().charAt(0) + "/" + id.value();
    assertThat(status).isZero();
    assertThat(t.out()).startsWith("*** ENVELOPE RECORDS " + name + " ***\nmessage_size: ");
    assertThat(t.out().lines().toList()).containsSubsequence(
        "sender: sender@example.org",
        "named_attribute: client_address=192.0.2.1",
        "named_attribute: tls_protocol=TLSv1.3",
        "named_attribute: dsn_envid=E1",
        "named_attribute: dsn_ret=FULL",
        "named_attribute: body_type=8BITMIME",
        "requiretls: yes",
        "smtputf8: yes",
        "original_recipient: alias@example.com",
        "dsn_orig_rcpt: rfc822;alias@example.com",
        "dsn_notify_flags: FAILURE",
        "recipient: rcpt@example.com",
        "*** MESSAGE CONTENTS " + name + " ***",
        "Subject: hello",
        "X-Long: a",
        " b",
        "",
        "body line",
        "*** HEADER EXTRACTED " + name + " ***",
        "tls_required: no",
        "*** MESSAGE FILE END " + name + " ***");
    assertThat(t.out()).containsPattern(
        "\nmessage_arrival_time: [A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n");
  }

  @Test
  void main_headerOnly_noMarkersNoBody() throws Exception {
    postcat("-c", t.config.toString(), "-hq", id.value());

    assertThat(t.out()).isEqualTo("Subject: hello\nX-Long: a\n b\n");
  }

  @Test
  void main_bodyOnly_fromEmptyLine() throws Exception {
    postcat("-c", t.config.toString(), "-b", "-q", id.value());

    assertThat(t.out()).isEqualTo("\nbody line\nSubject: not a header\n");
  }

  @Test
  void main_envelopeOnly_markersAndRecordsNoText() throws Exception {
    postcat("-c", t.config.toString(), "-eq", id.value());

    assertThat(t.out()).contains("*** MESSAGE CONTENTS ", "tls_required: no", "recipient: ")
        .doesNotContain("Subject:", "body line");
  }

  @Test
  void main_fileOperand_namedAsGiven() throws Exception {
    Path file = t.queues.path(QueueName.DEFERRED, id);

    postcat("-e", file.toString());

    assertThat(t.out()).startsWith("*** ENVELOPE RECORDS " + file + " ***\n");
  }

  @Test
  void main_incompleteFile_printsThenFatal() throws Exception {
    Path file = t.queues.path(QueueName.DEFERRED, id);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 5);
    }

    int status = postcat(file.toString());

    assertThat(status).isEqualTo(1);
    assertThat(t.out()).contains("tls_required: no").doesNotContain("MESSAGE FILE END");
    assertThat(t.err()).startsWith("postcat: fatal: " + file + ": offset ")
        .contains("no end marker (incomplete queue file)");
  }

  @Test
  void main_unknownId_fatal() throws Exception {
    int status = postcat("-c", t.config.toString(), "-q", "ABCDEF1");

    assertThat(status).isEqualTo(1);
    assertThat(t.err()).isEqualTo("postcat: fatal: open queue file ABCDEF1: No such file or directory\n");
  }

  @Test
  void main_notAQueueFile_fatal() throws Exception {
    Path junk = Files.writeString(base.resolve("junk"), "hello\n");

    assertThat(postcat(junk.toString())).isEqualTo(1);
    assertThat(t.err()).contains("input is not a valid queue file");
  }

  @Test
  void main_verbose_namesTextRecords() throws Exception {
    postcat("-v", "-h", "-c", t.config.toString(), "-q", id.value());

    assertThat(t.out()).startsWith("regular_text: Subject: hello\n");
  }
}
