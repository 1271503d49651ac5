package org.postern.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.postern.deliver.RecipientLog;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileMarker;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** A configuration whose queue directory holds queue files written as the daemons write them. */
final class PostqueueFixture {
  static final String CONTENT = "Subject: hi\n\nbody\n"; // 21 bytes with CRLF line ends

  final Path config;
  final Queues queues;
  final Instant now = Instant.parse("2009-11-24T09:00:00Z");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  PostqueueFixture(Path base) throws IOException {
    config = Files.createDirectories(base.resolve("etc"));
    Path queueDirectory = base.resolve("spool");
    Files.writeString(config.resolve("main.cf"), "queue_directory = " + queueDirectory + "\n");
    queues = Queues.at(queueDirectory);
    queues.createDirectories();
  }

  /** A message that arrived at {@code arrival}, moved into {@code queue}. */
  QueueId message(QueueName queue, String arrival, String sender, String... recipients)
      throws IOException {
    List<Recipient> rcpts = new ArrayList<>();
    for (String r : recipients) {
      rcpts.add(Recipient.of(r));
    }
    Clock clock = Clock.fixed(Instant.parse(arrival), ZoneOffset.UTC);
    try (QueueFileWriter w = QueueFileWriter.create(queues, clock)) {
      w.writeEnvelope(Envelope.of(sender, rcpts));
      w.content().write(CONTENT.getBytes(StandardCharsets.US_ASCII));
      w.commit(queue == QueueName.HOLD ? QueueName.HOLD : QueueName.INCOMING,
          ExtractedEnvelope.NONE);
      if (queue != QueueName.INCOMING && queue != QueueName.HOLD) {
        queues.move(w.id(), QueueName.INCOMING, queue);
      }
      return w.id();
    }
  }

  private Recipient recipient(QueueName queue, QueueId id, String address) throws IOException {
    return QueueFileReader.read(queues.path(queue, id)).recipients().stream()
        .filter(r -> r.address().equals(address)).findFirst().orElseThrow();
  }

  /** Logs a deferral of {@code address}, as qmgr does after a failed attempt. */
  void deferred(QueueName queue, QueueId id, String address, String reason) throws IOException {
    RecipientResult result =
        RecipientResult.deferred(recipient(queue, id, address), "4.4.1", "none", reason);
    RecipientLog.defer(queues).append(id, RecipientLog.Entry.of(result));
  }

  /** Marks {@code address} delivered, as qmgr does. */
  void done(QueueName queue, QueueId id, String address) throws IOException {
    QueueFileMarker.markDone(queues.path(queue, id), recipient(queue, id, address));
  }

  Postqueue postqueue() {
    return new Postqueue(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Clock.fixed(now, ZoneOffset.UTC),
        ZoneOffset.UTC);
  }

  /** Runs postqueue with {@code -c config} and {@code args}; returns the exit status. */
  int run(String... args) {
    List<String> all = new ArrayList<>(List.of("-c", config.toString()));
    all.addAll(List.of(args));
    return postqueue().main(all);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
