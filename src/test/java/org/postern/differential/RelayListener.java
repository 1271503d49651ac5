package org.postern.differential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The smtpd listeners each MTA offers as the middle hop of a chain cell ({@link RelayHop}): the
 * other MTA delivers to one of them, and the MTA relays on to the cell's receiver. Postfix 3.12
 * listens on {@link #postfixHost}, Postern on the next address, both on port 25 of the world's
 * network, with STARTTLS (a certificate for {@code relay.diff.test}) unless the listener says
 * otherwise in its {@code -o} overrides.
 */
public enum RelayListener {
  /** STARTTLS, REQUIRETLS announced after it (the defaults). */
  REQUIRETLS("requiretls", 21, List.of()),
  /** STARTTLS, REQUIRETLS not offered ({@code requiretls_enable = no}). */
  STARTTLS("starttls", 23, List.of("requiretls_enable=no")),
  /** No STARTTLS. */
  PLAIN("plain", 25, List.of("smtpd_tls_security_level=none"));

  final String label;
  private final int postfixHost;
  private final List<String> overrides;

  RelayListener(String label, int postfixHost, List<String> overrides) {
    this.label = label;
    this.postfixHost = postfixHost;
    this.overrides = overrides;
  }

  /** The listener's address in {@code net} when {@code mta} relays. */
  String address(String net, Mta mta) {
    return net + "." + (mta == Mta.POSTFIX ? postfixHost : postfixHost + 1);
  }

  /**
   * The listener's {@code -o} overrides: its own {@code myhostname} (a client refuses a server that
   * greets with the client's own name: "mail loops back to myself"), the certificate unless it is
   * {@link #PLAIN}, then its own.
   */
  List<String> overrides(Path cert, Path key) {
    List<String> all = new ArrayList<>(List.of("myhostname=" + certName()));
    if (this != PLAIN) {
      all.addAll(List.of("smtpd_tls_security_level=may", "smtpd_tls_cert_file=" + cert, "smtpd_tls_key_file=" + key));
    }
    all.addAll(overrides);
    return all;
  }

  /** The name its certificate is for, which the clients' verify and secure levels expect. */
  static String certName() {
    return "relay.diff.test";
  }
}
