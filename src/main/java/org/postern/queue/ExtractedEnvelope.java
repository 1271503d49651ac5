package org.postern.queue;

import java.util.List;

/**
 * The extracted segment of a queue file: what cleanup learned while reading the content. {@code
 * tlsRequiredNo} is the RFC 8689 {@code TLS-Required: no} header mark; {@code recipients} are
 * recipients taken from headers (sendmail -t).
 */
public record ExtractedEnvelope(List<Recipient> recipients, boolean tlsRequiredNo) {
  public static final ExtractedEnvelope NONE = new ExtractedEnvelope(List.of(), false);

  public ExtractedEnvelope {
    recipients = List.copyOf(recipients);
  }
}
