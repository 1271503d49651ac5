package org.postern.smtpd;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.tls.ClientCertificate;

/**
 * What smtpd hands to cleanup about one message besides its content: the envelope (RFC 5321),
 * its DSN parameters (RFC 3461), the BODY, SMTPUTF8 and REQUIRETLS requests, and the client and
 * TLS facts that cleanup records for logging and for the Received: header's readers.
 *
 * <p>An absent DSN parameter stays absent ({@link Optional#empty()}, an empty NOTIFY set): RFC 3461
 * forbids relaying a parameter the client did not send. ORCPT is always present: when the client
 * sent none, smtpd makes one from the RCPT address as Postfix does.
 *
 * <p>{@link #actions()} carries what the SMTP access restrictions delegated to cleanup (access(5)
 * HOLD, DISCARD, FILTER, REDIRECT and PREPEND results); {@link Actions#NONE} when there are none.
 *
 * @param sender the envelope sender in internal form, empty for the null sender
 */
public record Envelope(
    String sender,
    List<Recipient> recipients,
    Optional<Ret> ret,
    Optional<String> envid,
    Optional<Body> body,
    boolean smtputf8,
    boolean requireTls,
    Client client,
    Optional<Tls> tls,
    Instant arrival,
    Actions actions) {

  public Envelope {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("envelope without recipients");
    }
  }

  /** An envelope without delegated actions. */
  public Envelope(
      String sender,
      List<Recipient> recipients,
      Optional<Ret> ret,
      Optional<String> envid,
      Optional<Body> body,
      boolean smtputf8,
      boolean requireTls,
      Client client,
      Optional<Tls> tls,
      Instant arrival) {
    this(sender, recipients, ret, envid, body, smtputf8, requireTls, client, tls, arrival, Actions.NONE);
  }

  /**
   * What access(5) results asked cleanup to do with the message, as Postfix's smtpd passes them
   * in the queue file's extra records.
   *
   * @param hold place the message on the hold queue ({@code HOLD}); cleanup logs {@code
   *     holdReason} as Postfix logs "hold: ... triggers HOLD action"
   * @param discard accept the message and drop it ({@code DISCARD}): cleanup must report success
   *     to smtpd ({@code 250 2.0.0 Ok: queued as ID}) and queue nothing
   * @param contentFilter {@code transport:destination} overriding {@code content_filter} for this
   *     message ({@code FILTER}), as cleanup's {@code content_filter} record
   * @param redirect the only recipient the message goes to ({@code REDIRECT}), replacing all
   *     envelope recipients, as cleanup's {@code redirect_to} record
   * @param prependHeaders header lines ({@code Name: value}, without CRLF) from {@code PREPEND},
   *     for information only: smtpd itself writes them through {@link
   *     CleanupStream#prependHeader} before its Received: header, as Postfix's smtpd does, so
   *     cleanup must not add them again
   */
  public record Actions(
      boolean hold,
      Optional<String> holdReason,
      boolean discard,
      Optional<String> contentFilter,
      Optional<String> redirect,
      List<String> prependHeaders) {
    public static final Actions NONE =
        new Actions(false, Optional.empty(), false, Optional.empty(), Optional.empty(), List.of());

    public Actions {
      prependHeaders = List.copyOf(prependHeaders);
    }
  }

  /** RFC 3461 RET. */
  public enum Ret {
    FULL,
    HDRS
  }

  /** RFC 6152 BODY, with the spelling of the MAIL parameter. */
  public enum Body {
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME");

    private final String keyword;

    Body(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }
  }

  /** RFC 3461 NOTIFY values. */
  public enum Notify {
    NEVER,
    SUCCESS,
    FAILURE,
    DELAY
  }

  /** RFC 3461 ORCPT: address type and the decoded (xtext-unquoted) original address. */
  public record Orcpt(String type, String address) {}

  /** One accepted recipient; {@code dsnNotify} is empty when the client sent no NOTIFY. */
  public record Recipient(String address, Set<Notify> dsnNotify, Orcpt orcpt) {
    public Recipient {
      dsnNotify = Set.copyOf(dsnNotify);
    }
  }

  /**
   * The client as Postfix logs it: {@code name[address]:port}, the HELO name, and the protocol
   * word of the Received: header ({@code SMTP}, {@code ESMTP}, {@code UTF8SMTP}, with {@code S}
   * and {@code A} suffixes per RFC 3848), and the SASL login name (empty without AUTH).
   */
  public record Client(String name, String address, int port, String helo, String protocol,
      Sasl sasl) {}

  /**
   * What Postfix keeps of SMTP AUTH for the queue file: the mechanism and login name after AUTH,
   * and MAIL FROM's {@code AUTH=} address as sent (xtext); each empty when there is none.
   */
  public record Sasl(String method, String username, String sender) {
    public static final Sasl NONE = new Sasl("", "", "");
  }

  /**
   * The TLS session the message arrived over: protocol, cipher and its bits, whether the server
   * asked for a client certificate and the one the client presented.
   */
  public record Tls(String protocol, String cipher, int cipherBits, boolean certificateAsked,
      Optional<ClientCertificate> clientCertificate) {

    /** Postfix's {@code TLS_CERT_IS_TRUSTED}: a certificate that verified. */
    public boolean trusted() {
      return clientCertificate.map(ClientCertificate::trusted).orElse(false);
    }
  }
}
