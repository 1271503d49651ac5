package org.postern.queue;

import java.util.Objects;

/**
 * What smtpd (or pickup) knew about the client: its verified name, address, HELO name, protocol
 * (SMTP, ESMTP, ESMTPS...), and the TLS protocol and cipher when the session was encrypted. An
 * empty string is a fact not known; it is not written.
 */
public record ClientFacts(
    String name,
    String address,
    String helo,
    String protocol,
    String tlsProtocol,
    String tlsCipher) {

  /** No facts: local submission. */
  public static final ClientFacts NONE = new ClientFacts("", "", "", "", "", "");

  public ClientFacts {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(helo, "helo");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tlsProtocol, "tlsProtocol");
    Objects.requireNonNull(tlsCipher, "tlsCipher");
  }
}
