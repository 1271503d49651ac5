package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.postern.metrics.SmtpdMetrics;
import org.postern.milter.Milters;
import org.postern.queue.CleanupStatus;

/**
 * Receives message content for a transaction: DATA (dot-unstuffing, end at {@code CRLF.CRLF})
 * and BDAT chunks (RFC 3030, exact byte counts), and hands it to cleanup or to the before-queue
 * content filter ({@link MessageOut}).
 *
 * <p>Line ends follow {@code smtpd_forbid_bare_newline}: {@code normalize} turns LF into CRLF
 * but ends DATA only at {@code <CR><LF>.<CR><LF>}, and drops a {@code .} line next to a bare LF
 * (as Postfix 3.12); {@code no} also ends at {@code LF.LF};
 * {@code reject} throws {@link BareNewlineException}. A bare CR is content and passes through.
 * When the message grows past {@code message_size_limit} or cleanup fails, the rest of the data
 * is still read, so that the client's next command is not taken from the message, and only then
 * answered ({@code 552 5.3.4}, {@code 451 4.3.0}, {@code 452 4.3.1}).
 *
 * <p>Failure: a lost connection or timeout aborts the output, leaving nothing queued, and
 * the {@link IOException} goes on to end the session.
 */
final class MessageReceiver {
  private static final byte[] CRLF = {'\r', '\n'};

  private final SmtpdSettings settings;
  private final MessageSink sink;
  private final ZoneId zone;
  private final CheckState state;

  MessageReceiver(SmtpdSettings settings, MessageSink sink, ZoneId zone, CheckState state) {
    this.settings = settings;
    this.sink = sink;
    this.zone = zone;
    this.state = state;
  }

  /**
   * Opens where the content goes (cleanup, or DATA to the before-queue filter) and writes smtpd's
   * headers: access-table PREPENDs and Received:. For the filter, a message whose client asked for
   * REQUIRETLS also gets {@code Require-TLS-ESMTP: yes} at the end of its header block ({@link
   * ProxyOut}): the filter does not get the REQUIRETLS verb, and cleanup of the re-injecting smtpd
   * turns the header back into the mark. False after a failure reply.
   */
  boolean open(Transaction tx, Envelope envelope, Milters milters) {
    try {
      MessageOut out;
      if (tx.proxy().isPresent()) {
        out = ProxyOut.open(tx.proxy().get(), state,
            envelope.requireTls() && settings.requiretlsEsmtpHeader());
        tx.out(out);
      } else {
        out = new MessageOut.Cleanup(sink.open(envelope, milters));
        tx.out(out);
        state.log(out.queueId().orElseThrow() + ": client=" + state.namaddr()
            + (state.saslMethod == null ? "" : ", sasl_method=" + state.saslMethod)
            + (state.saslUsername == null ? "" : ", sasl_username=" + state.saslUsername)
            + (state.saslSender == null ? "" : ", sasl_sender=" + state.saslSender));
      }
      for (String header : envelope.actions().prependHeaders()) {
        out.prependHeader(header + "\r\n");
      }
      out.prependHeader(
          ReceivedHeader.format(
              envelope,
              out.queueId(),
              tx.soleRecipient(),
              settings.myhostname(),
              settings.mailName(),
              settings.tlsReceivedHeader(),
              Optional.ofNullable(settings.sasl().authenticatedHeader() ? state.saslUsername : null),
              zone));
      return true;
    } catch (CleanupException e) {
      tx.fail(e.reply());
      return false;
    }
  }

  /** Reads DATA content after the 354 reply, then answers for the message. */
  void data(Transaction tx, SmtpInput input, ReplyWriter writer) throws IOException {
    try {
      readDotTerminated(tx, input);
    } catch (IOException e) {
      tx.abort();
      throw e;
    }
    finish(tx, writer, OptionalLong.empty());
  }

  private void readDotTerminated(Transaction tx, SmtpInput input) throws IOException {
    SmtpdSettings.BareNewline mode = settings.forbidBareNewline();
    boolean lineStart = true;
    SmtpInput.Ending previous = SmtpInput.Ending.CRLF;
    while (true) {
      SmtpInput.Line line = input.readLine(settings.lineLengthLimit());
      if (line.ending() == SmtpInput.Ending.BARE_LF && mode == SmtpdSettings.BareNewline.REJECT) {
        throw new BareNewlineException();
      }
      byte[] b = line.bytes();
      if (lineStart && b.length == 1 && b[0] == '.') {
        if (endsData(line.ending(), previous, mode)) {
          return;
        }
        if (line.ending() == SmtpInput.Ending.BARE_LF || previous == SmtpInput.Ending.BARE_LF) {
          // A "." line next to a bare LF is not the end, and not content either: Postfix 3.12
          // neither stores it nor sends it to a proxy filter, which might read it as the end.
          lineStart = line.ending() != SmtpInput.Ending.NONE;
          previous = line.ending();
          continue;
        }
      }
      int skip = lineStart && b.length > 0 && b[0] == '.' ? 1 : 0;
      boolean ended = line.ending() != SmtpInput.Ending.NONE;
      content(tx, ended ? concat(b, skip) : Arrays.copyOfRange(b, skip, b.length));
      lineStart = ended;
      if (ended) {
        previous = line.ending();
      }
    }
  }

