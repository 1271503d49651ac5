package org.postern.smtpd;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.postern.esmtp.Xtext;

/**
 * The ESMTP parameters of MAIL FROM (SIZE, BODY, RET, ENVID, SMTPUTF8, REQUIRETLS, AUTH) and
 * RCPT TO (NOTIFY, ORCPT), checked in the client's order with Postfix's replies: the first bad
 * parameter decides, an unknown one is {@code 555 5.5.4 Unsupported option: NAME}.
 */
final class EsmtpParameters {
  /** What the session allows right now. */
  record Allowed(boolean dsn, boolean smtputf8, boolean requireTls) {}

  record Mail(
      OptionalLong size,
      Optional<Envelope.Body> body,
      Optional<Envelope.Ret> ret,
      Optional<String> envid,
      boolean smtputf8,
      boolean requireTls,
      Optional<String> authSender) {}

  record Rcpt(Set<Envelope.Notify> dsnNotify, Optional<Envelope.Orcpt> orcpt) {}

  private EsmtpParameters() {}

  static Mail parseMail(List<String> params, Allowed allowed) throws ReplyException {
    OptionalLong size = OptionalLong.empty();
    Optional<Envelope.Body> body = Optional.empty();
    Optional<Envelope.Ret> ret = Optional.empty();
    Optional<String> envid = Optional.empty();
    boolean smtputf8 = false;
    boolean requireTls = false;
    Optional<String> authSender = Optional.empty();
    boolean authSeen = false;
    for (String param : params) {
      String upper = param.toUpperCase(Locale.ROOT);
      if (upper.equals("BODY=8BITMIME")) {
        body = Optional.of(Envelope.Body.EIGHT_BIT_MIME);
      } else if (upper.equals("BODY=7BIT")) {
        body = Optional.of(Envelope.Body.SEVEN_BIT);
      } else if (upper.startsWith("SIZE=")) {
        size = OptionalLong.of(size(param.substring(5)));
      } else if (upper.startsWith("RET=")) {
        dsnAllowed(allowed);
        if (ret.isPresent()) {
          throw new ReplyException(501, "5.5.4", "Bad RET parameter syntax");
        }
        ret = Optional.of(ret(upper.substring(4)));
      } else if (upper.startsWith("ENVID=")) {
        dsnAllowed(allowed);
        Optional<String> decoded = Xtext.decode(param.substring(6)).filter(EsmtpParameters::printable);
        if (envid.isPresent() || decoded.isEmpty()) {
          throw new ReplyException(501, "5.5.4", "Bad ENVID parameter syntax");
        }
        envid = decoded;
      } else if (upper.startsWith("AUTH=")) {
        String value = param.substring(5);
        authSeen = authParameter(value, authSeen);
        authSender = authSeen ? Optional.of(value) : authSender;
      } else if (upper.equals("SMTPUTF8") && allowed.smtputf8()) {
        smtputf8 = true;
      } else if (upper.equals("REQUIRETLS") && allowed.requireTls()) {
        requireTls = true;
      } else {
        throw unsupported(param);
      }
    }
    return new Mail(size, body, ret, envid, smtputf8, requireTls, authSender);
  }

  static Rcpt parseRcpt(List<String> params, Allowed allowed) throws ReplyException {
    Set<Envelope.Notify> notify = EnumSet.noneOf(Envelope.Notify.class);
    Optional<Envelope.Orcpt> orcpt = Optional.empty();
    for (String param : params) {
      String upper = param.toUpperCase(Locale.ROOT);
      if (upper.startsWith("NOTIFY=")) {
        dsnAllowed(allowed);
        if (!notify.isEmpty() || !notify(upper.substring(7), notify)) {
          throw new ReplyException(501, "5.5.4", "Error: Bad NOTIFY parameter syntax");
        }
      } else if (upper.startsWith("ORCPT=")) {
        dsnAllowed(allowed);
        if (orcpt.isPresent() || (orcpt = orcpt(param.substring(6))).isEmpty()) {
          throw new ReplyException(501, "5.5.4", "Error: Bad ORCPT parameter syntax");
        }
      } else {
        throw unsupported(param);
      }
    }
    return new Rcpt(notify, orcpt);
  }

  /**
   * RFC 4954 {@code AUTH=}: without an authenticated session the value is ignored (treated as
   * {@code <>}). As in Postfix, a second one after an {@code AUTH=} other than {@code <>} is a
   * protocol error. Returns whether this one named a sender.
   */
  private static boolean authParameter(String value, boolean hadSender) throws ReplyException {
    if (hadSender) {
      throw new ReplyException(503, "5.5.4", "Error: multiple AUTH= options");
    }
    if (Xtext.decode(value).isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Bad AUTH parameter syntax");
    }
    return !value.equals("<>");
  }

  private static ReplyException unsupported(String param) {
    return new ReplyException(555, "5.5.4", "Unsupported option: " + CommandLine.printable(param));
  }

  private static void dsnAllowed(Allowed allowed) throws ReplyException {
    if (!allowed.dsn()) {
      throw new ReplyException(501, "5.7.1", "DSN support is disabled");
    }
  }

  private static long size(String value) throws ReplyException {
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ReplyException(501, "5.5.4", "Bad message size syntax");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ReplyException(552, "5.3.4", "Message size exceeds file system imposed limit");
    }
  }

  private static Envelope.Ret ret(String value) throws ReplyException {
    return switch (value) {
      case "FULL" -> Envelope.Ret.FULL;
      case "HDRS" -> Envelope.Ret.HDRS;
      default -> throw new ReplyException(501, "5.5.4", "Bad RET parameter syntax");
    };
  }

  private static boolean notify(String value, Set<Envelope.Notify> into) {
    for (String word : value.split(",", -1)) {
      try {
        into.add(Envelope.Notify.valueOf(word));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return !(into.contains(Envelope.Notify.NEVER) && into.size() > 1);
  }

  private static Optional<Envelope.Orcpt> orcpt(String value) {
    int semi = value.indexOf(';');
    if (semi <= 0) {
      return Optional.empty();
    }
    String type = value.substring(0, semi);
    return Xtext.decode(value.substring(semi + 1))
        .filter(a -> !a.isEmpty() && a.chars().noneMatch(CommandLine::control))
        .map(a -> new Envelope.Orcpt(type, a));
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }
}
