package org.postern.pipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.postern.deliver.DeliveryRequest;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** Real queue files and delivery requests for agent tests. */
final class TestRequests {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:34:56Z"), ZoneOffset.UTC);

  private TestRequests() {}

  static DeliveryRequest request(Path queueRoot, String sender, String content, String transport,
      String nexthop, String... recipients) throws IOException {
    return request(queueRoot, sender, content, transport, nexthop, Map.of(), recipients);
  }

  /** As above, with named {@code attributes} in the envelope ({@code trace_flags}, say). */
  static DeliveryRequest request(Path queueRoot, String sender, String content, String transport,
      String nexthop, Map<String, String> attributes, String... recipients) throws IOException {
    Envelope plain = Envelope.of(sender, Arrays.stream(recipients).map(Recipient::of).toList());
    return request(queueRoot, new Envelope(plain.sender(), plain.recipients(), plain.dsnRet(),
        plain.envid(), false, false, plain.bodyType(), plain.client(), attributes), content,
        transport, nexthop);
  }

  /** A request for a queue file with {@code envelope}. */
  static DeliveryRequest request(Path queueRoot, Envelope envelope, String content,
      String transport, String nexthop) throws IOException {
    Queues queues = Queues.at(queueRoot);
    Path file;
    try (QueueFileWriter w = QueueFileWriter.create(queues, CLOCK)) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      file = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
    }
    QueueFile q = QueueFileReader.read(file);
    return new DeliveryRequest(q.id().orElseThrow(), q, transport, nexthop, q.recipients(),
        CLOCK.instant());
  }
}
