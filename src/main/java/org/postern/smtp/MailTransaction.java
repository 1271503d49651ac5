package org.postern.smtp;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.esmtp.Xtext;
import org.postern.log.TlsFeatureStatus;
import org.postern.queue.DsnNotify;
import org.postern.queue.Recipient;

/**
 * One mail transaction on an open session: MAIL FROM with the ESMTP parameters the server
 * offers (SIZE, BODY, SMTPUTF8, REQUIRETLS, RET/ENVID), RCPT TO each recipient (NOTIFY, ORCPT),
 * DATA or BDAT, and one result per recipient; for LMTP one reply per accepted recipient after
 * the content. MAIL, RCPT and DATA are pipelined when the server offers PIPELINING; the content
 * is sent only after an accepted RCPT. An address probe ({@link DeliveryRequest#traceOnly}) ends
 * with RSET after the RCPT TO replies: the next hop never sees DATA.
 *
 * <p>Before MAIL FROM a server is skipped (a soft error while others remain) when its SIZE limit
 * is below the message size ({@code 5.3.4}), when the message needs SMTPUTF8 and the server lacks
 * it ({@code 5.6.7}), or when the message is 8-bit, the server lacks 8BITMIME and the MIME
 * structure cannot be downgraded ({@code 4.6.3}). A message needs SMTPUTF8 as Postfix's {@code
 * DELIVERY_REQUIRES_SMTPUTF8} says: the sender asked for it and the sender, a recipient of this
 * delivery or the header is not ASCII; an all-ASCII message that asked for it goes to a server
 * without SMTPUTF8 as it is, without the parameter.
 */
final class MailTransaction {
  private static final byte[] EMPTY_MESSAGE = ".\r\n".getBytes(StandardCharsets.US_ASCII);

  /** What the transaction did. */
  sealed interface Outcome {}

  /** Every recipient decided; {@code reusable} when the session may carry another message. */
  record Done(List<RecipientResult> results, boolean reusable) implements Outcome {}

  /** Nothing decided: the failure applies to every recipient. */
  record Failed(SessionFailure failure) implements Outcome {}

  private final SmtpSettings settings;
  private final SmtpSession session;
  private final DeliveryRequest request;
  private final List<Recipient> recipients;
  private final MessageContent content;
  private final boolean sendRequireTls;
  private final TlsFeatureStatus tls;
  /** Where the dialogue is, for timeout and lost-connection texts. */
  private String stage = "";

  MailTransaction(
      SmtpSettings settings, SmtpSession session, DeliveryRequest request,
      List<Recipient> recipients, MessageContent content, boolean sendRequireTls,
      TlsFeatureStatus tls) {
    this.settings = settings;
    this.session = session;
    this.request = request;
    this.recipients = recipients;
    this.content = content;
    this.sendRequireTls = sendRequireTls;
    this.tls = tls;
  }

  Outcome run() throws InterruptedException {
    Server server = session.server();
    long size = content.size();
    Optional<Long> limit = session.sizeLimit();
    if (limit.isPresent() && limit.get() < size) {
      return skip("5.3.4", "message size " + size + " exceeds size limit " + limit.get()
          + " of server " + server.namaddr());
    }
    if (needsSmtputf8(request, content) && !session.offers("SMTPUTF8")) {
      return skip("5.6.7", smtputf8Missing(server));
    }
    MessageContent body = content;
    if (content.eightBit() && !session.offers("8BITMIME")) {
      Optional<MessageContent> converted = content.downgraded();
      if (converted.isEmpty()) {
        return skip("4.6.3", "host " + server.namaddr() + " does not announce 8BITMIME and the"
            + " message's MIME structure cannot be converted to 7bit");
      }
      body = converted.get();
    }
    try {
      return transact(body, body != content);
    } catch (SocketTimeoutException e) {
      session.connection().close();
      return lost("conversation with " + server.namaddr() + " timed out" + stage);
    } catch (IOException e) {
      session.connection().close();
      return lost("lost connection with " + server.namaddr() + stage + ": " + e.getMessage());
    } finally {
      if (Thread.interrupted()) {
        session.connection().close();
        throw new InterruptedException("delivery interrupted");
      }
    }
  }

