package org.postern.milter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One connection to one milter for one SMTP session (or one local submission): option
 * negotiation when opened, then one method per event, each answering with a {@link Verdict}.
 * The state machine is Postfix's milter8: after accept or reject at connect or HELO the milter
 * gets no more events of the session; after accept of a message, none of that message; after an
 * error, none at all, and every later event answers with the {@code default_action} verdict.
 *
 * <p>Events a milter asked not to get (or that its protocol version lacks) are not sent; replies
 * it said it would not send are not awaited; SMFIR_SKIP ends body chunks early.
 *
 * <p>Failure: any I/O error, timeout or protocol violation closes the connection and yields the
 * {@code default_action} verdict (see {@link DefaultAction}), logged as a warning naming the
 * milter. Not thread-safe: one session drives it.
 */
public final class Milter {
  private enum State { READY, ENVELOPE, MESSAGE, ACCEPT_CON, ACCEPT_MSG, REJECT_CON, ERROR }

  /**
   * The most packets one event may bring before its decision (progress, quarantine, edits):
   * each packet restarts the timeout, so without a bound a milter could hold a session forever.
   */
  static final int MAX_PACKETS_PER_EVENT = 100_000;

  private final MilterSpec spec;
  private final Consumer<String> warn;
  private PacketChannel channel;
  private State state = State.ERROR;
  private Verdict persistent;
  private MacroLists macros;
  private int version;
  private int events;
  private int nonProtocol;
  private char skipEvent;

  private Milter(MilterSpec spec, MacroLists macros, Consumer<String> warn) {
    this.spec = spec;
    this.macros = macros;
    this.warn = warn;
  }

  /** Connects and negotiates; a failure leaves a milter that answers with its default action. */
  public static Milter open(MilterSpec spec, MacroLists macros, Consumer<String> warn) {
    Milter m = new Milter(spec, macros, warn);
    m.connect();
    return m;
  }

  public String name() {
    return spec.name();
  }

  private void connect() {
    int[] mine;
    try {
      mine = Protocol.parseSetting(spec.protocol());
    } catch (IllegalArgumentException e) {
      warn("milter " + name() + ": " + e.getMessage());
      configurationError();
      return;
    }
    try {
      channel = new PacketChannel(Transport.open(Endpoint.parse(name()), spec.connectTimeout()));
    } catch (IOException | RuntimeException e) {
      warn("connect to Milter service " + name() + ": "
          + (e.getMessage() == null ? reason(e) : e.getMessage()));
      communicationError();
      return;
    }
    try {
      negotiate(mine[0], mine[1]);
    } catch (IOException e) {
      warn("milter " + name() + ": " + reason(e) + " in initial handshake");
      communicationError();
    }
  }

  private void negotiate(int myVersion, int myEvents) throws IOException {
    channel.timeout(spec.commandTimeout());
    nonProtocol = Protocol.NOSEND_MASK & ~myEvents;
    channel.write(Protocol.OPTNEG, new Packet.Builder()
        .int32(myVersion).int32(Protocol.ACTIONS).int32(myEvents).build());
    Packet reply = channel.read();
    if (reply.command() != Protocol.OPTNEG) {
      throw new MilterProtocolException("unexpected reply \"" + reply.command() + "\"");
    }
    Packet.Reader r = reply.reader();
    version = r.int32();
    int actions = r.int32();
    events = r.int32();
    if (version > myVersion || version < 2) {
      throw new MilterProtocolException("protocol version " + version
          + " conflict with MTA protocol version " + myVersion);
    }
    if ((actions & Protocol.ACTIONS) != actions) {
      throw new MilterProtocolException(String.format(
          "request mask 0x%x conflict with MTA request mask 0x%x", actions, Protocol.ACTIONS));
    }
    if (version < myVersion) {
      nonProtocol |= Protocol.NOSEND_MASK & ~Protocol.events(version);
    }
    state = State.READY;
    persistent = null;
    while (r.hasMore()) {
      int code = r.int32();
      String list = r.string();
      MacroStage stage = MacroStage.of(code);
      if (stage == null) {
        warn("milter " + name() + ": ignoring unknown macro type " + code);
      } else {
        macros = macros.with(stage, List.of(list.split("[\\s,]+")).stream()
            .filter(s -> !s.isEmpty()).toList());
      }
    }
  }

