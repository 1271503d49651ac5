package org.postern.smtpd;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.postern.milter.MilterSettings;
import org.postern.milter.Milters;
import org.postern.tls.ServerTlsContext;
import org.postern.tls.TlsConnection;

/**
 * One SMTP conversation with one client, from the 220 greeting to QUIT or hang-up: the session
 * state (client, HELO name, protocol, TLS), the TLS upgrade, and the loop that reads commands,
 * bounded by {@code line_length_limit}, {@code smtpd_timeout} per read and {@code
 * smtpd_hard_error_limit}. What each command does is in {@link ConnectionCommands} and {@link
 * TransactionCommands}.
 *
 * <p>Replies are flushed only when the client's input is drained (RFC 2920 pipelining). At
 * STARTTLS the unread plaintext input is discarded, so commands a client (or a man in the middle)
 * pipelined behind STARTTLS are never executed inside TLS.
 *
 * <p>Every log line of the session goes to the server's one log hook, in Postfix's words: {@code
 * connect from}, {@code disconnect from} with the command counters, {@code lost connection
 * after}, {@code timeout after}, {@code too many errors after}, and at {@code smtpd_tls_loglevel}
 * 1 or more the TLS summary.
 *
 * <p>Failure: a timeout is answered {@code 421 4.4.2 HOST Error: timeout exceeded}; a lost
 * connection, a failed TLS handshake or a bare LF under {@code smtpd_forbid_bare_newline=reject}
 * ends the session; an open transaction is aborted in every case.
 */
final class SmtpdSession implements Runnable {
  /** Commands after which a client must wait for the reply (RFC 2920). */
  private static final List<String> LAST_IN_GROUP =
      List.of("HELO", "EHLO", "DATA", "VRFY", "EXPN", "TURN", "QUIT", "NOOP", "AUTH", "STARTTLS");

  /** The commands {@code smtpd_junk_command_limit} counts (Postfix's SMTPD_CMD_FLAG_LIMIT). */
  private static final List<String> JUNK = List.of("HELO", "EHLO", "RSET", "NOOP", "VRFY", "ETRN");

  /** What every session of one server shares: its clock, log hook and anvil counters. */
  record Services(Clock clock, Consumer<String> log, Anvil anvil) {}

  private final SmtpdSettings settings;
  private final Optional<ServerTlsContext> tlsContext;
  private final BooleanSupplier stopping;
  private final Services services;
  private final CheckState checkState;
  private final TransactionCommands commands;
  private final ConnectionCommands connection;
  private final CommandCounts counts = new CommandCounts();
  private final Optional<SmtpdSasl> sasl;
  private final String clientName;
  private final String clientAddress;
  private final int clientPort;
  private final boolean exempt;
  private final UpstreamProxy.Endpoints endpoints;
  private final Socket socket;
  /** The TLS layer over {@link #socket} once STARTTLS or wrapper mode succeeded. */
  private Optional<TlsConnection> tlsConnection = Optional.empty();
  private final SmtpInput input;
  private final ReplyWriter writer;
  private String helo = "";
  private String protocol = "SMTP";
  private Optional<Envelope.Tls> tls = Optional.empty();
  private Optional<SmtpdMilters> milters = Optional.empty();
  private volatile boolean idle;

