package org.postern.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP conversation with one client, from the 220 greeting to QUIT or hang-up: the
 * connection-level commands (HELO, EHLO, STARTTLS, RSET, NOOP, VRFY, ETRN, QUIT) and the loop that
 * reads commands, bounded by {@code line_length_limit}, {@code smtpd_timeout} per read and
 * {@code smtpd_hard_error_limit}. Mail transaction commands are in {@link TransactionCommands}.
 *
 * <p>Replies are flushed only when the client's input is drained (RFC 2920 pipelining). At
 * STARTTLS the unread plaintext input is discarded, so commands a client (or a man in the middle)
 * pipelined behind STARTTLS are never executed inside TLS.
 *
 * <p>Failure: a timeout is answered {@code 421 4.4.2 HOST Error: timeout exceeded}; a lost
 * connection, a failed TLS handshake or a bare LF under {@code smtpd_forbid_bare_newline=reject}
 * ends the session; an open transaction is aborted in every case.
 */
final class SmtpdSession implements Runnable {
  private static final System.Logger LOG = System.getLogger("org.postern.smtpd");
  private static final List<String> PRE_TLS = List.of("HELO", "EHLO", "STARTTLS", "NOOP", "QUIT");
  private static final List<String> HTTP_VERBS = List.of("CONNECT", "GET", "POST");
  /** Commands after which a client must wait for the reply (RFC 2920). */
  private static final List<String> LAST_IN_GROUP =
      List.of("HELO", "EHLO", "DATA", "VRFY", "EXPN", "TURN", "QUIT", "NOOP", "AUTH", "STARTTLS");

  /** What every session of one server shares: its clock, log hook and anvil counters. */
  record Services(Clock clock, Consumer<String> log, Anvil anvil) {}

  private final SmtpdSettings settings;
  private final Optional<SSLContext> tlsContext;
  private final BooleanSupplier stopping;
  private final Clock clock;
  private final Services services;
  private final CheckState checkState;
  private final SmtpdCheck check;
  private final TransactionCommands commands;
  private final String clientName;
  private final String clientAddress;
  private final int clientPort;
  private Socket socket;
  private final SmtpInput input;
  private final ReplyWriter writer;
  private String helo = "";
  private String protocol = "SMTP";
  private Optional<Envelope.Tls> tls = Optional.empty();
  private volatile boolean idle;
  private final boolean exempt;

  SmtpdSession(
      SmtpdSettings settings,
      Optional<SSLContext> tlsContext,
      MessageSink sink,
      Services services,
      Socket socket,
      BooleanSupplier stopping)
      throws IOException {
    this.settings = settings;
    this.tlsContext = tlsContext;
    this.services = services;
    this.clock = services.clock();
    this.socket = socket;
    this.stopping = stopping;
    InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
    this.clientAddress = peer.getAddress().getHostAddress();
    this.clientPort = peer.getPort();
    String name = peer.getAddress().getCanonicalHostName();
    this.clientName = name.equals(clientAddress) ? "unknown" : name;
    this.checkState =
        new CheckState(
            clientName, clientAddress, settings.mynetworks().contains(peer.getAddress()), services.log());
    this.check = new SmtpdCheck(settings.access(), checkState);
    this.exempt = settings.clientLimits().exceptions().contains(peer.getAddress());
    this.commands =
        new TransactionCommands(this, settings, new MessageReceiver(settings, sink, clock.getZone()), check);
    socket.setSoTimeout((int) settings.timeout().toMillis());
    this.writer = new ReplyWriter(socket.getOutputStream());
    writer.enhancedStatusCodes(
        !settings.discardedKeywords().contains(EhloKeyword.ENHANCEDSTATUSCODES));
    this.input = new SmtpInput(socket.getInputStream(), writer::flush);
  }

