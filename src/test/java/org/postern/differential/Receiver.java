package org.postern.differential;

import java.util.List;

/**
 * The receiving MTAs of the differential world: scripted aiosmtpd servers (peer_smtpd.py) on
 * port 25 of their own loopback address in 127.0.84.0/24, each with one behaviour. A receiver that
 * offers STARTTLS presents a certificate from the world's test CA for {@link #certName}, except
 * {@link #WRONG_CERT}, whose certificate is for {@code elsewhere.example}: verification against
 * the configured names ({@code *_cert_match}) or fingerprints then fails while encryption works.
 */
public enum Receiver {
  /** No STARTTLS. */
  PLAIN("plain", "127.0.84.11"),
  /** STARTTLS, no REQUIRETLS. */
  STARTTLS("starttls", "127.0.84.12"),
  /** STARTTLS, and REQUIRETLS announced after it. */
  REQUIRETLS("requiretls", "127.0.84.13"),
  /** STARTTLS and REQUIRETLS, with a certificate for another name. */
  WRONG_CERT("wrongcert", "127.0.84.14"),
  /** No STARTTLS; answers 550 to both MTAs' recipients. */
  REJECTS("rejects", "127.0.84.15"),
  /** Where bounces for the scenarios' senders go: no STARTTLS. */
  BOUNCES("bounces", "127.0.84.2");

  final String label;
  final String address;

  Receiver(String label, String address) {
    this.label = label;
    this.address = address;
  }

  /** The name configured as this receiver's identity: what verify, secure and fingerprint expect. */
  String certName() {
    return label + ".diff.test";
  }

  /** The name on the certificate it presents. */
  String presentedCertName() {
    return this == WRONG_CERT ? "elsewhere.example" : certName();
  }

  boolean offersStartTls() {
    return this != PLAIN && this != BOUNCES && this != REJECTS;
  }

  /** peer_smtpd.py options other than {@code --tls CERT KEY}. */
  List<String> options() {
    return switch (this) {
      case REQUIRETLS, WRONG_CERT -> List.of("--requiretls");
      case REJECTS -> List.of("--reject-rcpt", Mta.POSTFIX.label(), "--reject-rcpt", Mta.POSTERN.label());
      default -> List.of();
    };
  }

  /** The next hop of a transport to this receiver: {@code [address]:25}, no MX lookup. */
  String nextHop() {
    return "[" + address + "]:25";
  }
}
