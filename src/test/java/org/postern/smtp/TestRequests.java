package org.postern.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.deliver.DeliveryRequest;
import org.postern.queue.BodyType;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** Queue files and delivery requests for client tests. */
final class TestRequests {
  static final String SIMPLE = "Subject: test\r\n\r\nbody\r\n.leading dot\r\n";

  private TestRequests() {}

  static DeliveryRequest request(Path queueRoot, String nexthop, Envelope envelope, String content)
      throws IOException {
    Path file;
    try (QueueFileWriter w = QueueFileWriter.create(Queues.at(queueRoot), Clock.systemUTC())) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      file = w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
    }
    var qf = QueueFileReader.read(file);
    return new DeliveryRequest(QueueId.of(file.getFileName().toString()), qf, "smtp", nexthop,
        qf.recipients(), Instant.now());
  }

  static DeliveryRequest simple(Path queueRoot, String nexthop, String... recipients)
      throws IOException {
    List<Recipient> r = java.util.Arrays.stream(recipients).map(Recipient::of).toList();
    return request(queueRoot, nexthop, Envelope.of("sender@example.org", r), SIMPLE);
  }

  /** An envelope with the given flags and DSN parameters. */
  static Envelope envelope(List<Recipient> recipients, boolean requireTls, boolean smtputf8,
      Optional<DsnRet> ret, Optional<String> envid, Optional<BodyType> body) {
    return new Envelope("sender@example.org", recipients, ret, envid, requireTls, smtputf8, body,
        ClientFacts.NONE, Map.of());
  }
}