  SmtpdSession(
      SmtpdSettings settings,
      Optional<ServerTlsContext> tlsContext,
      MessageSink sink,
      Services services,
      Socket socket,
      byte[] pending,
      UpstreamProxy.Endpoints endpoints,
      BooleanSupplier stopping)
      throws IOException {
    this.settings = settings;
    this.tlsContext = tlsContext;
    this.services = services;
    this.socket = socket;
    this.endpoints = endpoints;
    this.stopping = stopping;
    InetSocketAddress peer = endpoints.client();
    // After a bad upstream proxy header the client is unknown[unknown], as in Postfix.
    this.clientAddress = endpoints.known() ? peer.getAddress().getHostAddress() : "unknown";
    this.clientPort = endpoints.known() ? peer.getPort() : 0;
    PeerName names = endpoints.known()
        ? settings.access().dns.peerNames().lookup(peer.getAddress(), clientAddress, services.log())
        : PeerName.unknown(PeerName.Status.PERM);
    this.clientName = names.name();
    boolean trusted = endpoints.known() && settings.mynetworks().contains(peer.getAddress());
    this.checkState = new CheckState(names, clientAddress, trusted, services.log());
    checkState.connection(clientPort, serverAddress(), serverPort());
    SmtpdCheck check = new SmtpdCheck(settings.access(), checkState);
    this.exempt = endpoints.known() && settings.clientLimits().exceptions().contains(peer.getAddress());
    MessageReceiver receiver =
        new MessageReceiver(settings, sink, services.clock().getZone(), checkState);
    this.commands = new TransactionCommands(this, settings, receiver, check);
    socket.setSoTimeout((int) settings.timeout().toMillis());
    this.writer = new ReplyWriter(socket.getOutputStream(), settings.rejectFooter(), macro -> expand().lookup(macro));
    writer.enhancedStatusCodes(!settings.discardedKeywords().contains(EhloKeyword.ENHANCEDSTATUSCODES));
    this.input = new SmtpInput(pending.length == 0 ? socket.getInputStream()
        : new SequenceInputStream(new ByteArrayInputStream(pending), socket.getInputStream()), writer::flush);
    this.sasl = settings.sasl().active()
        ? Optional.of(new SmtpdSasl(settings.sasl(), SmtpdSasl.dovecot(settings.sasl()), checkState))
        : Optional.empty();
    this.connection = new ConnectionCommands(this, settings, check, commands);
  }

  @Override
  public void run() {
    log("connect from " + checkState.namaddr());
    Optional<Anvil.Counts> counted = exempt || !endpoints.known()
        ? Optional.empty() : Optional.of(services.anvil().connect(clientAddress));
    try {
      if (!endpoints.known()) {
        writer.reply(Reply.of(421, "4.3.0", settings.myhostname() + " Server local error"));
        writer.flush();
      } else if (counted.isEmpty() || withinLimits(counted.get())) {
        serve();
      }
    } catch (SocketTimeoutException e) {
      log("timeout after " + commands.where() + " from " + checkState.namaddr());
      writer.reply(Reply.of(421, "4.4.2", settings.myhostname() + " Error: timeout exceeded"));
      flushQuietly();
    } catch (BareNewlineException e) {
      writer.reply(BareNewlineException.reply());
      flushQuietly();
    } catch (IOException e) {
      // Postfix does not complain about a client that hangs up right after its message is queued.
      if (!commands.where().equals("END-OF-MESSAGE")) {
        log("lost connection after " + commands.where() + " from " + checkState.namaddr());
      }
    } finally {
      counted.ifPresent(c -> services.anvil().disconnect(clientAddress));
      commands.dropTransaction();
      milters.ifPresent(SmtpdMilters::close);
      sasl.ifPresent(SmtpdSasl::close);
      checkState.releasePolicyLeases();
      closeQuietly();
      log("disconnect from " + checkState.namaddr() + counts.format());
    }
  }

  /** anvil(8) limits: over one, the client hears 421 and the session ends before the greeting. */
  private boolean withinLimits(Anvil.Counts anvilCounts) throws IOException {
    Optional<String> exceeded = anvilCounts.exceeded(settings.clientLimits());
    if (exceeded.isEmpty()) {
      return true;
    }
    checkState.warning("Connection " + exceeded.get() + " from " + checkState.namaddr() + " for service smtp");
    writer.reply(Reply.of(421, "4.7.0", settings.myhostname() + " Error: too many connections from " + clientAddress));
    writer.flush();
    return false;
  }