  @Override
  public void run() {
    String namaddr = clientName + "[" + clientAddress + "]";
    LOG.log(Level.INFO, "connect from {0}", namaddr);
    Optional<Anvil.Counts> counted = exempt
        ? Optional.empty()
        : Optional.of(services.anvil().connect(clientAddress));
    try {
      if (counted.isEmpty() || withinLimits(counted.get())) {
        serve();
      }
    } catch (SocketTimeoutException e) {
      LOG.log(Level.INFO, "timeout after {0} from {1}", commands.where(), namaddr);
      writer.reply(Reply.of(421, "4.4.2", settings.myhostname() + " Error: timeout exceeded"));
      flushQuietly();
    } catch (BareNewlineException e) {
      writer.reply(BareNewlineException.reply());
      flushQuietly();
    } catch (EOFException e) {
      LOG.log(Level.INFO, "lost connection after {0} from {1}", commands.where(), namaddr);
    } catch (IOException e) {
      LOG.log(Level.INFO, "{0} after {1} from {2}", e.getMessage(), commands.where(), namaddr);
    } finally {
      counted.ifPresent(c -> services.anvil().disconnect(clientAddress));
      commands.dropTransaction();
      closeQuietly();
      LOG.log(Level.INFO, "disconnect from {0}", namaddr);
    }
  }

  /** anvil(8) limits: over one, the client hears 421 and the session ends before the greeting. */
  private boolean withinLimits(Anvil.Counts counts) throws IOException {
    SmtpdSettings.ClientLimits limits = settings.clientLimits();
    String what = null;
    int value = 0;
    if (limits.connectionCountLimit() > 0 && counts.count() > limits.connectionCountLimit()) {
      what = "concurrency";
      value = counts.count();
    } else if (limits.connectionRateLimit() > 0 && counts.rate() > limits.connectionRateLimit()) {
      what = "rate";
      value = counts.rate();
    }
    if (what == null) {
      return true;
    }
    services.log().accept("warning: Connection " + what + " limit exceeded: " + value + " from "
        + checkState.namaddr() + " for service smtp");
    writer.reply(Reply.of(421, "4.7.0",
        settings.myhostname() + " Error: too many connections from " + clientAddress));
    writer.flush();
    return false;
  }

  private void serve() throws IOException {
    if (settings.tlsWrappermode()) {
      if (tlsContext.isEmpty()) {
        LOG.log(Level.WARNING, "Wrapper-mode request dropped from {0}: no TLS keys", clientAddress);
        return;
      }
      startTls();
    }
    writer.reply(Reply.plain(220, settings.banner()));
    commands.connect();
    boolean softLimitLogged = false;
    while (!writer.hangup()) {
      if (!softLimitLogged && writer.errorCount() >= settings.softErrorLimit()) {
        // Postfix would start sleeping here (smtpd_error_sleep_time); Postern only says so.
        LOG.log(Level.INFO, "{0}[{1}]: soft error limit reached", clientName, clientAddress);
        softLimitLogged = true;
      }
      if (writer.errorCount() >= settings.hardErrorLimit()) {
        writer.reply(Reply.of(421, "4.7.0", settings.myhostname() + " Error: too many errors"));
        break;
      }
      Optional<String> line = readCommand();
      if (stopping.getAsBoolean()) {
        writer.reply(Reply.of(421, "4.3.2", "Service shutting down"));
        break;
      }
      if (line.isPresent() && !execute(line.get())) {
        break;
      }
    }
    writer.flush();
  }

