package org.postern.smtpd;

import java.util.List;
import java.util.Locale;
import org.postern.util.ParameterList;

/**
 * What an access(5) table result means (Postfix's {@code check_table_result}): OK, REJECT,
 * DEFER, DEFER_IF_PERMIT, DEFER_IF_REJECT, DUNNO, HOLD, DISCARD, FILTER, REDIRECT, PREPEND, WARN,
 * INFO, {@code 4xx}/{@code 5xx text}, an all-numerical value (OK, for pop-before-smtp schemes),
 * or else a restriction list evaluated in place.
 *
 * <p>HOLD, FILTER, REDIRECT and PREPEND change nothing about the request (evaluation goes on);
 * DISCARD permits it and skips every later restriction. Their log lines are Postfix's ({@code
 * NOQUEUE: hold: RCPT from ...: <x@y>: Recipient address triggers HOLD action; ...}).
 *
 * <p>Failure: a restriction list that names a table or an unknown restriction is a {@code 451
 * 4.3.5 Server configuration error}, with warnings naming the table.
 */
final class AccessResult {
  private static final int MAX_RECURSION = 100;

  private final SmtpdCheck check;
  private final CheckState state;

  AccessResult(SmtpdCheck check) {
    this.check = check;
    this.state = check.state;
  }

  SmtpdCheck.Status apply(String table, String value, String datum, String replyName,
      String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    String v = value.strip();
    int space = firstSpace(v);
    String command = v.substring(0, space).toUpperCase(Locale.ROOT);
    String text = v.substring(space).strip();
    String prefix = "<" + replyName + ">: " + replyClass;
    AccessPolicy.Codes codes = check.policy.codes();
    switch (command) {
      case "DUNNO":
        return SmtpdCheck.Status.DUNNO;
      case "OK", "RELAY":
        return SmtpdCheck.Status.OK;
      case "REJECT":
        return rejectWith(codes.accessMapReject(), "5.7.1", prefix, text, "Access denied");
      case "DEFER":
        return rejectWith(codes.accessMapDefer(), "4.7.1", prefix, text, "Access denied");
      case "DEFER_IF_PERMIT":
      case "DEFER_IF_REJECT": {
        Dsn d = Dsn.split("4.7.1", text);
        CheckState.Defer slot =
            command.equals("DEFER_IF_PERMIT") ? state.deferIfPermit : state.deferIfReject;
        return check.deferIf(slot, codes.accessMapDefer(), d.status(),
            prefix + " rejected: " + (d.text().isEmpty() ? "Service unavailable" : d.text()));
      }
      case "WARN":
        state.whatsup("warn", text);
        return SmtpdCheck.Status.DUNNO;
      case "INFO":
        state.whatsup("info", text);
        return SmtpdCheck.Status.DUNNO;
      case "HOLD":
        if (delegable(table, "HOLD") && !state.hold()) {
          String reason = prefix + " " + (text.isEmpty() ? "triggers HOLD action" : text);
          state.whatsup("hold", reason);
          state.hold(reason);
        }
        return SmtpdCheck.Status.DUNNO;
      case "DISCARD":
        if (!delegable(table, "DISCARD")) {
          return SmtpdCheck.Status.DUNNO;
        }
        state.whatsup("discard", prefix + " " + (text.isEmpty() ? "triggers DISCARD action" : text));
        state.discard(true);
        return SmtpdCheck.Status.OK;
      case "FILTER":
        return filter(table, datum, prefix, text);
      case "REDIRECT":
        return redirect(table, datum, prefix, text);
      case "PREPEND":
        return prepend(table, datum, text);
      default:
        return other(table, v, command, text, prefix, replyName, replyClass, defaultAcl);
    }
  }

