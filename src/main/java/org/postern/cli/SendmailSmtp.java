package org.postern.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.config.MainConfig;
import org.postern.esmtp.Xtext;
import org.postern.pickup.PickupTrigger;
import org.postern.queue.BodyType;
import org.postern.queue.CleanupStatus;
import org.postern.queue.ClientFacts;
import org.postern.queue.DsnNotify;
import org.postern.queue.DsnRet;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/**
 * {@code sendmail -bs}: a small ESMTP server on standard input and output for local submission,
 * where Postfix runs {@code smtpd -S}. It knows EHLO, HELO, MAIL (SIZE, BODY, RET, ENVID,
 * SMTPUTF8), RCPT (NOTIFY, ORCPT), DATA, RSET, NOOP and QUIT, and commits each message into
 * maildrop exactly as plain sendmail does, then wakes pickup. The channel is not TLS, so
 * REQUIRETLS is neither announced nor accepted on MAIL FROM ({@code 555 5.5.4}, RFC 8689); {@code
 * sendmail -bs -O requiretls=yes} marks every message of the session instead.
 *
 * <p>Failure: client errors get Postfix's replies; a queue file that cannot be written gets
 * {@code 451 4.3.0}, a message over {@code message_size_limit} {@code 552 5.3.4}. End of input
 * ends the session. Every reply goes out through {@link #reply}.
 */
final class SendmailSmtp {
  /** What the session needs from main.cf and the command line. */
  record Settings(String hostname, String banner, long sizeLimit, boolean smtputf8Enable,
      boolean requireTls, boolean smtputf8, String rewriteContext) {
    static Settings from(MainConfig c, boolean requireTls, boolean smtputf8, String context) {
      String banner = c.get("smtpd_banner");
      if (banner.isEmpty()) {
        banner = c.get("myhostname") + " ESMTP " + c.get("mail_name");
      }
      return new Settings(c.get("myhostname"), banner, c.getSize("message_size_limit"),
          c.getBoolean("smtputf8_enable"), requireTls, smtputf8, context);
    }
  }

  /** MAIL FROM facts, dropped by RSET and after each message. */
  private static final class Transaction {
    String sender;
    Optional<BodyType> body = Optional.empty();
    Optional<DsnRet> ret = Optional.empty();
    Optional<String> envid = Optional.empty();
    boolean smtputf8;
    final List<Recipient> recipients = new ArrayList<>();
  }

  private final Settings settings;
  private final Queues queues;
  private final Clock clock;
  private final LineInput in;
  private final OutputStream out;
  private String helo = "";
  private String protocol = "SMTP";
  private Transaction tx;

  SendmailSmtp(Settings settings, Queues queues, Clock clock, LineInput in, OutputStream out) {
    this.settings = settings;
    this.queues = queues;
    this.clock = clock;
    this.in = in;
    this.out = out;
  }

  /** Runs the dialogue until QUIT or end of input. */
  void session() throws IOException {
    try {
      dialogue();
    } finally {
      out.flush();
    }
  }

  private void dialogue() throws IOException {
    reply("220 " + settings.banner());
    for (LineInput.Line line = in.next(); line != null; line = in.next()) {
      if (line.kind() == LineInput.Kind.PART) {
        while (line != null && line.kind() == LineInput.Kind.PART) {
          line = in.next();
        }
        reply("500 5.5.0 Error: line too long");
        continue;
      }
      String command = new String(line.text(), StandardCharsets.UTF_8);
      if (!command(command)) {
        return;
      }
    }
  }

  /** One command; false after QUIT. */
  private boolean command(String line) throws IOException {
    String[] parts = line.strip().split("\\s+", 2);
    String verb = parts[0].toUpperCase(Locale.ROOT);
    String arg = parts.length > 1 ? parts[1] : "";
    switch (verb) {
      case "EHLO" -> hello(arg, true);
      case "HELO" -> hello(arg, false);
      case "MAIL" -> mail(arg);
      case "RCPT" -> rcpt(arg);
      case "DATA" -> data(arg);
      case "RSET" -> {
        tx = null;
        reply("250 2.0.0 Ok");
      }
      case "NOOP" -> reply("250 2.0.0 Ok");
      case "QUIT" -> {
        reply("221 2.0.0 Bye");
        return false;
      }
      default -> reply("502 5.5.2 Error: command not recognized");
    }
    return true;
  }

