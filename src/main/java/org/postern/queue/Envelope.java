package org.postern.queue;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The envelope segment of a queue file: what the SMTP transaction (or local submission) said
 * before the content arrived. {@code requireTls} is the RFC 8689 REQUIRETLS mark; {@code smtputf8}
 * the RFC 6531 SMTPUTF8 mark. {@code attributes} carries further named attributes (for example
 * {@code rewrite_context}) that later components add; names of the built-in ones are refused.
 */
public record Envelope(
    String sender,
    List<Recipient> recipients,
    Optional<DsnRet> dsnRet,
    Optional<String> envid,
    boolean requireTls,
    boolean smtputf8,
    Optional<BodyType> bodyType,
    ClientFacts client,
    Map<String, String> attributes) {

  public Envelope {
    Objects.requireNonNull(sender, "sender");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(dsnRet, "dsnRet");
    Objects.requireNonNull(envid, "envid");
    Objects.requireNonNull(bodyType, "bodyType");
    Objects.requireNonNull(client, "client");
    attributes = Map.copyOf(attributes);
    for (String name : attributes.keySet()) {
      if (Attributes.isBuiltIn(name)) {
        throw new IllegalArgumentException("attribute " + name + " has its own field");
      }
    }
  }

  /** A plain envelope: no DSN, no marks, no client facts. */
  public static Envelope of(String sender, List<Recipient> recipients) {
    return new Envelope(
        sender,
        recipients,
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        Optional.empty(),
        ClientFacts.NONE,
        Map.of());
  }
}