  private SmtpdCheck.Status other(String table, String value, String command, String text,
      String prefix, String replyName, String replyClass, String defaultAcl) throws SmtpdCheck.Abort {
    if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
      return SmtpdCheck.Status.OK;
    }
    if (command.matches("[45][0-9][0-9]") && !text.isEmpty()) {
      String dflt = command.charAt(0) + ".7.1";
      return rejectWith(Integer.parseInt(command), dflt, prefix, text, "Access denied");
    }
    if (value.indexOf(':') >= 0) {
      state.warning("access table " + table + " has entry with lookup table: " + value);
      state.warning("do not specify lookup tables inside SMTPD access maps");
      state.warning("define a restriction class and specify its name instead.");
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    if (state.recursion > MAX_RECURSION) {
      state.warning("access table " + table + " entry " + value + " causes unreasonable recursion");
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    List<String> words = ParameterList.split(value);
    if (words.isEmpty()) {
      state.warning("access table " + table + " entry " + value + " has empty value");
      return SmtpdCheck.Status.OK;
    }
    List<Restriction> list;
    try {
      list = check.policy.parseResult(words);
    } catch (IllegalArgumentException e) {
      state.warning(e.getMessage());
      throw check.abort(451, "4.3.5", "Server configuration error");
    }
    return check.generic(list, replyName, replyClass, defaultAcl);
  }

  private SmtpdCheck.Status rejectWith(int code, String dflt, String prefix, String text, String dfltText) {
    Dsn d = Dsn.split(dflt, text);
    return check.reject(code, d.status(), prefix + " rejected: " + (d.text().isEmpty() ? dfltText : d.text()));
  }

  private SmtpdCheck.Status filter(String table, String datum, String prefix, String text) {
    if (!delegable(table, "FILTER")) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (text.isEmpty()) {
      state.warning("access table " + table + " entry \"" + datum + "\" has FILTER entry without value");
    } else if (text.indexOf(':') < 0) {
      state.warning("access table " + table + " entry \"" + datum + "\" requires transport:destination");
    } else {
      state.whatsup("filter", prefix + " triggers FILTER " + text);
      state.filter(text);
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private SmtpdCheck.Status redirect(String table, String datum, String prefix, String text) {
    if (!delegable(table, "REDIRECT")) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (text.indexOf('@') < 0) {
      state.warning("access table " + table + " entry \"" + datum + "\" requires user@domain target");
    } else {
      state.whatsup("redirect", prefix + " triggers REDIRECT " + text);
      state.redirect(text);
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private SmtpdCheck.Status prepend(String table, String datum, String text) {
    if (!delegable(table, "PREPEND")) {
      return SmtpdCheck.Status.DUNNO;
    }
    if (state.where.equals("END-OF-MESSAGE")) {
      state.warning("access table " + table + ": action PREPEND must be used before smtpd_end_of_data_restrictions");
    } else if (!text.matches("[\\x21-\\x39\\x3b-\\x7e]+:.*")) {
      state.warning("access table " + table + " entry \"" + datum + "\" requires header: text");
    } else {
      state.prepend(text);
    }
    return SmtpdCheck.Status.DUNNO;
  }

  /**
   * Actions that cleanup carries out need a mail transaction: with {@code smtpd_delay_reject = no}
   * they are skipped in client and HELO restrictions, and the envelope has already gone to
   * cleanup when the end-of-data restrictions run.
   */
  private boolean delegable(String table, String action) {
    if (state.sender == null) {
      state.warning("access table " + table + ": with smtpd_delay_reject=no, action " + action
          + " is always skipped in Client host or Helo command restrictions");
      return false;
    }
    if (state.where.equals("END-OF-MESSAGE") && !action.equals("PREPEND")) {
      state.warning("access table " + table + ": action " + action
          + " is unavailable in smtpd_end_of_data_restrictions");
      return false;
    }
    return true;
  }

  private static int firstSpace(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) == ' ' || v.charAt(i) == '\t') {
        return i;
      }
    }
    return v.length();
  }

  /** An optional RFC 3463 status code at the start of a reply text. */
  record Dsn(String status, String text) {
    static Dsn split(String dflt, String text) {
      int space = firstSpace(text);
      String head = text.substring(0, space);
      if (head.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
        return new Dsn(head, text.substring(space).strip());
      }
      return new Dsn(dflt, text);
    }
  }
}
