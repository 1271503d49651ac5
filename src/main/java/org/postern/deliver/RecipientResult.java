package org.postern.deliver;

import java.util.Optional;
import org.postern.log.TlsFeatureStatus;
import org.postern.queue.Recipient;

/**
 * What became of one recipient: delivered (or relayed), deferred, or bounced, with Postfix's
 * delivery status facts for the log line and the DSN.
 *
 * @param recipient the recipient as it was in the request (its offset is what qmgr marks done)
 * @param status sent, deferred or bounced
 * @param dsn the enhanced status code, {@code 2.0.0}, {@code 4.4.1}, {@code 5.1.1}
 * @param relay where it went, as logged: {@code mx.example[192.0.2.1]:25}, {@code local},
 *     {@code none}
 * @param text the reason or the server's reply, as logged in {@code status=sent (text)}
 * @param diagnostic the remote reply for the DSN's Diagnostic-Code ({@code smtp; 550 5.1.1 ...}),
 *     empty when the problem was local
 * @param tlsStatus the {@code tls=} feature status, for SMTP and LMTP deliveries
 * @param action what a success notice should say: {@code delivered} for final delivery,
 *     {@code relayed} for a hand-over to a server that does not do DSN
 * @param connectionReuses how often the connection had carried mail before this delivery (0
 *     for a new one); Postfix logs {@code conn_use=N} as one more than this when it is not 0
 */
public record RecipientResult(
    Recipient recipient,
    Status status,
    String dsn,
    String relay,
    String text,
    Optional<String> diagnostic,
    Optional<TlsFeatureStatus> tlsStatus,
    String action,
    int connectionReuses) {

  /** Postfix's {@code status=} words. */
  public enum Status {
    SENT("sent"),
    DEFERRED("deferred"),
    BOUNCED("bounced");

    private final String word;

    Status(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  public static RecipientResult sent(Recipient r, String dsn, String relay, String text) {
    return new RecipientResult(
        r, Status.SENT, dsn, relay, text, Optional.empty(), Optional.empty(), "delivered", 0);
  }

  public static RecipientResult deferred(Recipient r, String dsn, String relay, String text) {
    return new RecipientResult(
        r, Status.DEFERRED, dsn, relay, text, Optional.empty(), Optional.empty(), "delayed", 0);
  }

  public static RecipientResult bounced(Recipient r, String dsn, String relay, String text) {
    return new RecipientResult(
        r, Status.BOUNCED, dsn, relay, text, Optional.empty(), Optional.empty(), "failed", 0);
  }

  /** This result with the remote server's reply for the DSN's Diagnostic-Code. */
  public RecipientResult withDiagnostic(String remoteReply) {
    return new RecipientResult(
        recipient, status, dsn, relay, text, Optional.of(remoteReply), tlsStatus, action,
        connectionReuses);
  }

  /** This result with the {@code tls=} feature status of the connection it went over. */
  public RecipientResult withTlsStatus(TlsFeatureStatus tls) {
    return new RecipientResult(
        recipient, status, dsn, relay, text, diagnostic, Optional.of(tls), action, connectionReuses);
  }

  /** This result for a hand-over where the next server takes responsibility without DSN. */
  public RecipientResult relayed() {
    return new RecipientResult(
        recipient, status, dsn, relay, text, diagnostic, tlsStatus, "relayed", connectionReuses);
  }

  /** This result for a delivery over a connection that had carried mail {@code reuses} times. */
  public RecipientResult withConnectionReuses(int reuses) {
    return new RecipientResult(
        recipient, status, dsn, relay, text, diagnostic, tlsStatus, action, reuses);
  }
}
