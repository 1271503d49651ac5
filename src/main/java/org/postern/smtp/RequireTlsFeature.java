package org.postern.smtp;

/**
 * The REQUIRETLS part of a {@code tls=} delivery status field: whether the requirements were met,
 * relaxed by the action, or violated (the connection then carried no mail). Spelled as Postfix
 * logs it: a leading {@code !} for a violation, {@code :what} for what was missing, a trailing
 * {@code ?} when undecided.
 */
public enum RequireTlsFeature {
  /** All requirements met; REQUIRETLS was sent. */
  REQUIRETLS("requiretls"),
  /** No certificate match where the action required one. */
  NOCERTMATCH_VIOLATED("!requiretls:nocertmatch"),
  /** No certificate match, permitted by a relaxed action. */
  NOCERTMATCH_PERMITTED("requiretls:nocertmatch"),
  /** No STARTTLS where the action required it. */
  NOSTARTTLS_VIOLATED("!requiretls:nostarttls"),
  /** The configured TLS level turns encryption off; no connection was made. */
  NOENCRYPTION_VIOLATED("!requiretls:noencryption"),
  /** The server did not announce REQUIRETLS where the action required it. */
  NONE_VIOLATED("!requiretls:none"),
  /**
   * Delivered without REQUIRETLS, permitted by a relaxed action: the server did not announce it,
   * or ({@code opportunistic}) offered no STARTTLS.
   */
  NONE_PERMITTED("requiretls:none"),
  /** Not decided: no connection, lost connection, or a configuration error. */
  UNDECIDED("requiretls?");

  private final String postfixName;

  RequireTlsFeature(String postfixName) {
    this.postfixName = postfixName;
  }

  /** The spelling in the {@code tls=} field. */
  public String postfixName() {
    return postfixName;
  }

  /** True when the connection did not meet the action and carried no mail. */
  public boolean violated() {
    return postfixName.startsWith("!");
  }

  @Override
  public String toString() {
    return postfixName;
  }
}