  private Outcome transact(MessageContent body, boolean converted) throws IOException {
    SmtpConnection c = session.connection();
    boolean pipelining = session.offers("PIPELINING");
    boolean chunking = session.offers("CHUNKING");
    var t = settings.timeouts();
    stage = " while sending MAIL FROM";
    c.writeLine(mailFrom(body, converted));
    if (!pipelining) {
      c.flush();
      ServerReply mail = c.read(t.mail());
      if (!mail.positive()) {
        return mailRejected(mail);
      }
    }
    List<ServerReply> rcptReplies = new ArrayList<>();
    for (Recipient r : recipients) {
      if (!pipelining) {
        stage = " while sending RCPT TO";
        c.writeLine(rcptTo(r));
        c.flush();
        rcptReplies.add(c.read(t.rcpt()));
      } else {
        c.writeLine(rcptTo(r));
      }
    }
    boolean probe = request.traceOnly();
    if (pipelining) {
      if (!chunking && !probe) {
        c.writeLine("DATA");
      }
      c.flush();
      stage = " while receiving the MAIL FROM reply";
      ServerReply mail = c.read(t.mail());
      stage = " while receiving the RCPT TO replies";
      for (int i = 0; i < recipients.size(); i++) {
        rcptReplies.add(c.read(t.rcpt()));
      }
      if (!mail.positive()) {
        if (!chunking && !probe) {
          stage = " while receiving the DATA reply";
          endEmptyData(c.read(t.dataInit()));
        }
        return mailRejected(mail);
      }
    }
    List<RecipientResult> results = new ArrayList<>();
    List<Recipient> accepted = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i++) {
      ServerReply r = rcptReplies.get(i);
      if (r.positive()) {
        accepted.add(recipients.get(i));
      } else {
        results.add(remote(recipients.get(i), r, "RCPT TO"));
      }
    }
    if (probe) {
      return probed(results, accepted, rcptReplies);
    }
    if (chunking) {
      if (accepted.isEmpty()) {
        return new Done(results, resetOk());
      }
      stage = " while sending message content";
      c.writeLine("BDAT " + body.size() + " LAST");
      body.writeTo(c.output());
      c.flush();
      return finish(results, accepted, "end of BDAT");
    }
    if (!pipelining) {
      if (accepted.isEmpty()) {
        return new Done(results, resetOk());
      }
      stage = " while sending DATA";
      c.writeLine("DATA");
      c.flush();
    }
    stage = " while receiving the DATA reply";
    ServerReply data = c.read(t.dataInit());
    if (!data.positive() && data.code() != 354) {
      for (Recipient r : accepted) {
        results.add(remote(r, data, "DATA"));
      }
      return new Done(results, resetOk());
    }
    if (accepted.isEmpty()) {
      endEmptyData(data);
      return new Done(results, resetOk());
    }
    stage = " while sending message content";
    body.writeDotStuffed(c.output());
    c.flush();
    return finish(results, accepted, "end of DATA");
  }

  /**
   * An address probe stops after RCPT TO, as Postfix's smtp_address_verify_target = rcpt: an
   * accepted recipient is deliverable with the server's RCPT reply, and RSET ends the
   * transaction so that no message is sent.
   */
  private Outcome probed(List<RecipientResult> results, List<Recipient> accepted,
      List<ServerReply> rcptReplies) throws IOException {
    for (Recipient r : accepted) {
      ServerReply reply = rcptReplies.get(recipients.indexOf(r));
      results.add(RecipientResult.sent(r, reply.enhancedStatus().orElse("2.0.0"),
              session.server().relay().text(), reply.text())
          .withDiagnostic("smtp; " + reply.text())
          .withTlsStatus(tls)
          .withConnectionReuses(session.uses() - 1));
    }
    stage = " while sending RSET";
    return new Done(results, resetOk());
  }

  /**
   * After a pipelined DATA that carries no message (MAIL FROM or every RCPT TO refused): a server
   * that still said 354 now reads content, so it gets the lone "." and its reply is read; until
   * then it would take the RSET that follows as message text and never answer it.
   */
  private void endEmptyData(ServerReply data) throws IOException {
    if (data.code() != 354) {
      return;
    }
    stage = " while sending end of data";
    SmtpConnection c = session.connection();
    c.write(EMPTY_MESSAGE, 0, EMPTY_MESSAGE.length);
    c.flush();
    stage = " while receiving the reply to end of DATA";
    c.read(settings.timeouts().dataDone());
  }

  /** The final reply (SMTP) or one per accepted recipient (LMTP). */
  private Outcome finish(List<RecipientResult> results, List<Recipient> accepted, String command)
      throws IOException {
    stage = " while receiving the reply to " + command;
    var t = settings.timeouts();
    if (settings.protocol() == Protocol.LMTP) {
      for (Recipient r : accepted) {
        results.add(outcome(r, session.connection().read(t.dataDone()), command));
      }
    } else {
      ServerReply done = session.connection().read(t.dataDone());
      for (Recipient r : accepted) {
        results.add(outcome(r, done, command));
      }
    }
    return new Done(results, true);
  }

  private RecipientResult outcome(Recipient r, ServerReply reply, String command) {
    if (!reply.positive()) {
      return remote(r, reply, command);
    }
    String dsn = reply.enhancedStatus().orElse("2.0.0");
    RecipientResult sent =
        RecipientResult.sent(r, dsn, session.server().relay().text(), reply.text())
            .withTlsStatus(tls)
            .withConnectionReuses(session.uses() - 1);
    return settings.protocol() == Protocol.SMTP && !session.offers("DSN") ? sent.relayed() : sent;
  }

  private RecipientResult remote(Recipient r, ServerReply reply, String command) {
    String relay = session.server().relay().text();
    String text = "host " + session.server().namaddr() + " said: " + reply.text()
        + " (in reply to " + command + " command)";
    RecipientResult base = reply.permanentFailure()
        ? RecipientResult.bounced(r, reply.dsn(), relay, text)
        : RecipientResult.deferred(r, reply.dsn(), relay, text);
    return base.withDiagnostic("smtp; " + reply.text())
        .withTlsStatus(tls)
        .withConnectionReuses(session.uses() - 1);
  }

  /** The session is not reused after a refused MAIL FROM: QUIT, then the failure for all. */
  private Outcome mailRejected(ServerReply mail) {
    session.quit(settings.timeouts().quit());
    String text = "host " + session.server().namaddr() + " said: " + mail.text()
        + " (in reply to MAIL FROM command)";
    return new Failed(new SessionFailure(mail.dsn(), text, Optional.of("smtp; " + mail.text()),
        session.server().relay(), tls, !mail.permanentFailure()));
  }

  /** RSET after a transaction that carried no message, so the session can be reused. */
  private boolean resetOk() throws IOException {
    session.connection().writeLine("RSET");
    session.connection().flush();
    return session.connection().read(settings.timeouts().mail()).positive();
  }

  /**
   * Whether {@code request} can go only to a server with SMTPUTF8 (Postfix's {@code
   * DELIVERY_REQUIRES_SMTPUTF8}): the sender asked for it, and the sender, a recipient or the
   * header is not ASCII.
   */
  static boolean needsSmtputf8(DeliveryRequest request, MessageContent content) {
    return request.message().envelope().smtputf8()
        && (!ascii(request.sender()) || content.eightBitHeader()
            || request.recipients().stream().anyMatch(r -> !ascii(r.address())));
  }

  /** Postfix 3.12's text when no server took a message that needs SMTPUTF8. */
  static String smtputf8Missing(Server server) {
    return "message requires SMTPUTF8, but no server was found that supports SMTPUTF8. The last"
        + " attempted server was " + server.namaddr();
  }

  private static boolean ascii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  private Outcome skip(String dsn, String text) {
    session.quit(settings.timeouts().quit());
    return new Failed(new SessionFailure(dsn, text, Optional.empty(), session.server().relay(),
        tls, true));
  }

  private Outcome lost(String text) {
    return new Failed(new SessionFailure("4.4.2", text, Optional.empty(),
        session.server().relay(), tls, true));
  }

  private String mailFrom(MessageContent body, boolean converted) {
    StringBuilder b = new StringBuilder("MAIL FROM:<").append(request.sender()).append('>');
    var envelope = request.message().envelope();
    if (session.offers("SIZE")) {
      b.append(" SIZE=").append(body.size());
    }
    if (!converted && session.offers("8BITMIME")) {
      envelope.bodyType().ifPresent(t -> b.append(" BODY=").append(t.keyword()));
    }
    if (envelope.smtputf8() && session.offers("SMTPUTF8")) {
      b.append(" SMTPUTF8");
    }
    if (session.offers("DSN")) {
      envelope.dsnRet().ifPresent(r -> b.append(" RET=").append(r.name()));
      envelope.envid().ifPresent(e -> b.append(" ENVID=").append(Xtext.encode(e)));
    }
    if (sendRequireTls) {
      b.append(" REQUIRETLS");
    }
    // Postfix authenticates the MTA, not the sender: the dummy is the empty identity.
    if (settings.sasl().dummyMailAuth() && session.authenticated()) {
      b.append(" AUTH=<>");
    }
    return b.toString();
  }

  private String rcptTo(Recipient r) {
    StringBuilder b = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
    if (session.offers("DSN")) {
      if (!r.notifyFlags().isEmpty()) {
        List<String> words = new ArrayList<>();
        for (DsnNotify n : DsnNotify.values()) {
          if (r.notifyFlags().contains(n)) {
            words.add(n.name());
          }
        }
        b.append(" NOTIFY=").append(String.join(",", words));
      }
      r.dsnOrcpt().ifPresent(o -> {
        int semi = o.indexOf(';');
        if (semi > 0) {
          b.append(" ORCPT=").append(o, 0, semi).append(';')
              .append(Xtext.encode(o.substring(semi + 1)));
        }
      });
    }
    return b.toString();
  }
}