  private void serve() throws IOException {
    if (settings.tlsWrappermode()) {
      if (tlsContext.isEmpty()) {
        checkState.warning("Wrapper-mode request dropped from " + checkState.namaddr()
            + " for service smtp. TLS context initialization failed. For details see earlier warnings in your logs.");
        return;
      }
      startTls();
    }
    if (writer.hangup() || !greet()) {
      writer.flush();
      return;
    }
    commands.connect();
    while (!writer.hangup()) {
      if (writer.errorCount() >= settings.hardErrorLimit()) {
        log("too many errors after " + commands.where() + " from " + checkState.namaddr());
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

  /**
   * The greeting, after the milters' connect event (smtpd_milters, or smtpd_milter_maps): 220 with the banner, or the
   * milters' refusal, 554 (the session goes on, every command refused) or 421 (it ends). False
   * when the session ends.
   */
  private boolean greet() {
    MilterSettings chosen = settings.milters().forClient(clientAddress, checkState::warning);
    if (!chosen.isEmpty()) {
      SmtpdMilters m = new SmtpdMilters(
          Milters.open(chosen, text -> checkState.warning(text)), this, clientPort);
      milters = Optional.of(m);
      Optional<Reply> refused = m.connect(settings.myhostname());
      if (refused.isPresent()) {
        writer.reply(refused.get());
        return refused.get().code() != 421;
      }
    }
    writer.reply(Reply.plain(220, settings.banner()));
    return true;
  }

  /**
   * The next command line; empty after it was answered as too long or not UTF-8, or without
   * reading when the server is stopping.
   */
  private Optional<String> readCommand() throws IOException {
    if (input.buffered() == 0) {
      writer.flush();
    }
    if (!becomeIdle()) {
      return Optional.empty();
    }
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
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line.bytes()))
          .toString());
    } catch (CharacterCodingException e) {
      writer.reply(Reply.of(500, "5.5.2", "Error: bad UTF-8 syntax"));
      return Optional.empty();
    }
  }

  /**
   * Marks the session as waiting for a command, unless the server is stopping. Checked and set
   * under the writer lock, which {@link #closeIfIdle()} takes after the stop flag is raised: either
   * the stop finds this session idle and answers it, or this session sees the stop and answers
   * itself; never neither, which left the client without its 421 until the forced close.
   */
  private boolean becomeIdle() {
    writer.locked(() -> idle = !stopping.getAsBoolean());
    return idle;
  }

  /** Runs one command and counts it; false when the session ends. */
  private boolean execute(String text) throws IOException {
    Optional<CommandLine> parsed = CommandLine.parse(text);
    if (parsed.isEmpty()) {
      writer.reply(Reply.of(500, "5.5.2", "Error: bad syntax"));
      return true;
    }
    CommandLine cmd = parsed.get();
    int slot = counts.issued(cmd.verb());
    if (input.buffered() > 0 && (!protocol.equals("ESMTP") || LAST_IN_GROUP.contains(cmd.verb()))) {
      improperPipelining(cmd.verb());
    }
    boolean goOn = connection.execute(cmd, text);
    if (writer.lastCode() < 400 && ConnectionCommands.known(cmd.verb())) {
      counts.succeeded(slot);
    }
    if (JUNK.contains(cmd.verb())) {
      writer.junkCommand(settings.junkCommandLimit());
    }
    return goOn;
  }

  /** Logged once per session, as Postfix does; reject_unauth_pipelining acts on the flag. */
  private void improperPipelining(String verb) {
    if (checkState.illegalPipelining) {
      return;
    }
    checkState.illegalPipelining = true;
    log("improper command pipelining after " + verb + " from " + checkState.namaddr() + ": "
        + input.peekEscaped(100));
  }

  /** Upgrades the connection to TLS; the handshake is logged as Postfix's TLS library logs it. */
  void startTls() throws IOException {
    TlsConnection upgraded;
    try {
      socket.setSoTimeout((int) settings.starttlsTimeout().toMillis());
      upgraded = TlsUpgrade.handshake(tlsContext.orElseThrow(), socket);
      socket.setSoTimeout((int) settings.timeout().toMillis());
    } catch (IOException e) {
      log("SSL_accept error from " + checkState.namaddr() + ": " + e.getMessage());
      throw e;
    }
    tlsConnection = Optional.of(upgraded);
    Envelope.Tls t = TlsUpgrade.describe(tlsContext.orElseThrow(), upgraded.session());
    tls = Optional.of(t);
    checkState.tls = tls;
    sasl.ifPresent(SmtpdSasl::logout);
    input.rebind(upgraded.input());
    writer.rebind(upgraded.output());
    if (settings.tlsLoglevel() >= 1) {
      log(TlsUpgrade.summary(t, checkState.namaddr()));
    }
    if (settings.clientCerts().required(settings.tlsLevel()) && !t.trusted()) {
      refuseUntrustedClient(t);
    }
  }

  /**
   * {@code smtpd_tls_req_ccert}: a client without a verified certificate hears 421 and the
   * session ends. After STARTTLS its next command is read first, so the 421 answers it, as in
   * Postfix; in wrapper mode the 421 takes the place of the greeting.
   */
  private void refuseUntrustedClient(Envelope.Tls t) throws IOException {
    String why = t.clientCertificate().isPresent()
        ? "Client certificate not trusted"
        : "No client certificate presented";
    log("NOQUEUE: abort: TLS from " + checkState.namaddr() + ": " + why);
    if (!settings.tlsWrappermode()) {
      input.readLine(settings.lineLengthLimit());
    }
    writer.reply(Reply.of(421, "4.7.1", settings.myhostname() + " Error: " + why));
  }

  private void log(String line) {
    services.log().accept(line);
  }

  /** What reply footers may name, as the session stands now. */
  private SmtpdExpand expand() {
    return new SmtpdExpand(settings.myhostname(), checkState.namaddr(), clientName,
        checkState.peer.reverseName(), clientAddress,
        clientPort, checkState.helo, checkState.sender, commands.firstRecipient().orElse(null),
        ZonedDateTime.now(services.clock()));
  }

  // Session state the command handlers read and change.

  ReplyWriter writer() {
    return writer;
  }

  SmtpInput input() {
    return input;
  }

  CheckState checkState() {
    return checkState;
  }

  Optional<ServerTlsContext> tlsContext() {
    return tlsContext;
  }

  String helo() {
    return helo;
  }

  boolean heloSeen() {
    return !helo.isEmpty();
  }

  /** A HELO or EHLO was accepted: the name and the protocol word it sets. */
  void hello(String name, boolean ehlo) {
    helo = name;
    protocol = ehlo ? "ESMTP" : "SMTP";
    checkState.protocol = protocol;
  }

  /** STARTTLS: the client must say HELO/EHLO again (RFC 3207). */
  void forgetHelo() {
    helo = "";
    checkState.helo = null;
  }

  Optional<SmtpdSasl> sasl() {
    return sasl;
  }

  /** The session's smtpd_milters; empty when there are none. */
  Optional<SmtpdMilters> milters() {
    return milters;
  }

  String myhostname() {
    return settings.myhostname();
  }

  int serverPort() {
    return endpoints.server().getPort();
  }

  /**
   * The address the client connected to, for the auth server's {@code lip=}: behind an upstream
   * proxy, the one the proxy accepted the client on.
   */
  String serverAddress() {
    return endpoints.server().getAddress().getHostAddress();
  }

  boolean tlsActive() {
    return tls.isPresent();
  }

  Optional<Envelope.Tls> tls() {
    return tls;
  }

  Clock clock() {
    return services.clock();
  }

  /** The client as the envelope records it; the protocol word follows RFC 3848 and RFC 6531. */
  Envelope.Client client(boolean smtputf8) {
    String word = smtputf8 && protocol.equals("ESMTP") ? "UTF8SMTP" : protocol;
    if (tls.isPresent() && !word.equals("SMTP")) {
      word += "S";
    }
    // RFC 3848: ESMTPA, ESMTPSA, UTF8SMTPA, UTF8SMTPSA after AUTH, as Postfix writes them.
    if (checkState.saslUsername != null && !word.equals("SMTP")) {
      word += "A";
    }
    Envelope.Sasl login = new Envelope.Sasl(orEmpty(checkState.saslMethod),
        orEmpty(checkState.saslUsername), orEmpty(checkState.saslSender));
    return new Envelope.Client(clientName, clientAddress, clientPort, helo, word, login);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * Graceful stop: a session waiting for its next command gets {@code 421 4.3.2 Service shutting
   * down} and is closed at once; a busy one finishes its command and gets the 421 after it.
   */
  void closeIfIdle() {
    writer.locked(() -> {
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
      // The client is gone; the session is ending anyway and logs how.
    }
  }

  private void closeQuietly() {
    tlsConnection.ifPresent(TlsConnection::close);
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to tell the client; the disconnect line follows.
    }
  }
}
