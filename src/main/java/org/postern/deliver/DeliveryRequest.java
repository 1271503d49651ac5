package org.postern.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueId;
import org.postern.queue.Recipient;
import org.postern.queue.TraceFlags;

/**
 * One delivery attempt, Postfix's {@code DELIVER_REQUEST}: a message in the active queue, the
 * transport and next hop chosen for a group of its recipients, and those recipients.
 *
 * @param queueId the message
 * @param message the queue file as read (envelope, marks, DSN, client facts, content position)
 * @param transport the master.cf transport name ({@code smtp}, {@code local}, {@code relay}...)
 * @param nexthop the next hop in the transport's syntax ({@code [mx.example]:25}, a domain,
 *     {@code unix:/path}, or the local part for local delivery)
 * @param recipients the recipients of this attempt, each with its queue-file offset
 * @param activeSince when qmgr moved the message into the active queue (the {@code b} of
 *     {@code delays=a/b/c/d} starts here)
 */
public record DeliveryRequest(
    QueueId queueId,
    QueueFile message,
    String transport,
    String nexthop,
    List<Recipient> recipients,
    Instant activeSince) {

  public DeliveryRequest {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException(queueId + ": delivery request without recipients");
    }
  }

  /** The envelope sender, empty for the null sender. */
  public String sender() {
    return message.envelope().sender();
  }

  /** The message asked for RFC 8689 REQUIRETLS. */
  public boolean requireTls() {
    return message.envelope().requireTls();
  }

  /** The message carries {@code TLS-Required: no} and did not ask for REQUIRETLS. */
  public boolean tlsRequiredNo() {
    return !requireTls() && message.tlsRequiredNo();
  }

  /**
   * An address probe (verify(8) or {@code sendmail -bv}), Postfix's DEL_REQ_TRACE_ONLY: the agent
   * finds out whether the recipient would be taken, and delivers nothing.
   */
  public boolean traceOnly() {
    return TraceFlags.of(message.envelope()).traceOnly();
  }

  /** Streams the content (header, empty line, body), each line ending in {@code lineEnd}. */
  public void copyContent(OutputStream out, String lineEnd) throws IOException {
    try (QueueFileReader reader = QueueFileReader.open(message.path())) {
      reader.copyContent(out, lineEnd);
    }
  }
}
