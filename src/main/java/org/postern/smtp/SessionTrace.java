package org.postern.smtp;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What TLS reporting (org.postern.tlsrpt) learns of one session attempt beyond its outcome, for
 * RFC 8460's failure details: the local address the connection left from ({@code
 * sending-mta-ip}), the host name the server gave at the start of its EHLO or HELO reply ({@code
 * receiving-mx-helo}), and, when the certificate check of the TLS level refused the server, the
 * chain it refused, so that the failure can be told apart (expired, not trusted, wrong name).
 * Each is empty where the attempt did not get that far.
 */
record SessionTrace(
    String sendingIp, String ehloName, Optional<List<X509Certificate>> rejectedChain) {
  static final SessionTrace NONE = new SessionTrace("", "", Optional.empty());

  SessionTrace {
    rejectedChain = rejectedChain.map(List::copyOf);
  }
}
