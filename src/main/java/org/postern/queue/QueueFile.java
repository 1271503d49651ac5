package org.postern.queue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A queue file as read and validated by {@link QueueFileReader}: its envelope and extracted
 * segments, the message size, and where its content records start and end (so that the content
 * can be streamed later without holding it in memory).
 */
public record QueueFile(
    Path path,
    Instant arrivalTime,
    Envelope envelope,
    ExtractedEnvelope extracted,
    long messageSize,
    long contentOffset,
    long extractedOffset) {

  /** The queue id, when the file carries a queue id as its name. */
  public Optional<QueueId> id() {
    String name = path.getFileName().toString();
    return QueueId.isValid(name) ? Optional.of(QueueId.of(name)) : Optional.empty();
  }

  /** Every recipient, envelope ones first, then those extracted from headers. */
  public List<Recipient> recipients() {
    List<Recipient> all = new ArrayList<>(envelope.recipients());
    all.addAll(extracted.recipients());
    return all;
  }

  /** The recipients still to deliver to. */
  public List<Recipient> pendingRecipients() {
    return recipients().stream().filter(r -> !r.done()).toList();
  }

  /** The {@code TLS-Required: no} mark, honoured only when REQUIRETLS is not set. */
  public boolean tlsRequiredNo() {
    return extracted.tlsRequiredNo();
  }
}