  private void hello(String arg, boolean extended) throws IOException {
    if (arg.isBlank()) {
      reply("501 Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
      return;
    }
    helo = arg.strip();
    protocol = extended ? "ESMTP" : "SMTP";
    tx = null;
    if (!extended) {
      reply("250 " + settings.hostname());
      return;
    }
    List<String> lines = new ArrayList<>(List.of(settings.hostname(), "PIPELINING"));
    lines.add(settings.sizeLimit() > 0 ? "SIZE " + settings.sizeLimit() : "SIZE");
    lines.addAll(List.of("ENHANCEDSTATUSCODES", "8BITMIME", "DSN"));
    if (settings.smtputf8Enable()) {
      lines.add("SMTPUTF8");
    }
    for (int i = 0; i < lines.size(); i++) {
      reply("250" + (i + 1 < lines.size() ? "-" : " ") + lines.get(i));
    }
  }

  private void mail(String arg) throws IOException {
    if (tx != null) {
      reply("503 5.5.1 Error: nested MAIL command");
      return;
    }
    Optional<SmtpPath> path = SmtpPath.parse(arg, "FROM:");
    if (path.isEmpty()) {
      reply("501 5.5.4 Syntax: MAIL FROM:<address>");
      return;
    }
    Transaction t = new Transaction();
    t.sender = path.get().address();
    for (Map.Entry<String, String> p : path.get().parameters()) {
      String error = mailParameter(t, p.getKey().toUpperCase(Locale.ROOT), p.getValue());
      if (error != null) {
        reply(error);
        return;
      }
    }
    tx = t;
    reply("250 2.1.0 Ok");
  }

  /** Applies one MAIL FROM parameter; returns the error reply, or null. */
  private String mailParameter(Transaction t, String name, String value) {
    switch (name) {
      case "SIZE" -> {
        if (!value.matches("[0-9]{1,18}")) {
          return "501 5.5.4 Bad message size syntax";
        }
        if (settings.sizeLimit() > 0 && Long.parseLong(value) > settings.sizeLimit()) {
          return "552 5.3.4 Message size exceeds fixed limit";
        }
      }
      case "BODY" -> {
        Optional<BodyType> body = EnumSet.allOf(BodyType.class).stream()
            .filter(b -> b.keyword().equalsIgnoreCase(value)).findFirst();
        if (body.isEmpty()) {
          return "501 5.5.4 Unsupported BODY parameter value";
        }
        t.body = body;
      }
      case "RET" -> {
        try {
          t.ret = Optional.of(DsnRet.valueOf(value.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          return "501 5.5.4 Bad RET parameter syntax";
        }
      }
      case "ENVID" -> {
        Optional<String> envid = Xtext.decode(value).filter(v -> v.length() <= 100);
        if (envid.isEmpty()) {
          return "501 5.5.4 Bad ENVID parameter syntax";
        }
        t.envid = envid;
      }
      case "SMTPUTF8" -> {
        if (!value.isEmpty() || !settings.smtputf8Enable()) {
          return "555 5.5.4 Unsupported option: " + name;
        }
        t.smtputf8 = true;
      }
      default -> {
        return "555 5.5.4 Unsupported option: " + name;
      }
    }
    return null;
  }

  private void rcpt(String arg) throws IOException {
    if (tx == null) {
      reply("503 5.5.1 Error: need MAIL command");
      return;
    }
    Optional<SmtpPath> path = SmtpPath.parse(arg, "TO:");
    if (path.isEmpty() || path.get().address().isEmpty()) {
      reply("501 5.5.4 Syntax: RCPT TO:<address>");
      return;
    }
    Set<DsnNotify> notify = Set.of();
    String orcpt = null;
    for (Map.Entry<String, String> p : path.get().parameters()) {
      String name = p.getKey().toUpperCase(Locale.ROOT);
      if (name.equals("NOTIFY")) {
        Optional<Set<DsnNotify>> n = SmtpPath.notify(p.getValue());
        if (n.isEmpty()) {
          reply("501 5.5.4 Error: Bad NOTIFY parameter syntax");
          return;
        }
        notify = n.get();
      } else if (name.equals("ORCPT")) {
        Optional<String> o = SmtpPath.orcpt(p.getValue());
        if (o.isEmpty()) {
          reply("501 5.5.4 Error: Bad ORCPT parameter syntax");
          return;
        }
        orcpt = o.get();
      } else {
        reply("555 5.5.4 Unsupported option: " + name);
        return;
      }
    }
    tx.recipients.add(Sendmail.recipient(path.get().address(), notify).withDsn(orcpt, notify));
    reply("250 2.1.5 Ok");
  }

  private void data(String arg) throws IOException {
    if (!arg.isBlank()) {
      reply("501 5.5.4 Syntax: DATA");
      return;
    }
    if (tx == null) {
      reply("503 5.5.1 Error: need RCPT command");
      return;
    }
    if (tx.recipients.isEmpty()) {
      reply("554 5.5.1 Error: no valid recipients");
      return;
    }
    reply("354 End data with <CR><LF>.<CR><LF>");
    Transaction t = tx;
    tx = null;
    reply(store(t));
  }

  /** Reads the message up to the dot and commits it into maildrop; returns the reply. */
  private String store(Transaction t) throws IOException {
    Envelope envelope = new Envelope(t.sender, t.recipients, t.ret, t.envid,
        settings.requireTls(), settings.smtputf8() || t.smtputf8, t.body,
        new ClientFacts("", "", helo, protocol, "", ""),
        Map.of("rewrite_context", settings.rewriteContext()));
    String result;
    try (QueueFileWriter writer = QueueFileWriter.createInMaildrop(queues, clock)) {
      writer.writeEnvelope(envelope);
      if (!copyData(writer)) {
        return CleanupStatus.SIZE.reply().toString();
      }
      writer.commit(QueueName.MAILDROP, ExtractedEnvelope.NONE);
      result = "250 2.0.0 Ok: queued as " + writer.id();
    } catch (LineInput.InputError e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      skipData();
      return CleanupStatus.WRITE.reply().toString();
    }
    PickupTrigger.wake(queues);
    return result;
  }

  /** Copies DATA lines without dot-stuffing; false when the size limit was passed. */
  private boolean copyData(QueueFileWriter writer) throws IOException {
    OutputStream content = writer.content();
    boolean lineStart = true;
    for (LineInput.Line line = in.next(); line != null; line = in.next()) {
      if (lineStart && line.isDot()) {
        return true;
      }
      byte[] data = line.data();
      int skip = lineStart && data.length > 0 && data[0] == '.' ? 1 : 0;
      content.write(data, skip, data.length - skip);
      if (line.kind() == LineInput.Kind.LINE) {
        content.write('\n');
      }
      lineStart = line.kind() != LineInput.Kind.PART;
      if (settings.sizeLimit() > 0 && writer.messageSize() > settings.sizeLimit()) {
        skipData();
        return false;
      }
    }
    throw new LineInput.InputError(new IOException("end of input in DATA"));
  }

  private void skipData() throws IOException {
    boolean lineStart = true;
    for (LineInput.Line line = in.next(); line != null; line = in.next()) {
      if (lineStart && line.isDot()) {
        return;
      }
      lineStart = line.kind() != LineInput.Kind.PART;
    }
  }

  /** The one place where replies go out; flushed unless more pipelined input is waiting. */
  private void reply(String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    if (!in.buffered()) {
      out.flush();
    }
  }
}
