package org.postern.postscreen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * postscreen's dummy SMTP engine for the deep protocol tests (Postfix's {@code
 * postscreen_smtpd.c}): it greets with {@code 220 $smtpd_banner}, answers HELO/EHLO (without
 * PIPELINING, so a client that pipelines anyway shows itself), MAIL, RSET, NOOP, VRFY, ETRN and
 * QUIT, and refuses every RCPT TO: with {@code 450 4.3.2 Service currently unavailable} when
 * nothing failed (the client is let in when it returns), else with the reply of the test it
 * failed under {@code enforce}. The pipelining, non-SMTP command and bare newline tests pass when
 * the client reaches RCPT TO without offending.
 *
 * <p>STARTTLS is not offered (Postern's postscreen has no tlsproxy); AUTH, XCLIENT and XFORWARD
 * are not recognized, as in Postfix.
 *
 * <p>Failure: a command over {@code line_length_limit}, more than {@code
 * postscreen_command_count_limit} commands or a command slower than {@code
 * postscreen_command_time_limit} end the session with a 421 reply; a hang-up is HANGUP.
 */
final class ScreenSmtpd {
  private static final Set<String> ENABLED = Set.of(
      "HELO", "EHLO", "STARTTLS", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "VRFY", "ETRN", "QUIT");
  private static final Set<String> KNOWN =
      Stream.concat(ENABLED.stream(), Stream.of("XCLIENT", "XFORWARD", "AUTH")).collect(Collectors.toSet());
  /** Postfix's default {@code smtpd_forbidden_commands}, which postscreen inherits. */
  private static final Set<String> FORBIDDEN = Set.of("CONNECT", "GET", "POST");

  private final ScreenSession s;
  private final PostscreenSettings settings;
  private final InputStream in;
  private final Set<ScreenTest> skipped = EnumSet.noneOf(ScreenTest.class);
  private final Duration minTtl;
  private String helo;
  private String sender;
  private String protocol = "SMTP";
  private String where = "CONNECT";
  private int commands;

  ScreenSmtpd(ScreenSession session) {
    this.s = session;
    this.settings = session.settings();
    this.in = session.in();
    this.minTtl = Stream.of(settings.greetTtl(), settings.dnsblMinTtl(), settings.pipelining().ttl(),
        settings.nonSmtpCommand().ttl(), settings.bareNewline().ttl()).min(Duration::compareTo).orElseThrow();
  }

  private String timeoutReply() {
    return "421 4.4.2 " + settings.myhostname() + " Error: timeout exceeded\r\n";
  }

  private String busyReply() {
    return "421 " + settings.myhostname() + " Service unavailable - try again later\r\n";
  }

  void run() {
    s.begin("tests after SMTP handshake");
    if (s.anyFail()) {
      // As Postfix: a client that failed a test meets every deep test, for the log's sake.
      s.todo.addAll(EnumSet.of(ScreenTest.PIPELINING, ScreenTest.NON_SMTP_COMMAND, ScreenTest.BARE_NEWLINE));
    }
    if (!s.failed.contains(ScreenTest.PREGREET) && !s.send("220 " + settings.smtpdBanner() + "\r\n")) {
      s.hangup();
      return;
    }
    try {
      s.socket().setSoTimeout((int) Math.max(1, settings.commandTimeLimit().toMillis()));
      while (command()) {
        // Each command answered; the next one.
      }
    } catch (SocketTimeoutException e) {
      s.log("COMMAND TIME LIMIT from " + s.client() + " after " + where);
      s.drop(timeoutReply());
    } catch (IOException e) {
      s.hangup();
    }
  }

  /** Reads and answers one command; false when the session ended. */
  private boolean command() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean bare = false;
    int previous = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        s.hangup();
        return false;
      }
      if (line.size() >= settings.lineLengthLimit()) {
        s.log("COMMAND LENGTH LIMIT from " + s.client() + " after " + where);
        s.drop(busyReply());
        return false;
      }
      if (c == '\n') {
        bare = previous != '\r';
        break;
      }
      line.write(c);
      previous = c;
    }
    byte[] raw = line.toByteArray();
    int length = bare ? raw.length : raw.length - 1;
    if (bare && !bareNewline(raw) || !execute(new String(raw, 0, length, StandardCharsets.UTF_8))) {
      return false;
    }
    return true;
  }

  private boolean due(ScreenTest t) {
    return s.todo.contains(t) && !skipped.contains(t);
  }

  /** A command line ended in a bare newline; false when the session ended. */
  private boolean bareNewline(byte[] raw) {
    if (!due(ScreenTest.BARE_NEWLINE)) {
      return true;
    }
    s.log("BARE NEWLINE from " + s.client() + " after " + Escape.bytes(raw, 0, Math.min(raw.length, 100)));
    return offence(ScreenTest.BARE_NEWLINE, settings.bareNewline().action(), "521 5.5.1 Protocol error\r\n");
  }

  /**
   * The client failed {@code t}: skip the test for the rest of the session and act; false when
   * the session ended.
   */
  private boolean offence(ScreenTest t, Action action, String dropReply) {
    s.failed.add(t);
    s.passed.remove(t);
    s.expiries.remove(t);
    skipped.add(t);
    switch (action) {
      case DROP -> {
        s.drop(dropReply);
        return false;
      }
      case ENFORCE -> s.enforce("550 5.5.1 Protocol error\r\n");
      case IGNORE -> {
        s.failed.remove(t);
        // Let the client in until something else expires.
        s.pass(t, minTtl);
      }
    }
    return true;
  }

  private boolean execute(String text) throws IOException {
    String trimmed = text.strip();
    int space = trimmed.indexOf(' ');
    String command = space < 0 ? trimmed : trimmed.substring(0, space);
    String args = space < 0 ? "" : trimmed.substring(space + 1).strip();
    String verb = command.toUpperCase(Locale.ROOT);
    String savedWhere = where;
    where = KNOWN.contains(verb) ? verb : "UNIMPLEMENTED";
    if (due(ScreenTest.NON_SMTP_COMMAND) && !KNOWN.contains(verb) && nonSmtp(command)) {
      s.log("NON-SMTP COMMAND from " + s.client() + " after " + savedWhere + ": "
          + printable(command) + " " + Escape.bytes(args.getBytes(StandardCharsets.UTF_8), 0,
              Math.min(args.length(), 100)));
      if (!offence(ScreenTest.NON_SMTP_COMMAND, settings.nonSmtpCommand().action(),
          "521 5.7.0 Error: I can break rules, too. Goodbye.\r\n")) {
        return false;
      }
    }
    if (!verb.equals("BDAT") && due(ScreenTest.PIPELINING) && in.available() > 0) {
      s.log("COMMAND PIPELINING from " + s.client() + " after " + printable(command) + ": " + peek());
      if (!offence(ScreenTest.PIPELINING, settings.pipelining().action(), "521 5.5.1 Protocol error\r\n")) {
        return false;
      }
    }
    if (verb.equals("RCPT")) {
      passIfClean(ScreenTest.BARE_NEWLINE, settings.bareNewline().ttl());
      passIfClean(ScreenTest.NON_SMTP_COMMAND, settings.nonSmtpCommand().ttl());
      passIfClean(ScreenTest.PIPELINING, settings.pipelining().ttl());
    }
    if (++commands > settings.commandCountLimit() && !verb.equals("QUIT")) {
      s.log("COMMAND COUNT LIMIT from " + s.client() + " after " + savedWhere);
      s.drop(busyReply());
      return false;
    }
    if (!ENABLED.contains(verb)) {
      return reply("502 5.5.2 Error: command not recognized\r\n");
    }
    return answer(verb, args);
  }

  private void passIfClean(ScreenTest t, Duration ttl) {
    if (s.todo.contains(t) && !s.passed.contains(t) && !s.failed.contains(t)) {
      s.pass(t, ttl);
    }
  }

  private String peek() throws IOException {
    in.mark(100);
    byte[] buffer = new byte[Math.min(100, in.available())];
    int n = in.readNBytes(buffer, 0, buffer.length);
    in.reset();
    return Escape.bytes(buffer, 0, n);
  }

  /** Postfix's {@code is_header()}, bad UTF-8, or a forbidden command. */
  private boolean nonSmtp(String command) {
    boolean header = command.length() > 1 && command.endsWith(":")
        && command.substring(0, command.length() - 1).chars().allMatch(c -> c > 32 && c < 127 && c != ':');
    boolean badUtf8 = settings.smtputf8() && command.contains("\uFFFD");
    // Postfix's default list ends in regexp:{{/^[^A-Z]/ Bogus}}; regexp tables ignore case.
    char first = command.isEmpty() ? 'A' : Character.toUpperCase(command.charAt(0));
    boolean forbidden = FORBIDDEN.contains(command.toUpperCase(Locale.ROOT)) || first < 'A' || first > 'Z';
    return header || badUtf8 || forbidden;
  }

  private static String printable(String text) {
    StringBuilder b = new StringBuilder();
    text.codePoints().forEach(c -> b.append(c >= 32 && c < 127 ? (char) c : '?'));
    return b.toString();
  }

  /** Sends a reply; false (after HANGUP) when the client is gone. */
  private boolean reply(String text) {
    if (!s.send(text)) {
      s.hangup();
      return false;
    }
    return true;
  }

  private boolean answer(String verb, String args) {
    String first = args.isEmpty() ? null : args.split("\\s+")[0];
    return switch (verb) {
      case "HELO" -> first == null ? reply("501 Syntax: HELO hostname\r\n") : helo(first, false);
      case "EHLO" -> first == null ? reply("501 Syntax: EHLO hostname\r\n") : helo(first, true);
      case "STARTTLS" -> reply(args.isEmpty()
          ? "502 5.5.1 Error: command not implemented\r\n" : "501 5.5.4 Syntax: STARTTLS\r\n");
      case "MAIL" -> mail(args);
      case "RCPT" -> rcpt(args);
      case "DATA" -> data(args);
      case "BDAT" -> bdat(args);
      case "RSET" -> {
        sender = null;
        yield reply("250 2.0.0 Ok\r\n");
      }
      case "NOOP" -> reply("250 2.0.0 Ok\r\n");
      case "VRFY" -> first == null ? reply("501 5.5.4 Syntax: VRFY address\r\n")
          : settings.disableVrfy() ? reply("502 5.5.1 VRFY command is disabled\r\n") : reply(s.rcptReply);
      case "ETRN" -> settings.heloRequired() && helo == null
          ? reply("503 5.5.1 Error: send HELO/EHLO first\r\n")
          : first == null ? reply("500 Syntax: ETRN domain\r\n") : reply("458 Unable to queue messages\r\n");
      case "QUIT" -> {
        s.drop("221 2.0.0 Bye\r\n");
        yield false;
      }
      default -> throw new IllegalStateException("no handler for " + verb);
    };
  }

  private boolean helo(String name, boolean extended) {
    helo = name;
    sender = null;
    if (!extended) {
      return reply("250 " + settings.myhostname() + "\r\n");
    }
    protocol = "ESMTP";
    StringBuilder b = new StringBuilder("250-" + settings.myhostname() + "\r\n");
    b.append(settings.messageSizeLimit() > 0 ? "250-SIZE " + settings.messageSizeLimit() + "\r\n" : "250-SIZE\r\n");
    if (!settings.disableVrfy()) {
      b.append("250-VRFY\r\n");
    }
    b.append("250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n");
    if (settings.smtputf8()) {
      b.append("250-SMTPUTF8\r\n");
    }
    b.append("250 CHUNKING\r\n");
    return reply(b.toString());
  }

  private boolean mail(String args) {
    if (settings.heloRequired() && helo == null) {
      return reply("503 5.5.1 Error: send HELO/EHLO first\r\n");
    }
    if (sender != null) {
      return reply("503 5.5.1 Error: nested MAIL command\r\n");
    }
    int colon = args.indexOf(':');
    if (colon < 0) {
      return reply("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
    }
    sender = address(args.substring(colon + 1));
    return reply("250 2.1.0 Ok\r\n");
  }

  private boolean rcpt(String args) {
    if (sender == null) {
      return reply("503 5.5.1 Error: need MAIL command\r\n");
    }
    int colon = args.indexOf(':');
    if (colon < 0) {
      return reply("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
    }
    String address = address(args.substring(colon + 1));
    String r = s.soften(s.rcptReply);
    s.log("NOQUEUE: reject: RCPT from " + s.client() + ": " + r.substring(0, r.length() - 2)
        + "; from=<" + sender + ">, to=<" + address + ">, proto=" + protocol + ", helo=<"
        + (helo == null ? "" : helo) + ">");
    return reply(s.rcptReply);
  }

  private boolean data(String args) {
    s.log("DATA without valid RCPT from " + s.client());
    s.drop(!args.isEmpty() ? "501 5.5.4 Syntax: DATA\r\n"
        : sender == null ? "503 5.5.1 Error: need RCPT command\r\n"
        : "554 5.5.1 Error: no valid recipients\r\n");
    return false;
  }

  private boolean bdat(String args) {
    s.log("BDAT without valid RCPT from " + s.client());
    s.drop(args.isEmpty() ? "501 5.5.4 Syntax: BDAT count [LAST]\r\n"
        : sender == null ? "554 5.5.1 Error: need MAIL command\r\n"
        : "554 5.5.1 Error: no valid recipients\r\n");
    return false;
  }

  /**
   * Postfix's {@code psc_extract_addr()}: the address in angle brackets (or up to a space),
   * unquoted, without a source route; postscreen never refuses an address for its syntax.
   */
  static String address(String text) {
    String t = text.stripLeading();
    char stop = ' ';
    int i = 0;
    if (t.startsWith("<")) {
      stop = '>';
      i = 1;
    }
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!quoted && c == stop) {
        break;
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\') {
        if (++i == t.length()) {
          break;
        }
        out.append(t.charAt(i));
      } else {
        out.append(c);
      }
    }
    String a = out.toString();
    int colon = a.indexOf(':');
    return a.startsWith("@") && colon >= 0 ? a.substring(colon + 1) : a;
  }
}