  private static boolean endsData(
      SmtpInput.Ending dot, SmtpInput.Ending previous, SmtpdSettings.BareNewline mode) {
    if (mode == SmtpdSettings.BareNewline.NO) {
      return true;
    }
    return dot == SmtpInput.Ending.CRLF && previous == SmtpInput.Ending.CRLF;
  }

  private static byte[] concat(byte[] line, int skip) {
    byte[] out = Arrays.copyOfRange(line, skip, line.length + 2);
    out[out.length - 2] = CRLF[0];
    out[out.length - 1] = CRLF[1];
    return out;
  }

  /** Reads one BDAT chunk of {@code size} bytes and answers for it. */
  void chunk(Transaction tx, Supplier<Envelope> envelope, Milters milters, long size, boolean last,
      SmtpInput input, ReplyWriter writer) throws IOException {
    if (tx.out().isEmpty() && tx.failure().isEmpty()) {
      open(tx, envelope.get(), milters);
    }
    try {
      readChunk(tx, size, input);
    } catch (IOException e) {
      tx.abort();
      throw e;
    }
    if (last) {
      finish(tx, writer, OptionalLong.of(tx.actualSize()));
    } else if (tx.failure().isPresent()) {
      writer.reply(tx.failure().get());
    } else {
      writer.reply(Reply.of(250, "2.0.0", "Ok: " + size + " bytes"));
    }
  }

  private void readChunk(Transaction tx, long size, SmtpInput input) throws IOException {
    byte[] buffer = new byte[8192];
    long left = size;
    while (left > 0) {
      int n = input.read(buffer, 0, (int) Math.min(buffer.length, left));
      left -= n;
      content(tx, normalize(tx, buffer, n));
    }
  }

  private byte[] normalize(Transaction tx, byte[] buffer, int n) throws BareNewlineException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
    boolean cr = tx.pendingCr();
    for (int i = 0; i < n; i++) {
      byte b = buffer[i];
      if (b == '\n' && !cr) {
        if (settings.forbidBareNewline() == SmtpdSettings.BareNewline.REJECT) {
          throw new BareNewlineException();
        }
        out.write('\r');
      }
      out.write(b);
      cr = b == '\r';
    }
    tx.pendingCr(cr);
    return out.toByteArray();
  }

  /** Skips a BDAT chunk that belongs to no transaction. */
  static void skip(SmtpInput input, long size) throws IOException {
    byte[] buffer = new byte[8192];
    long left = size;
    while (left > 0) {
      left -= input.read(buffer, 0, (int) Math.min(buffer.length, left));
    }
  }

  private void content(Transaction tx, byte[] bytes) {
    boolean first = tx.received() == 0;
    tx.received(bytes.length);
    if (bytes.length > 0) {
      tx.lineOpen(bytes[bytes.length - 1] != '\n');
    }
    if (tx.failure().isPresent() || tx.out().isEmpty()) {
      return;
    }
    if (!tx.addSize(bytes.length, settings.messageSizeLimit())) {
      tx.fail(CleanupException.replyFor(CleanupStatus.SIZE));
      return;
    }
    try {
      if (first && bytes.length > 0 && (bytes[0] == ' ' || bytes[0] == '\t')) {
        // Content that starts with whitespace would continue smtpd's own Received: header: an
        // empty line first, as Postfix writes an empty record.
        tx.out().get().write(CRLF, 0, CRLF.length);
      }
      tx.out().get().write(bytes, 0, bytes.length);
    } catch (CleanupException e) {
      tx.fail(e.reply());
    }
  }

  private void finish(Transaction tx, ReplyWriter writer, OptionalLong bdatBytes) {
    if (tx.failure().isPresent()) {
      tx.abort();
      writer.reply(tx.failure().get());
      return;
    }
    Optional<Reply> refused = tx.checkEndOfData(tx.out().orElseThrow().queueId());
    if (refused.isPresent()) {
      tx.abort();
      writer.reply(refused.get());
      return;
    }
    try {
      Reply reply = tx.out().orElseThrow().finish(bdatBytes);
      if (reply.code() < 400) {
        writer.resetErrors();
        SmtpdMetrics.received(tx.actualSize());
      }
      writer.reply(reply);
    } catch (CleanupException e) {
      tx.abort();
      writer.reply(e.reply());
    }
  }
}
