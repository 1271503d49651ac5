package org.postern.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** A configuration directory whose main.cf names a fresh queue directory and mail log. */
final class QueueCommandTestSupport {
  final Path config;
  final Path queueDirectory;
  final Path maillog;
  final Queues queues;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  QueueCommandTestSupport(Path base) throws IOException {
    config = Files.createDirectories(base.resolve("etc"));
    queueDirectory = base.resolve("spool");
    maillog = base.resolve("maillog");
    Files.writeString(config.resolve("main.cf"),
        "queue_directory = " + queueDirectory + "\nmaillog_file = " + maillog + "\n");
    queues = Queues.at(queueDirectory);
    queues.createDirectories();
  }

  QueueId message(QueueName queue, Envelope envelope, String content, ExtractedEnvelope ext)
      throws IOException {
    try (QueueFileWriter w = QueueFileWriter.create(queues, Clock.systemUTC())) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      w.commit(QueueName.INCOMING, ext);
      if (queue != QueueName.INCOMING) {
        queues.move(w.id(), QueueName.INCOMING, queue);
      }
      return w.id();
    }
  }

  QueueId message(QueueName queue) throws IOException {
    return message(queue, Envelope.of("s@example.org", List.of(Recipient.of("r@example.com"))),
        "Subject: hi\n\nbody\n", ExtractedEnvelope.NONE);
  }

  PrintStream outStream() {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  PrintStream errStream() {
    return new PrintStream(err, true, StandardCharsets.UTF_8);
  }

  static ByteArrayInputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