  /** True when the milter asked for rejected recipients too (SMFIP_RCPT_REJ). */
  public boolean wantsRejectedRecipients() {
    return (events & Protocol.RCPT_REJ) != 0;
  }

  /** True while the milter still takes events of this session. */
  public boolean active() {
    return channel != null && (state == State.ENVELOPE || state == State.READY);
  }

  /** The client connected: name ("unknown" becomes [addr]), address, port. */
  public Verdict connect(String clientName, String clientAddress, int port, Macros values) {
    if (state != State.READY) {
      return current();
    }
    state = State.ENVELOPE;
    String name = !clientName.equals("unknown") || clientAddress.equals("unknown")
        ? clientName : "[" + clientAddress + "]";
    Packet.Builder b = new Packet.Builder().string(name);
    if (clientAddress.startsWith("/")) {
      b.octet('L').int16(0).string(clientAddress);
    } else if (clientAddress.equals("unknown")) {
      b.octet('U');
    } else {
      b.octet(clientAddress.indexOf(':') >= 0 ? '6' : '4').int16(port).string(clientAddress);
    }
    return event(Protocol.CONNECT, Protocol.NOCONNECT, Protocol.NR_CONN, MacroStage.CONNECT,
        values, b.build());
  }

  public Verdict helo(String name, Macros values) {
    if (state != State.ENVELOPE && state != State.ACCEPT_MSG) {
      return current();
    }
    return event(Protocol.HELO, Protocol.NOHELO, Protocol.NR_HELO, MacroStage.HELO, values,
        new Packet.Builder().string(name).build());
  }

  /** MAIL FROM: the address as given (with angle brackets from smtpd) and its ESMTP parameters. */
  public Verdict mail(List<String> args, Macros values) {
    if (state == State.ACCEPT_MSG) {
      state = State.ENVELOPE;
    }
    if (state != State.ENVELOPE) {
      return current();
    }
    return event(Protocol.MAIL, Protocol.NOMAIL, Protocol.NR_MAIL, MacroStage.MAIL, values,
        new Packet.Builder().strings(args).build());
  }

  public Verdict rcpt(List<String> args, Macros values) {
    return inEnvelope() ? event(Protocol.RCPT, Protocol.NORCPT, Protocol.NR_RCPT,
        MacroStage.RCPT, values, new Packet.Builder().strings(args).build()) : current();
  }

  public Verdict data(Macros values) {
    return inEnvelope() ? event(Protocol.DATA, Protocol.NODATA, Protocol.NR_DATA,
        MacroStage.DATA, values, new byte[0]) : current();
  }

  /** A command smtpd does not know, as the client sent it. */
  public Verdict unknown(String command, Macros values) {
    return inEnvelope() ? event(Protocol.UNKNOWN, Protocol.NOUNKNOWN, Protocol.NR_UNKN,
        MacroStage.UNKNOWN, values, new Packet.Builder().string(command).build()) : current();
  }

  /**
   * The message: headers, end of headers, body in chunks, end of message; the answer carries
   * the edits the milter asked for (apply them only when the verdict lets the mail pass).
   */
  public Eom message(MilterMessage message, Macros values, long bodyLimit) {
    if (!inEnvelope()) {
      return new Eom(current(), List.of());
    }
    state = State.MESSAGE;
    try {
      channel.timeout(spec.contentTimeout());
      Eom eom = new MessageSender(this, message, values, bodyLimit).send();
      if (channel != null) {
        channel.timeout(spec.commandTimeout());
      }
      return eom;
    } catch (IOException e) {
      warn("milter " + name() + ": " + reason(e));
      return new Eom(communicationError(), List.of());
    } finally {
      if (state == State.MESSAGE || state == State.ACCEPT_MSG) {
        state = State.ENVELOPE;
      }
      // A quarantine holds this message; unlike a default_action, it does not outlive it.
      if (state != State.ERROR && persistent instanceof Verdict.Hold) {
        persistent = null;
      }
    }
  }

