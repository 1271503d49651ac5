package org.postern.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Writes small queue files for tests. */
final class QueueFileTestSupport {
  static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T12:34:56.123456Z"), ZoneOffset.UTC);

  private QueueFileTestSupport() {}

  static Path commit(Queues queues, Envelope envelope, String content, QueueName target,
      ExtractedEnvelope extracted) throws IOException {
    try (QueueFileWriter w = QueueFileWriter.create(queues, CLOCK)) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      return w.commit(target, extracted);
    }
  }

  static Path simple(Queues queues, String... recipients) throws IOException {
    List<Recipient> rcpts = java.util.Arrays.stream(recipients).map(Recipient::of).toList();
    return commit(queues, Envelope.of("sender@example.org", rcpts),
        "Subject: test\r\n\r\nbody\r\n", QueueName.INCOMING, ExtractedEnvelope.NONE);
  }

  static byte[] content(Path file, String lineEnd) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (QueueFileReader r = QueueFileReader.open(file)) {
      r.copyContent(out, lineEnd);
    }
    return out.toByteArray();
  }
}
