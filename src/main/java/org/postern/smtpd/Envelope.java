package org.postern.smtpd;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What smtpd hands to cleanup about one message besides its content: the envelope (RFC 5321),
 * its DSN parameters (RFC 3461), the BODY, SMTPUTF8 and REQUIRETLS requests, and the client and
 * TLS facts that cleanup records for logging and for the Received: header's readers.
 *
 * <p>An absent DSN parameter stays absent ({@link Optional#empty()}, an empty NOTIFY set): RFC 3461
 * forbids relaying a parameter the client did not send. ORCPT is always present: when the client
 * sent none, smtpd makes one from the RCPT address as Postfix does.
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
    Instant arrival) {

  public Envelope {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("envelope without recipients");
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
   * and {@code A} suffixes per RFC 3848).
   */
  public record Client(String name, String address, int port, String helo, String protocol) {}

  /** The TLS session the message arrived over. */
  public record Tls(String protocol, String cipher, int cipherBits) {}
}
