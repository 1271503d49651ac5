package org.postern.smtpd;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.postern.tls.ClientCertificate;

/**
 * The Received: header smtpd prepends, in Postfix's layout:
 *
 * <pre>
 * Received: from HELO (NAME [ADDR])
 *         (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))
 *         (Client CN "CN", Issuer "ISSUER" (verified OK))
 *         by MYHOSTNAME (MAIL_NAME) with ESMTPS id QUEUEID
 *         for &lt;RCPT&gt;; DATE
 * </pre>
 *
 * The certificate line says "not verified" for a certificate that did not verify, "(Client did not
 * present a certificate)" when one was asked for ({@code smtpd_tls_ask_ccert}) and none came, and
 * "(No client certificate requested)" otherwise. The TLS lines appear only with {@code
 * smtpd_tls_received_header = yes}, as in Postfix; the "S" in the protocol word (RFC 3848) does not
 * depend on that setting. After AUTH the word ends in "A" ({@code ESMTPSA}), and with {@code
 * smtpd_sasl_authenticated_header = yes} a line {@code (Authenticated sender: USER)} follows the
 * TLS lines. The "for" clause names the recipient only when there is exactly one.
 */
final class ReceivedHeader {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z (zzz)", Locale.US);

  private ReceivedHeader() {}

  static String format(
      Envelope envelope,
      Optional<String> queueId,
      Optional<String> soleRecipient,
      String myhostname,
      String mailName,
      boolean tlsLines,
      Optional<String> authenticatedSender,
      ZoneId zone) {
    Envelope.Client c = envelope.client();
    StringBuilder h = new StringBuilder();
    h.append("Received: from ")
        .append(c.helo().isEmpty() ? c.name() : c.helo())
        .append(" (")
        .append(c.name())
        .append(" [")
        .append(rfcAddress(c.address()))
        .append("])\r\n");
    if (tlsLines && envelope.tls().isPresent()) {
      Envelope.Tls t = envelope.tls().get();
      h.append("\t(using ")
          .append(t.protocol())
          .append(" with cipher ")
          .append(t.cipher())
          .append(" (")
          .append(t.cipherBits())
          .append('/')
          .append(t.cipherBits())
          .append(" bits))\r\n")
          .append('\t').append(clientCertificate(t)).append("\r\n");
    }
    // smtpd_sasl_authenticated_header: the login name, with comment syntax neutered.
    authenticatedSender.ifPresent(user -> h.append("\t(Authenticated sender: ")
        .append(user.replaceAll("[()\\\\]", "?"))
        .append(")\r\n"));
    h.append("\tby ")
        .append(myhostname)
        .append(" (")
        .append(mailName)
        .append(") with ")
        .append(c.protocol());
    // No queue file, no id: the before-queue filter's queue names the message.
    queueId.ifPresent(id -> h.append(" id ").append(id));
    String date = DATE.format(envelope.arrival().atZone(zone));
    if (soleRecipient.isPresent()) {
      h.append("\r\n\tfor <").append(quoteLocal(soleRecipient.get())).append(">; ").append(date);
    } else {
      h.append(";\r\n\t").append(date);
    }
    return h.append("\r\n").toString();
  }

  /** What the client's certificate was: asked for or not, presented, verified. */
  private static String clientCertificate(Envelope.Tls t) {
    if (t.clientCertificate().isPresent()) {
      ClientCertificate c = t.clientCertificate().get();
      return "(Client CN \"" + sanitize(c.subjectCn()) + "\", Issuer \"" + sanitize(c.issuerCn())
          + "\" (" + (c.trusted() ? "verified OK" : "not verified") + "))";
    }
    return t.certificateAsked()
        ? "(Client did not present a certificate)"
        : "(No client certificate requested)";
  }

  /** Names from a certificate, inside a comment and a quoted string: no way out of either. */
  private static String sanitize(String name) {
    return name.replaceAll("[()\\\\\"\\p{Cntrl}]", "?");
  }

  private static String rfcAddress(String address) {
    return address.contains(":") ? "IPv6:" + address : address;
  }

  /** Quotes the local part when it is not a dot-atom (Postfix's quote_822_local). */
  static String quoteLocal(String address) {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String rest = at < 0 ? "" : address.substring(at);
    if (local.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+)*")) {
      return address;
    }
    return "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" + rest;
  }
}
