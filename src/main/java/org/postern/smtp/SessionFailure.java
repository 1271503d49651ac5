package org.postern.smtp;

import java.util.Optional;
import org.postern.log.Relay;
import org.postern.log.TlsFeatureStatus;

/**
 * A session that cannot carry the message, or a transaction that failed as a whole.
 *
 * @param dsn the enhanced status; a {@code 5} bounces when this is the last failure
 * @param text the reason, as logged
 * @param diagnostic the server's reply for the DSN ({@code smtp; 550 ...}) when it said one
 * @param relay the server, or {@code none} when none was reached
 * @param tls the {@code tls=} status of the attempt; none when it failed before any TLS policy
 *     was looked up (a DNS lookup of the next hop), where Postfix logs no {@code tls=} field
 * @param tryNext whether the next server may still deliver (soft error while others remain)
 */
record SessionFailure(
    String dsn,
    String text,
    Optional<String> diagnostic,
    Relay relay,
    Optional<TlsFeatureStatus> tls,
    boolean tryNext) {

  SessionFailure(String dsn, String text, Optional<String> diagnostic, Relay relay,
      TlsFeatureStatus tls, boolean tryNext) {
    this(dsn, text, diagnostic, relay, Optional.of(tls), tryNext);
  }
}