  /** What {@link #message} found: the verdict and the edits in the order the milter sent them. */
  public record Eom(Verdict verdict, List<Edit> edits) {
    public Eom {
      edits = List.copyOf(edits);
    }
  }

  /** The transaction ends without a message (RSET, new MAIL, rejected DATA). */
  public void abort() {
    if (state == State.ENVELOPE || state == State.MESSAGE || state == State.ACCEPT_MSG) {
      if (write(Protocol.ABORT, new byte[0]) && state != State.ERROR) {
        state = State.ENVELOPE;
      }
    }
  }

  /** The session ends: QUIT to the milter and close. */
  public void quit() {
    if (channel != null && state != State.READY) {
      write(Protocol.QUIT, new byte[0]);
    }
    close();
  }

  private void close() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  // Event plumbing shared with MessageSender.

  private boolean inEnvelope() {
    return state == State.ENVELOPE;
  }

  boolean inMessage() {
    return state == State.MESSAGE && persistent == null;
  }

  int events() {
    return events;
  }

  Verdict current() {
    return persistent == null ? Verdict.CONTINUE : persistent;
  }

  /**
   * Sends one event (after its macros) and reads the reply unless the milter said it sends none;
   * empty when the reply is still to be read by the caller (end of message).
   */
  Verdict event(char command, int noSend, int noReply, MacroStage stage, Macros values,
      byte[] data) {
    Optional<Verdict> skipped = sendEvent(command, noSend, stage, values, data);
    if (skipped.isPresent()) {
      return skipped.get();
    }
    if ((events & noReply) != 0) {
      return current();
    }
    return readReply(command);
  }

  /** Sends the macros and the event; a verdict when the event is not to be answered. */
  Optional<Verdict> sendEvent(char command, int noSend, MacroStage stage, Macros values,
      byte[] data) {
    if (channel == null || persistent != null) {
      return Optional.of(current());
    }
    if ((noSend & nonProtocol) != 0) {
      return Optional.of(current());
    }
    if (skipEvent != 0) {
      if (command == skipEvent) {
        return Optional.of(current());
      }
      skipEvent = 0;
    }
    if (!write(Protocol.MACRO, macroPacket(command, stage, values))) {
      return Optional.of(current());
    }
    if ((events & noSend) != 0) {
      return Optional.of(current());
    }
    if (!write(command, data)) {
      return Optional.of(current());
    }
    return Optional.empty();
  }

  private byte[] macroPacket(char command, MacroStage stage, Macros values) {
    Packet.Builder b = new Packet.Builder().octet(command);
    for (String name : macros.at(stage)) {
      Optional<String> v = values.value(Macros.braced(name));
      if (v.isPresent()) {
        b.string(name).string(v.get());
      }
    }
    return b.build();
  }

  private boolean write(char command, byte[] data) {
    try {
      channel.write(command, data);
      return true;
    } catch (IOException e) {
      warn("milter " + name() + ": " + reason(e) + " while sending '" + command + "'");
      communicationError();
      return false;
    }
  }

  /** Reads replies to an envelope event until a decision. */
  private Verdict readReply(char event) {
    try {
      for (int n = 0; ; n++) {
        Packet p = readWithin(n);
        Optional<Verdict> v = decision(event, p);
        if (v.isPresent()) {
          return v.get();
        }
      }
    } catch (MilterProtocolException e) {
      warn("milter " + name() + ": " + e.getMessage() + " after event '" + event + "'");
      return communicationError();
    } catch (IOException e) {
      warn("milter " + name() + ": " + reason(e) + " reading reply to '" + event + "'");
      return communicationError();
    }
  }

