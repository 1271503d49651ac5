package org.postern.smtpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.policy.PolicyClient;

/**
 * What the access restrictions know about one session while they run (Postfix's {@code
 * SMTPD_STATE} as {@code smtpd_check.c} sees it): the client, HELO name, sender and recipient of
 * the request being judged, the {@code warn_if_reject}, {@code defer_if_permit} and {@code
 * defer_if_reject} bookkeeping, and the actions that access tables delegate to cleanup (HOLD,
 * DISCARD, FILTER, REDIRECT, PREPEND) for the current mail transaction. It also holds what a policy
 * service is told about the session (ports, TLS, the transaction and its {@code instance}) and the
 * session's policy service connections.
 *
 * <p>Not thread-safe: one session owns it.
 */
final class CheckState {
  /** A deferred reply that {@code defer_if_permit} or {@code defer_if_reject} may send later. */
  static final class Defer {
    private boolean active;
    private Reply reply;

    boolean active() {
      return active;
    }

    /** Keeps the first reason while active, as Postfix does, to minimize confusion. */
    void set(Reply r) {
      if (!active) {
        active = true;
        reply = r;
      }
    }

    /** Restores an earlier stage's flag; the reason it recorded is kept. */
    void activate(boolean on) {
      active = on && reply != null;
    }

    Reply reply() {
      return reply;
    }

    void clear() {
      active = false;
    }
  }

  final String clientName;
  /** The client's verified and reverse names and how their lookups ended. */
  final PeerName peer;
  final String clientAddress;
  final boolean inMynetworks;
  private final Consumer<String> log;
  int clientPort;
  String serverAddress = "";
  int serverPort;
  Optional<Envelope.Tls> tls = Optional.empty();
  /** The open mail transaction, from MAIL FROM on; null outside one. */
  Transaction transaction;
  /** Postfix's per-transaction {@code instance}, empty outside a transaction. */
  String instance = "";
  private int instances;
  private final Map<PolicyClient, PolicyClient.Lease> policyLeases = new HashMap<>();
  String helo;
  String sender;
  String recipient;
  /** reject_unlisted_recipient ran for this RCPT (Postfix's recipient_rcptmap_checked). */
  boolean recipientListChecked;
  /** reject_unlisted_sender ran for this sender (Postfix's sender_rcptmap_checked). */
  boolean senderListChecked;
  String protocol = "SMTP";
  String where = "CONNECT";
  String queueId;
  boolean saslAuthenticated;
  /** After a successful AUTH: the mechanism and user, for logging and the Received: header. */
  String saslMethod;
  String saslUsername;
  /** MAIL FROM's AUTH= address as sent (xtext, made printable); null without one or {@code <>}. */
  String saslSender;
  boolean illegalPipelining;

  int recursion;
  int warnIfReject;
  final Defer deferIfPermit = new Defer();
  final Defer deferIfReject = new Defer();
  boolean deferIfPermitClient;
  boolean deferIfPermitHelo;
  boolean deferIfPermitSender;

  private boolean hold;
  private Optional<String> holdReason = Optional.empty();
  private boolean discard;
  private Optional<String> filter = Optional.empty();
  private Optional<String> redirect = Optional.empty();
  private final List<String> prepend = new ArrayList<>();

  CheckState(String clientName, String clientAddress, boolean inMynetworks, Consumer<String> log) {
    this(PeerName.verified(clientName), clientAddress, inMynetworks, log);
  }

  CheckState(PeerName peer, String clientAddress, boolean inMynetworks, Consumer<String> log) {
    this.peer = peer;
    this.clientName = peer.name();
    this.clientAddress = clientAddress;
    this.inMynetworks = inMynetworks;
    this.log = log;
  }

  /** The endpoints of the connection, for policy services. */
  void connection(int clientPort, String serverAddress, int serverPort) {
    this.clientPort = clientPort;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
  }

  /**
   * A mail transaction began (MAIL FROM accepted). The instance names it as Postfix does: process
   * id, arrival seconds and microseconds, and a per-session counter, in hex.
   */
  void begin(Transaction t) {
    transaction = t;
    long micros = t.arrival().getNano() / 1000;
    instance = Long.toHexString(ProcessHandle.current().pid()) + "." + Long.toHexString(t.arrival().getEpochSecond())
        + "." + Long.toHexString(micros) + "." + Integer.toHexString(instances++);
  }

  /** This session's connection to {@code client}'s service, kept until the session ends. */
  PolicyClient.Lease policyLease(PolicyClient client) {
    return policyLeases.computeIfAbsent(client, PolicyClient::lease);
  }

  /** The session ends: its policy connections go back to their pools. */
  void releasePolicyLeases() {
    policyLeases.values().forEach(PolicyClient.Lease::close);
    policyLeases.clear();
  }

  String namaddr() {
    return clientName + "[" + clientAddress + "]";
  }

  /**
   * Postfix's {@code log_whatsup}: one line with as much context as is known, the SASL login
   * last.
   */
  void whatsup(String action, String text) {
    StringBuilder b = new StringBuilder();
    b.append(queueId == null ? "NOQUEUE" : queueId).append(": ").append(action).append(": ");
    b.append(where).append(" from ").append(namaddr()).append(": ").append(text).append(';');
    if (sender != null) {
      b.append(" from=<").append(sender).append('>');
    }
    if (recipient != null) {
      b.append(" to=<").append(recipient).append('>');
    }
    b.append(" proto=").append(protocol);
    if (helo != null) {
      b.append(" helo=<").append(helo).append('>');
    }
    if (saslMethod != null) {
      b.append(" sasl_method=").append(saslMethod);
    }
    if (saslUsername != null) {
      b.append(" sasl_username=").append(saslUsername);
    }
    if (saslSender != null) {
      b.append(" sasl_sender=").append(saslSender);
    }
    log.accept(b.toString());
  }

  void warning(String text) {
    log.accept("warning: " + text);
  }

  /** Any other line of this session's log. */
  void log(String line) {
    log.accept(line);
  }

  /** Forgets the per-evaluation bookkeeping before a restriction class runs. */
  void resetEvaluation() {
    recursion = 0;
    warnIfReject = 0;
    deferIfReject.clear();
  }

  /** A new mail transaction (MAIL FROM) starts without the previous one's actions. */
  void resetTransaction() {
    hold = false;
    holdReason = Optional.empty();
    discard = false;
    filter = Optional.empty();
    redirect = Optional.empty();
    prepend.clear();
    sender = null;
    saslSender = null;
    recipient = null;
    queueId = null;
    deferIfPermitSender = false;
    transaction = null;
    instance = "";
  }

  boolean discard() {
    return discard;
  }

  void discard(boolean on) {
    discard = on;
  }

  boolean hold() {
    return hold;
  }

  void hold(String reason) {
    hold = true;
    holdReason = Optional.of(reason);
  }

  void filter(String transportDestination) {
    filter = Optional.of(transportDestination);
  }

  void redirect(String address) {
    redirect = Optional.of(address);
  }

  void prepend(String header) {
    prepend.add(header);
  }

  /** The delegated actions as cleanup receives them with the envelope. */
  Envelope.Actions actions() {
    return new Envelope.Actions(hold, holdReason, discard, filter, redirect, prepend);
  }
}
