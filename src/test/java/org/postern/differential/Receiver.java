package org.postern.differential;

import java.util.List;

/**
 * The receiving MTAs of the differential world: scripted aiosmtpd servers (peer_smtpd.py) on
 * port 25 (LMTP: 24) of their own loopback address ({@link #host} in the world's {@code 127.0.x} network),
 * each with one behaviour. A receiver that
 * offers STARTTLS presents a certificate from the world's test CA for {@link #certName}, except
 * {@link #WRONG_CERT}, whose certificate is for {@code elsewhere.example}: verification against
 * the configured names ({@code *_cert_match}) or fingerprints then fails while encryption works.
 */
public enum Receiver {
  /** No STARTTLS. */
  PLAIN("plain", 11),
  /** STARTTLS, no REQUIRETLS. */
  STARTTLS("starttls", 12),
  /** STARTTLS, and REQUIRETLS announced after it. */
  REQUIRETLS("requiretls", 13),
  /** STARTTLS and REQUIRETLS, with a certificate for another name. */
  WRONG_CERT("wrongcert", 14),
  /** No STARTTLS, no SMTPUTF8. */
  NO_SMTPUTF8("nosmtputf8", 16),
  /** No STARTTLS; answers 550 to both MTAs' recipients. */
  REJECTS("rejects", 15),
  /** Where bounces for the scenarios' senders go: no STARTTLS. */
  BOUNCES("bounces", 2),
  /** LMTP on port 24, no STARTTLS. */
  LMTP_PLAIN("lmtpplain", 31),
  /** LMTP on port 24, STARTTLS, no REQUIRETLS. */
  LMTP_STARTTLS("lmtpstarttls", 32),
  /** LMTP on port 24, STARTTLS, and REQUIRETLS announced after it. */
  LMTP_REQUIRETLS("lmtprequiretls", 33);

  final String label;
  /** The last octet of its address. */
  final int host;

  Receiver(String label, int host) {
    this.label = label;
    this.host = host;
  }

  /** Its address in {@code net} ({@code 127.0.84}). */
  String address(String net) {
    return net + "." + host;
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
    return this != PLAIN && this != NO_SMTPUTF8 && this != BOUNCES && this != REJECTS && this != LMTP_PLAIN;
  }

  /** Whether it speaks LMTP (on port 24): the scenario's transport is then the {@code lmtp} service. */
  boolean lmtp() {
    return this == LMTP_PLAIN || this == LMTP_STARTTLS || this == LMTP_REQUIRETLS;
  }

  int port() {
    return lmtp() ? 24 : 25;
  }

  /** peer_smtpd.py options other than {@code --tls CERT KEY}. */
  List<String> options() {
    return switch (this) {
      case REQUIRETLS, WRONG_CERT -> List.of("--requiretls");
      case NO_SMTPUTF8 -> List.of("--no-smtputf8");
      case REJECTS -> List.of("--reject-rcpt", Mta.POSTFIX.label(), "--reject-rcpt", Mta.POSTERN.label());
      case LMTP_PLAIN, LMTP_STARTTLS -> List.of("--lmtp");
      case LMTP_REQUIRETLS -> List.of("--lmtp", "--requiretls");
      default -> List.of();
    };
  }

  /**
   * The next hop of a transport to this receiver in {@code net}, no MX lookup: {@code
   * [address]:25}, or {@code inet:[address]:24} for LMTP.
   */
  String nextHop(String net) {
    return (lmtp() ? "inet:" : "") + "[" + address(net) + "]:" + port();
  }
}