  /** The next command line, or empty after it was answered as too long or not UTF-8. */
  private Optional<String> readCommand() throws IOException {
    if (input.buffered() == 0) {
      writer.flush();
    }
    idle = true;
    SmtpInput.Line line;
    try {
      line = input.readLine(settings.lineLengthLimit());
    } finally {
      idle = false;
    }
    if (line.ending() == SmtpInput.Ending.NONE) {
      input.skipLine();
      writer.reply(Reply.of(500, "5.5.0", "Error: line too long"));
      return Optional.empty();
    }
    if (line.ending() == SmtpInput.Ending.BARE_LF
        && settings.forbidBareNewline() == SmtpdSettings.BareNewline.REJECT) {
      throw new BareNewlineException();
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(line.bytes()))
              .toString());
    } catch (CharacterCodingException e) {
      writer.reply(Reply.of(500, "5.5.2", "Error: bad UTF-8 syntax"));
      return Optional.empty();
    }
  }

  /** Runs one command; false when the session ends. */
  private boolean execute(String text) throws IOException {
    Optional<CommandLine> parsed = CommandLine.parse(text);
    if (parsed.isEmpty()) {
      writer.reply(Reply.of(500, "5.5.2", "Error: bad syntax"));
      return true;
    }
    CommandLine cmd = parsed.get();
    if (input.buffered() > 0 && (!protocol.equals("ESMTP") || LAST_IN_GROUP.contains(cmd.verb()))) {
      checkState.illegalPipelining = true;
    }
    if (tlsRequired() && tls.isEmpty() && !PRE_TLS.contains(cmd.verb())) {
      writer.reply(Reply.of(530, "5.7.0", "Must issue a STARTTLS command first"));
      return true;
    }
    try {
      return dispatch(cmd);
    } catch (ReplyException e) {
      writer.reply(e.reply());
      return true;
    }
  }

  private boolean dispatch(CommandLine cmd) throws IOException, ReplyException {
    commands.where(cmd.verb());
    checkState.where = cmd.verb();
    switch (cmd.verb()) {
      case "HELO", "EHLO" -> hello(cmd);
      case "STARTTLS" -> starttls(cmd);
      case "MAIL" -> commands.mail(cmd);
      case "RCPT" -> commands.rcpt(cmd);
      case "DATA" -> commands.data(cmd, input);
      case "BDAT" -> commands.bdat(cmd, input);
      case "RSET" -> rset(cmd);
      case "NOOP" -> writer.reply(Reply.of(250, "2.0.0", "Ok"));
      case "VRFY" -> commands.vrfy(cmd);
      case "ETRN" -> etrn(cmd);
      case "QUIT" -> {
        writer.reply(Reply.of(221, "2.0.0", "Bye"));
        return false;
      }
      default -> {
        return unknown(cmd);
      }
    }
    return true;
  }

  private boolean unknown(CommandLine cmd) {
    commands.where("UNKNOWN");
    if (cmd.verb().endsWith(":") || HTTP_VERBS.contains(cmd.verb())) {
      LOG.log(Level.WARNING, "non-SMTP command from {0}[{1}]: {2}", clientName, clientAddress, cmd.verb());
      writer.reply(Reply.of(221, "2.7.0", "Error: I can break rules, too. Goodbye."));
      return false;
    }
    writer.reply(Reply.of(500, "5.5.2", "Error: command not recognized"));
    return true;
  }

  private void hello(CommandLine cmd) throws ReplyException {
    boolean ehlo = cmd.verb().equals("EHLO");
    if (cmd.argument().isEmpty()) {
      throw new ReplyException(Reply.plain(501, "Syntax: " + cmd.verb() + " hostname"));
    }
    commands.dropTransaction();
    String name = cmd.argument().replaceAll("[<>()\\\\\";@]", "?");
    checkState.helo = name;
    Optional<Reply> refused = check.helo();
    if (refused.isPresent()) {
      checkState.helo = helo.isEmpty() ? null : helo;
      throw new ReplyException(refused.get());
    }
    helo = name;
    protocol = ehlo ? "ESMTP" : "SMTP";
    checkState.protocol = protocol;
    if (!ehlo) {
      writer.reply(Reply.plain(250, settings.myhostname()));
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(settings.myhostname());
    for (EhloKeyword k : EhloKeyword.values()) {
      if (!settings.discardedKeywords().contains(k) && announced(k)) {
        lines.add(k == EhloKeyword.SIZE && settings.messageSizeLimit() > 0 ? "SIZE " + settings.messageSizeLimit() : k.word());
      }
    }
    writer.reply(new Reply(250, "", lines));
  }

  private boolean announced(EhloKeyword k) {
    return switch (k) {
      case VRFY -> !settings.disableVrfy();
      case STARTTLS -> settings.tlsLevel().offered() && tls.isEmpty();
      case SMTPUTF8 -> settings.smtputf8Enable();
      case REQUIRETLS -> settings.requiretlsEnable() && tls.isPresent();
      default -> true;
    };
  }

  private void starttls(CommandLine cmd) throws IOException, ReplyException {
    if (!cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: STARTTLS");
    }
    if (tls.isPresent()) {
      throw new ReplyException(554, "5.5.1", "Error: TLS already active");
    }
    if (!settings.tlsLevel().offered() && !settings.tlsWrappermode()
        || settings.discardedKeywords().contains(EhloKeyword.STARTTLS)) {
      throw new ReplyException(502, "5.5.1", "Error: command not implemented");
    }
    if (tlsContext.isEmpty()) {
      throw new ReplyException(454, "4.7.0", "TLS not available due to local problem");
    }
    writer.reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
    writer.flush();
    input.discardBuffered();
    helo = "";
    checkState.helo = null;
    commands.dropTransaction();
    startTls();
  }

  private void startTls() throws IOException {
    SSLSocket upgraded = TlsUpgrade.handshake(tlsContext.orElseThrow(), socket);
    socket = upgraded;
    tls = Optional.of(TlsUpgrade.describe(upgraded.getSession()));
    input.rebind(upgraded.getInputStream());
    writer.rebind(upgraded.getOutputStream());
  }

  private void rset(CommandLine cmd) throws ReplyException {
    if (!cmd.argument().isEmpty()) {
      throw new ReplyException(501, "5.5.4", "Syntax: RSET");
    }
    commands.dropTransaction();
    writer.reply(Reply.of(250, "2.0.0", "Ok"));
  }

  /** RFC 1985 ETRN. There is no flush service yet, so a valid request gets Postfix's 458. */
  private void etrn(CommandLine cmd) throws ReplyException {
    if (settings.heloRequired() && helo.isEmpty()) {
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

  // Facts the transaction commands need.

  ReplyWriter writer() {
    return writer;
  }

  boolean heloSeen() {
    return !helo.isEmpty();
  }

  boolean tlsActive() {
    return tls.isPresent();
  }

  Clock clock() {
    return clock;
  }

  private boolean tlsRequired() {
    return settings.tlsLevel() == SmtpdSettings.TlsLevel.ENCRYPT || settings.tlsWrappermode();
  }

  /** The client as the envelope records it; the protocol word follows RFC 3848 and RFC 6531. */
  Envelope.Client client(boolean smtputf8) {
    String word = smtputf8 && protocol.equals("ESMTP") ? "UTF8SMTP" : protocol;
    if (tls.isPresent() && !word.equals("SMTP")) {
      word += "S";
    }
    return new Envelope.Client(clientName, clientAddress, clientPort, helo, word);
  }

  Optional<Envelope.Tls> tls() {
    return tls;
  }

  /**
   * Graceful stop: a session waiting for its next command gets {@code 421 4.3.2 Service shutting
   * down} and is closed at once; a busy one finishes its command and gets the 421 after it.
   */
  void closeIfIdle() {
    writer.locked(
        () -> {
          if (idle) {
            writer.reply(Reply.of(421, "4.3.2", "Service shutting down"));
            flushQuietly();
            closeQuietly();
          }
        });
  }

  /** Stop timeout reached: hang up whatever the session is doing; its transaction is aborted. */
  void forceClose() {
    closeQuietly();
  }

  private void flushQuietly() {
    try {
      writer.flush();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "cannot send last reply to {0}: {1}", clientAddress, e.getMessage());
    }
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "close {0}: {1}", clientAddress, e.getMessage());
    }
  }
}
