package org.postern.smtpd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.milter.Macros;
import org.postern.milter.MilterReply;
import org.postern.milter.Milters;
import org.postern.milter.Verdict;
import org.postern.tls.ClientCertificate;

/**
 * The session's {@code smtpd_milters} as smtpd asks them (Postfix's {@code check_milter_reply}):
 * each envelope event's verdict becomes a reply or an action on the transaction, with Postfix's
 * log line ({@code NOQUEUE: milter-reject: RCPT from host[addr]: 550 5.7.1 Command rejected;
 * from=<a> to=<b> proto=ESMTP helo=<h>}). A quarantine holds the message and a discard drops it,
 * both through the transaction's access actions, which cleanup applies; after a discard the
 * milters hear nothing more of the transaction. The content stages run in cleanup, which gets
 * {@link #chain()} with the message.
 *
 * <p>Macros smtpd knows: {@code j}, {@code _}, {@code {daemon_addr}}, {@code {daemon_port}},
 * {@code {client_addr}}, {@code {client_name}}, {@code {client_ptr}}, {@code {client_port}},
 * {@code {tls_version}}, {@code {cipher}}, {@code {cipher_bits}}, {@code {cert_subject}} and
 * {@code {cert_issuer}} (of a verified client certificate only), {@code {auth_type}}, {@code
 * {auth_authen}}, {@code {auth_author}} (MAIL FROM's AUTH=), {@code {mail_addr}}, {@code
 * {rcpt_addr}}; {@code {daemon_name}} and {@code v} come from the settings.
 *
 * <p>Failure: a milter that fails answers with its default action (see {@link Milters}); a 421
 * reply ends the session after it is sent.
 */
final class SmtpdMilters implements AutoCloseable {
  private final Milters milters;
  private final SmtpdSession session;
  private final CheckState state;
  private final int clientPort;

  SmtpdMilters(Milters milters, SmtpdSession session, int clientPort) {
    this.milters = milters;
    this.session = session;
    this.state = session.checkState();
    this.clientPort = clientPort;
  }

  /** The chain for cleanup's content stages. */
  Milters chain() {
    return milters;
  }

  /**
   * The connect event, before the greeting: empty to greet as usual, else the greeting to send
   * instead ({@code 554 host ESMTP not accepting connections}; a 421 ends the session). A
   * rejection persists: the milters answer every later command with it.
   */
  Optional<Reply> connect(String myhostname) {
    Optional<Reply> r = check(milters.connect(state.clientName, state.clientAddress, clientPort,
        macros()), "CONNECT");
    if (r.isEmpty()) {
      return r;
    }
    return Optional.of(r.get().code() == 421
        ? Reply.plain(421, myhostname + " Service unavailable - try again later")
        : Reply.plain(554, myhostname + " ESMTP not accepting connections"));
  }

  /** HELO/EHLO: only a 421 stops it; other refusals answer the later commands. */
  Optional<Reply> helo(String name) {
    if (state.discard()) {
      return Optional.empty();
    }
    String saved = state.helo;
    state.helo = name;
    Optional<Reply> r = check(milters.helo(name, macros()), state.where);
    state.helo = saved;
    return r.filter(reply -> reply.code() == 421);
  }

  Optional<Reply> mail(List<String> args) {
    return state.discard() ? Optional.empty() : check(milters.mail(args, macros()), "MAIL");
  }

  /** RCPT of {@code address}, which the log line and {@code {rcpt_addr}} name. */
  Optional<Reply> rcpt(String address, List<String> args) {
    if (state.discard()) {
      return Optional.empty();
    }
    String saved = state.recipient;
    state.recipient = address;
    try {
      return check(milters.rcpt(args, macros()), "RCPT");
    } finally {
      state.recipient = saved;
    }
  }

  Optional<Reply> data() {
    return state.discard() ? Optional.empty() : check(milters.data(macros()), "DATA");
  }

  /** An unknown command: a milter's 4xx replaces smtpd's own 5xx, nothing else does. */
  Optional<Reply> unknown(String line) {
    Verdict v = milters.unknown(line, macros());
    if (v instanceof Verdict.Refuse r && r.reply().temporary()) {
      return Optional.of(reply(r.reply()));
    }
    return Optional.empty();
  }

  void abort() {
    milters.abort();
  }

  @Override
  public void close() {
    milters.close();
  }

  private Optional<Reply> check(Verdict v, String where) {
    String saved = state.where;
    state.where = where;
    try {
      return switch (v) {
        case Verdict.Continue c -> Optional.empty();
        case Verdict.Hold h -> {
          if (!state.hold()) {
            state.hold(h.reason());
            state.whatsup("milter-hold", h.reason().isEmpty() ? "milter triggers HOLD action" : h.reason());
          }
          yield Optional.empty();
        }
        case Verdict.Discard d -> {
          if (!state.discard()) {
            state.discard(true);
            state.whatsup("milter-discard", "milter triggers DISCARD action");
          }
          yield Optional.empty();
        }
        case Verdict.Refuse r -> {
          state.whatsup("milter-reject", r.reply().logText());
          yield Optional.of(reply(r.reply()));
        }
      };
    } finally {
      state.where = saved;
    }
  }

  private static Reply reply(MilterReply r) {
    return new Reply(r.code(), r.enhanced(), r.lines());
  }

  private Macros macros() {
    Map<String, String> m = new HashMap<>();
    m.put("{j}", session.myhostname());
    m.put("{_}", state.clientName + " [" + state.clientAddress + "]");
    m.put("{client_addr}", state.clientAddress);
    m.put("{client_name}", state.clientName);
    m.put("{client_ptr}", state.peer.reverseName());
    m.put("{client_port}", Integer.toString(clientPort));
    m.put("{daemon_addr}", session.serverAddress());
    m.put("{daemon_port}", Integer.toString(session.serverPort()));
    session.tls().ifPresent(t -> {
      m.put("{tls_version}", t.protocol());
      m.put("{cipher}", t.cipher());
      m.put("{cipher_bits}", Integer.toString(t.cipherBits()));
      // As Postfix: the names of a client certificate only when it verified.
      t.clientCertificate().filter(ClientCertificate::trusted).ifPresent(c -> {
        m.put("{cert_subject}", c.subjectCn());
        m.put("{cert_issuer}", c.issuerCn());
      });
    });
    if (state.saslMethod != null) {
      m.put("{auth_type}", state.saslMethod);
      m.put("{auth_authen}", state.saslUsername);
    }
    if (state.saslSender != null) {
      m.put("{auth_author}", state.saslSender);
    }
    if (state.sender != null) {
      m.put("{mail_addr}", state.sender);
    }
    if (state.recipient != null) {
      m.put("{rcpt_addr}", state.recipient);
    }
    return name -> Optional.ofNullable(m.get(name));
  }
}
