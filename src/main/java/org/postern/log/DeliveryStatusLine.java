package org.postern.log;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the text of Postfix's delivery status log line (log_adhoc), field for field in Postfix's
 * order:
 *
 * <pre>QUEUEID: to=&lt;rcpt&gt;, orig_to=&lt;orig&gt;, relay=R, conn_use=N, delay=T,
 * delays=a/b/c/d, tls=F, dsn=X.Y.Z, status=S (reason)</pre>
 *
 * <p>{@code orig_to} appears only when it is set and differs from {@code to} ignoring case; {@code
 * conn_use} only when a cached connection was reused (it counts uses, so the first reuse logs 2);
 * {@code tls} only when a feature status is given. Addresses are logged as given: the caller
 * applies {@code info_log_address_format}.
 */
public final class DeliveryStatusLine {
  /** The {@code status=} word. */
  public enum Status {
    SENT("sent"),
    DEFERRED("deferred"),
    BOUNCED("bounced"),
    DELIVERABLE("deliverable"),
    UNDELIVERABLE("undeliverable"),
    UNDELIVERABLE_NOT_CACHED("undeliverable-but-not-cached");

    private final String postfixName;

    Status(String postfixName) {
      this.postfixName = postfixName;
    }

    @Override
    public String toString() {
      return postfixName;
    }
  }

  private final String queueId;
  private final String recipient;
  private String originalRecipient = "";
  private Relay relay = Relay.none();
  private int reuseCount;
  private DeliveryDelays delays;
  private int resolutionLimit = 2;
  private Optional<TlsFeatureStatus> tls = Optional.empty();
  private String dsn;
  private Status status;
  private String reason;

  private DeliveryStatusLine(String queueId, String recipient) {
    this.queueId = Objects.requireNonNull(queueId);
    this.recipient = Objects.requireNonNull(recipient);
  }

  public static DeliveryStatusLine builder(String queueId, String recipient) {
    return new DeliveryStatusLine(queueId, recipient);
  }

  /** The recipient before alias expansion, canonical or virtual mapping. */
  public DeliveryStatusLine originalRecipient(String value) {
    this.originalRecipient = Objects.requireNonNull(value);
    return this;
  }

  public DeliveryStatusLine relay(Relay value) {
    this.relay = Objects.requireNonNull(value);
    return this;
  }

  /** How often the connection had been used before; 0 for a new connection. */
  public DeliveryStatusLine reuseCount(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative reuse count " + value);
    }
    this.reuseCount = value;
    return this;
  }

  public DeliveryStatusLine delays(DeliveryDelays value) {
    this.delays = Objects.requireNonNull(value);
    return this;
  }

  /** {@code delay_logging_resolution_limit}: digits after the point, 0..6 (default 2). */
  public DeliveryStatusLine delayLoggingResolutionLimit(int value) {
    if (value < 0 || value > 6) {
      throw new IllegalArgumentException(
          "delay_logging_resolution_limit out of range 0..6: " + value);
    }
    this.resolutionLimit = value;
    return this;
  }

  /** The {@code tls=} field; give it only when {@code smtp_log_tls_feature_status = yes}. */
  public DeliveryStatusLine tlsFeatureStatus(TlsFeatureStatus value) {
    this.tls = Optional.of(value);
    return this;
  }

  /** The enhanced status code ({@code 2.0.0}), the status word and the reason text. */
  public DeliveryStatusLine outcome(String dsn, Status status, String reason) {
    this.dsn = Objects.requireNonNull(dsn);
    this.status = Objects.requireNonNull(status);
    this.reason = Objects.requireNonNull(reason);
    return this;
  }

  /** The log text; fails when delays or the outcome were not given. */
  public String text() {
    if (delays == null || status == null) {
      throw new IllegalStateException(queueId + ": delivery status line needs delays and outcome");
    }
    StringBuilder out = new StringBuilder();
    out.append(queueId).append(": to=<").append(recipient).append('>');
    if (!originalRecipient.isEmpty() && !sameAddress(recipient, originalRecipient)) {
      out.append(", orig_to=<").append(originalRecipient).append('>');
    }
    out.append(", relay=").append(relay);
    if (reuseCount > 0) {
      out.append(", conn_use=").append(reuseCount + 1);
    }
    out.append(", ").append(delays.format(resolutionLimit));
    tls.ifPresent(t -> out.append(", tls=").append(t.format()));
    out.append(", dsn=").append(dsn);
    out.append(", status=").append(status).append(" (").append(reason).append(')');
    return out.toString();
  }

  @Override
  public String toString() {
    return text();
  }

  private static boolean sameAddress(String a, String b) {
    return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }
}