  /** The next reply packet of an event, the {@code n}th so far. */
  Packet readWithin(int n) throws IOException {
    if (n >= MAX_PACKETS_PER_EVENT) {
      throw new MilterProtocolException("more than " + MAX_PACKETS_PER_EVENT
          + " replies without a decision");
    }
    return channel.read();
  }

  /**
   * The decision a reply packet makes; empty for progress and quarantine, which are followed by
   * more replies. Edits are not decisions: {@link MessageSender} takes them before calling this.
   */
  Optional<Verdict> decision(char event, Packet p) throws IOException {
    boolean connectStage = event == Protocol.CONNECT || event == Protocol.HELO;
    Packet.Reader r = p.reader();
    switch (p.command()) {
      case Protocol.PROGRESS -> {
        r.end();
        return Optional.empty();
      }
      case Protocol.CONTINUE -> {
        r.end();
        return Optional.of(current());
      }
      case Protocol.ACCEPT -> {
        r.end();
        state = connectStage ? State.ACCEPT_CON : State.ACCEPT_MSG;
        return Optional.of(current());
      }
      case Protocol.DISCARD -> {
        r.end();
        if (connectStage) {
          warn("milter " + name() + ": DISCARD action is not allowed for connect or helo");
          return Optional.of(current());
        }
        state = State.ACCEPT_MSG;
        return Optional.of(new Verdict.Discard());
      }
      case Protocol.REJECT -> {
        r.end();
        return Optional.of(refuse(connectStage, "550 5.7.1 Command rejected"));
      }
      case Protocol.TEMPFAIL -> {
        r.end();
        return Optional.of(refuse(connectStage, "451 4.7.1 Service unavailable - try again later"));
      }
      case Protocol.SHUTDOWN -> {
        r.end();
        state = State.REJECT_CON;
        persistent = reply("421 4.7.0 Server closing connection");
        return Optional.of(persistent);
      }
      case Protocol.REPLYCODE -> {
        return Optional.of(replyCode(connectStage, r.rest()));
      }
      case Protocol.QUARANTINE -> {
        String reason = new String(r.rest(), java.nio.charset.StandardCharsets.UTF_8)
            .replace("\0", "");
        persistent = new Verdict.Hold(reason.length() > 100 ? reason.substring(0, 100) : reason);
        return Optional.empty();
      }
      case Protocol.SKIP -> {
        r.end();
        skipEvent = event;
        return Optional.of(current());
      }
      default -> throw new MilterProtocolException("unexpected filter response '"
          + p.command() + "'");
    }
  }

  private Verdict replyCode(boolean connectStage, byte[] data) {
    int end = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
    String text = new String(data, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    Optional<MilterReply> parsed = MilterReply.parse(text);
    if (parsed.isEmpty()) {
      warn("milter " + name() + ": malformed reply: " + text);
      return configurationError();
    }
    Verdict v = new Verdict.Refuse(parsed.get());
    if (connectStage) {
      state = State.REJECT_CON;
      persistent = v;
    }
    return v;
  }

  private Verdict refuse(boolean connectStage, String text) {
    Verdict v = reply(text);
    if (connectStage) {
      state = State.REJECT_CON;
      persistent = v;
    }
    return v;
  }

  private static Verdict reply(String text) {
    return new Verdict.Refuse(MilterReply.parse(text).orElseThrow());
  }

  Verdict communicationError() {
    close();
    state = State.ERROR;
    persistent = spec.defaultAction().communicationError();
    return current();
  }

  Verdict configurationError() {
    close();
    state = State.ERROR;
    persistent = spec.defaultAction().configurationError();
    return current();
  }

  PacketChannel channel() {
    return channel;
  }

  void acceptMessage() {
    state = State.ACCEPT_MSG;
  }

  void warn(String text) {
    warn.accept(text);
  }

  static String reason(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
