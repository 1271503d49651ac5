package org.postern.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command table of a session (Postfix's {@code smtpd_cmd_table}): which handler runs a verb,
 * the {@code smtpd_tls_security_level = encrypt} gate, and the connection-level commands HELO,
 * EHLO, STARTTLS, RSET, NOOP, ETRN and QUIT. Mail transaction commands are in {@link
 * TransactionCommands}; the state they change is the {@link SmtpdSession}'s.
 *
 * <p>Failure: a refused command is answered with its reply and the session goes on; a verb that
 * looks like a mail header or an HTTP request ends the session with Postfix's 221 after a
 * warning.
 */
final class ConnectionCommands {
  private static final List<String> KNOWN =
      List.of(
          "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "VRFY", "ETRN",
          "QUIT", "HELP", "XCLIENT", "XFORWARD");

  /**
   * HELP's answer: Postfix's command table, as its smtpd lists it whatever the configuration, so
   * that Postern reads like Postfix to a client (and gives away no more).
   */
  private static final Reply HELP = Reply.of(214, "2.0.0", "Commands: AUTH BDAT DATA EHLO ETRN"
      + " HELO HELP MAIL NOOP QUIT RCPT RSET STARTTLS VRFY XCLIENT XFORWARD");
  private static final List<String> PRE_TLS = List.of("HELO", "EHLO", "STARTTLS", "NOOP", "QUIT");
  private static final List<String> HTTP_VERBS = List.of("CONNECT", "GET", "POST");

  private final SmtpdSession session;
  private final SmtpdSettings settings;
  private final SmtpdCheck check;
  private final TransactionCommands commands;
  private final ReplyWriter writer;
  private final AuthCommand auth;

  ConnectionCommands(
      SmtpdSession session, SmtpdSettings settings, SmtpdCheck check, TransactionCommands commands) {
    this.session = session;
    this.settings = settings;
    this.check = check;
    this.commands = commands;
    this.writer = session.writer();
    this.auth = new AuthCommand(session, settings, commands, session.sasl());
  }

  /** The verb has a handler here (otherwise Postfix counts it as "unknown"). */
  static boolean known(String verb) {
    return KNOWN.contains(verb);
  }

  /** Runs one parsed command; {@code text} is the line as received. False when the session ends. */
  boolean execute(CommandLine cmd, String text) throws IOException {
    if (tlsRequired() && !session.tlsActive() && !PRE_TLS.contains(cmd.verb())) {
      writer.reply(Reply.of(530, "5.7.0", "Must issue a STARTTLS command first"));
      return true;
    }
    try {
      return dispatch(cmd, text);
    } catch (ReplyException e) {
      writer.reply(e.reply());
      return true;
    }
  }

  private boolean dispatch(CommandLine cmd, String text) throws IOException, ReplyException {
    commands.where(cmd.verb());
    session.checkState().where = cmd.verb();
    switch (cmd.verb()) {
      case "HELO", "EHLO" -> hello(cmd);
      case "STARTTLS" -> starttls(cmd);
      case "AUTH" -> auth.execute(cmd);
      case "MAIL" -> commands.mail(cmd);
      case "RCPT" -> commands.rcpt(cmd, text);
      case "DATA" -> commands.data(cmd, session.input());
      case "BDAT" -> commands.bdat(cmd, session.input());
      case "RSET" -> rset(cmd);
      case "NOOP" -> writer.reply(Reply.of(250, "2.0.0", "Ok"));
      case "VRFY" -> commands.vrfy(cmd);
      case "ETRN" -> etrn(cmd);
      case "HELP" -> writer.reply(HELP);
      case "XCLIENT", "XFORWARD" -> unauthorized(cmd);
      case "QUIT" -> {
        writer.reply(Reply.of(221, "2.0.0", "Bye"));
        return false;
      }
      default -> {
        return unknown(cmd, text);
      }
    }
    return true;
  }

  private boolean unknown(CommandLine cmd, String text) {
    commands.where("UNKNOWN");
    if (cmd.verb().endsWith(":") || HTTP_VERBS.contains(cmd.verb())) {
      session.checkState().warning("non-SMTP command from " + session.checkState().namaddr() + ": "
          + CommandLine.printable(text.length() > 100 ? text.substring(0, 100) : text));
      writer.reply(Reply.of(221, "2.7.0", "Error: I can break rules, too. Goodbye."));
      return false;
    }
    writer.reply(session.milters().flatMap(m -> m.unknown(text))
        .orElse(Reply.of(500, "5.5.2", "Error: command not recognized")));
    return true;
  }

  private void hello(CommandLine cmd) throws ReplyException {
    boolean ehlo = cmd.verb().equals("EHLO");
    if (cmd.argument().isEmpty()) {
      throw new ReplyException(Reply.plain(501, "Syntax: " + cmd.verb() + " hostname"));
    }
    commands.dropTransaction();
    // As Postfix: words joined by one space, then printable(), then the neutered characters.
    String name = CommandLine.printable(cmd.argument().replaceAll("[ \t]+", " "))
        .replaceAll("[ <>()\\\\\";@]", "?");
    CheckState state = session.checkState();
    state.helo = name;
    Optional<Reply> refused = check.helo();
    if (refused.isEmpty()) {
      refused = session.milters().flatMap(m -> m.helo(name));
    }
    if (refused.isPresent()) {
      state.helo = session.heloSeen() ? session.helo() : null;
      throw new ReplyException(refused.get());
    }
    session.hello(name, ehlo);
    if (!ehlo) {
      writer.reply(Reply.plain(250, settings.myhostname()));
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(settings.myhostname());
    for (EhloKeyword k : EhloKeyword.values()) {
      if (settings.discardedKeywords().contains(k)) {
        continue;
      }
      if (k == EhloKeyword.AUTH) {
        lines.addAll(authLines());
      } else if (announced(k)) {
        lines.add(k == EhloKeyword.SIZE && settings.messageSizeLimit() > 0
            ? "SIZE " + settings.messageSizeLimit()
            : k.word());
      }
    }
    writer.reply(new Reply(250, "", lines));
  }

  /**
   * {@code AUTH} with the mechanisms the security options allow (and {@code AUTH=} for {@code
   * broken_sasl_auth_clients}); nothing before STARTTLS under {@code smtpd_tls_auth_only}.
   */
  private List<String> authLines() {
    if (session.sasl().isEmpty()) {
      return List.of();
    }
    SmtpdSasl s = session.sasl().get();
    if (s.settings().tlsAuthOnly() && !session.tlsActive()) {
      return List.of();
    }
    Optional<String> mechanisms = s.mechanismList(session.tlsActive());
    if (mechanisms.isEmpty()) {
      return List.of();
    }
    return s.settings().brokenClients()
        ? List.of("AUTH " + mechanisms.get(), "AUTH=" + mechanisms.get())
        : List.of("AUTH " + mechanisms.get());
  }

  private boolean announced(EhloKeyword k) {
    return switch (k) {
      case VRFY -> !settings.disableVrfy();
      case STARTTLS -> settings.tlsLevel().offered() && !session.tlsActive();
      case SMTPUTF8 -> settings.smtputf8Enable();
      case REQUIRETLS -> settings.requiretlsEnable() && session.tlsActive();
      default -> true;
    };
  }

  private void starttls(CommandLine cmd) throws IOException, ReplyException {
    if (!cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: STARTTLS");
    }
    if (session.tlsActive()) {
      throw new ReplyException(554, "5.5.1", "Error: TLS already active");
    }
    if (!settings.tlsLevel().offered() && !settings.tlsWrappermode()
        || settings.discardedKeywords().contains(EhloKeyword.STARTTLS)) {
      throw new ReplyException(502, "5.5.1", "Error: command not implemented");
    }
    if (session.tlsContext().isEmpty()) {
      throw new ReplyException(454, "4.7.0", "TLS not available due to local problem");
    }
    writer.reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
    writer.flush();
    session.input().discardBuffered();
    session.forgetHelo();
    commands.dropTransaction();
    session.startTls();
  }

  private void rset(CommandLine cmd) throws ReplyException {
    if (!cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: RSET");
    }
    commands.dropTransaction();
    writer.reply(Reply.of(250, "2.0.0", "Ok"));
  }

  /**
   * XCLIENT and XFORWARD, which only {@code smtpd_authorized_xclient_hosts} and {@code
   * smtpd_authorized_xforward_hosts} may use: Postern trusts no client with them, so every one
   * hears Postfix's refusal, after the same transaction and syntax checks.
   */
  private void unauthorized(CommandLine cmd) throws ReplyException {
    if (commands.inTransaction()) {
      throw new ReplyException(Reply.of(503, "5.5.1", "Error: MAIL transaction in progress"));
    }
    if (cmd.words().isEmpty()) {
      throw new ReplyException(Reply.of(501, "5.5.4", "Syntax: " + cmd.verb() + " attribute=value..."));
    }
    throw new ReplyException(Reply.of(550, "5.7.0", "Error: insufficient authorization"));
  }

  /** RFC 1985 ETRN. There is no flush service yet, so a valid request gets Postfix's 458. */
  private void etrn(CommandLine cmd) throws ReplyException {
    if (settings.heloRequired() && !session.heloSeen()) {
      throw new ReplyException(Reply.plain(503, "Error: send HELO/EHLO first"));
    }
    if (commands.inTransaction()) {
      throw new ReplyException(Reply.plain(503, "Error: MAIL transaction in progress"));
    }
    List<String> words = cmd.words();
    if (words.size() != 1) {
      throw new ReplyException(Reply.plain(500, "Syntax: ETRN domain"));
    }
    String site = words.get(0).replaceFirst("^[@#]", "");
    if (!site.matches("[A-Za-z0-9][A-Za-z0-9.\\-]*|\\[[0-9A-Fa-f:.]+\\]")) {
      throw new ReplyException(Reply.plain(501, "Error: invalid parameter syntax"));
    }
    throw new ReplyException(Reply.plain(458, "Unable to queue messages"));
  }

  private boolean tlsRequired() {
    return settings.tlsEnforced();
  }
}
