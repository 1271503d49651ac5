package org.postern.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.config.MainConfig;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.log.MailLog;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** A queue with one original message, its logs, and a BounceService with recorded output. */
final class BounceFixture {
  static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T12:34:56.123456Z"), ZoneOffset.UTC);
  static final String CONTENT =
      "From: Sender <sender@example.org>\r\n"
          + "To: someone@example.net\r\n"
          + "Subject: quarterly figures\r\n"
          + "Message-Id: <m1@example.org>\r\n"
          + "\r\n"
          + "The body text that must not leak.\r\n";

  final Queues queues;
  final Map<String, String> config = new HashMap<>(Map.of("myhostname", "mx.example.com"));
  final RecordingMailSubmitter submitter = new RecordingMailSubmitter();
  private final Path root;
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

  BounceFixture(Path root) throws IOException {
    this.root = root;
    this.queues = Queues.at(root.resolve("spool"));
    queues.createDirectories();
  }

  /** The original: an envelope in the active queue with {@code content}. */
  QueueFile original(Envelope envelope, String content, boolean tlsRequiredNo)
      throws IOException {
    Path path;
    try (QueueFileWriter w = QueueFileWriter.create(queues, CLOCK)) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      path = w.commit(QueueName.INCOMING, new ExtractedEnvelope(List.of(), tlsRequiredNo));
    }
    return QueueFileReader.read(path);
  }

  QueueFile original(Envelope envelope) throws IOException {
    return original(envelope, CONTENT, false);
  }

  static Envelope envelope(String sender, Optional<DsnRet> ret, boolean requireTls,
      boolean smtputf8, Recipient... recipients) {
    return new Envelope(sender, List.of(recipients), ret, Optional.of("ENV-42"), requireTls,
        smtputf8, Optional.empty(), ClientFacts.NONE, Map.of());
  }

  static Envelope plain(String sender, Recipient... recipients) {
    return envelope(sender, Optional.empty(), false, false, recipients);
  }

  static Recipient rcpt(String address, DsnNotify... notify) {
    return Recipient.of(address).withDsn(null, Set.of(notify));
  }

  static RecipientLog.Entry bounced(Recipient r) {
    return RecipientLog.Entry.of(RecipientResult.bounced(r, "5.1.1", "mx.example.net[192.0.2.1]:25",
            "host mx.example.net[192.0.2.1] said: 550 5.1.1 No such user (in reply to RCPT TO)")
        .withDiagnostic("smtp; 550 5.1.1 No such user"));
  }

  static RecipientLog.Entry deferred(Recipient r) {
    return RecipientLog.Entry.of(RecipientResult.deferred(r, "4.4.1", "none",
        "connect to mx.example.net[192.0.2.1]:25: Connection refused"));
  }

  static RecipientLog.Entry sent(Recipient r) {
    return RecipientLog.Entry.of(RecipientResult.sent(r, "2.0.0", "mx.example.net[192.0.2.1]:25",
        "250 2.0.0 Ok: queued").relayed());
  }

  void log(RecipientLog log, QueueFile message, RecipientLog.Entry... entries) throws IOException {
    for (RecipientLog.Entry e : entries) {
      log.append(id(message), e);
    }
  }

  static QueueId id(QueueFile message) {
    return message.id().orElseThrow();
  }

  BounceService service() throws IOException {
    return service(submitter);
  }

  BounceService service(MailSubmitter with) throws IOException {
    MailLog log = MailLog.builder()
        .standardOutput(true)
        .standardStreams(new PrintStream(logged, true, StandardCharsets.UTF_8), System.err)
        .hostName("mx")
        .clock(CLOCK)
        .build();
    return new BounceService(MainConfig.of(root, config), queues, with, CLOCK,
        log.program("bounce"));
  }

  String logged() {
    return logged.toString(StandardCharsets.UTF_8);
  }

  MimeReport report() {
    return MimeReport.parse(submitter.only().text());
  }
}
