package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.queue.CleanupStatus;

/**
 * Message content on its way to the before-queue content filter: smtpd's own headers first, then
 * the content dot-stuffed again for the SMTP DATA stream, then the final dot. The filter's reply
 * is the client's, logged as Postfix logs it ({@code NOQUEUE: proxy-accept: END-OF-MESSAGE from
 * ...} or {@code proxy-reject}).
 *
 * <p>For a REQUIRETLS message (with {@code requiretls_esmtp_header = yes}) the filter gets no
 * REQUIRETLS verb but a {@code Require-TLS-ESMTP: yes} header, added where the header block ends
 * (before the first line that is not a header or a header continuation), unless the message
 * already has one. The stream to the filter never lets content end the DATA early or start a
 * line the filter could read differently (Postfix 3.12, HISTORY 20260816/20260817): every line
 * that starts with {@code .} is stuffed, including one right after the added header and one whose
 * start arrives in a later write; a CR that does not end a line becomes a space; a bare LF
 * becomes CRLF.
 *
 * <p>Failure: a filter that fails mid-message gives a {@link CleanupException} with Postfix's
 * {@code 451 4.3.0 Error: queue file write error}, after one warning naming the filter.
 */
final class ProxyOut implements MessageOut {
  private static final byte[] REQUIRE_TLS_HEADER = "Require-TLS-ESMTP: yes\r\n".getBytes(StandardCharsets.US_ASCII);
  /** A header line is decided by the time this much of it arrived, LF or not (RFC 5322: 998). */
  private static final int HEADER_PEEK = 1000;
  private static final Pattern FIELD = Pattern.compile("^([!-9;-~]+):(.*)$", Pattern.DOTALL);

  private final ProxySession proxy;
  private final CheckState state;
  /** Still to add {@code Require-TLS-ESMTP: yes} at the end of the header block. */
  private boolean addRequireTls;
  /** In the header block: lines are held until complete, to be read as headers. */
  private boolean inHeaders = true;
  /** The header line held so far (in the header block). */
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();
  /** The rest of an over-long header line goes through unread. */
  private boolean passLine;
  private boolean lineStart = true;
  /** A CR whose meaning (line end, or a stray CR) the next byte decides. */
  private boolean pendingCr;

  private ProxyOut(ProxySession proxy, CheckState state, boolean requireTlsHeader) {
    this.proxy = proxy;
    this.state = state;
    this.addRequireTls = requireTlsHeader;
  }

  /**
   * Sends DATA; a refusal is the filter's reply for the client, a failure is Postfix's 451.
   * {@code requireTlsHeader}: the message asked for REQUIRETLS and the header carries it.
   */
  static ProxyOut open(ProxySession proxy, CheckState state, boolean requireTlsHeader)
      throws CleanupException {
    Reply reply = call(() -> proxy.command("DATA"), state);
    if (reply.code() != 354) {
      throw new CleanupException(reply.code(), reply.enhanced(), reply.lines().get(0));
    }
    return new ProxyOut(proxy, state, requireTlsHeader);
  }

  @Override
  public Optional<String> queueId() {
    return Optional.empty();
  }

  @Override
  public void prependHeader(String header) throws CleanupException {
    byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
    write(bytes, 0, bytes.length);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws CleanupException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 32);
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (!inHeaders || passLine) {
        emit(b, out);
        passLine = passLine && b != '\n';
        continue;
      }
      held.write(b);
      if (b == '\n' || held.size() >= HEADER_PEEK) {
        headerLine(b == '\n', out);
      }
    }
    send(out.toByteArray());
  }

  /** A held line of the header block is complete (or long enough to tell): pass or end the block. */
  private void headerLine(boolean complete, ByteArrayOutputStream out) {
    byte[] line = held.toByteArray();
    held.reset();
    if (isHeader(line)) {
      noteRequireTls(line);
      passLine = !complete;
    } else {
      endHeaders(out);
      passLine = false;
    }
    for (byte b : line) {
      emit(b, out);
    }
  }

  /** A header field ({@code Name: value}) or a folded continuation of one. */
  private static boolean isHeader(byte[] line) {
    if (line.length > 0 && (line[0] == ' ' || line[0] == '\t')) {
      return true;
    }
    return FIELD.matcher(new String(line, StandardCharsets.ISO_8859_1)).matches();
  }

  /** {@code Require-TLS-ESMTP: yes} (value case-insensitive, nothing else): already there. */
  private void noteRequireTls(byte[] line) {
    var m = FIELD.matcher(new String(line, StandardCharsets.ISO_8859_1));
    if (m.matches() && m.group(1).equalsIgnoreCase("Require-TLS-ESMTP")
        && m.group(2).strip().toLowerCase(Locale.ROOT).equals("yes")) {
      addRequireTls = false;
    }
  }

  private void endHeaders(ByteArrayOutputStream out) {
    inHeaders = false;
    if (addRequireTls) {
      addRequireTls = false;
      for (byte b : REQUIRE_TLS_HEADER) {
        emit(b, out);
      }
    }
  }

  /** One byte onto the DATA stream: dot-stuffing, stray CR to space, bare LF to CRLF. */
  private void emit(byte b, ByteArrayOutputStream out) {
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        out.write('\r');
        out.write('\n');
        lineStart = true;
        return;
      }
      stuffed(' ', out);
    }
    if (b == '\r') {
      pendingCr = true;
    } else if (b == '\n') {
      out.write('\r');
      out.write('\n');
      lineStart = true;
    } else {
      stuffed(b, out);
    }
  }

  private void stuffed(int b, ByteArrayOutputStream out) {
    if (lineStart && b == '.') {
      out.write('.');
    }
    out.write(b);
    lineStart = false;
  }

  private void send(byte[] out) throws CleanupException {
    if (out.length == 0) {
      return;
    }
    call(() -> {
      proxy.send(out);
      return null;
    }, state);
  }

  @Override
  public Reply finish() throws CleanupException {
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    if (inHeaders) {
      // Headers only: what is held is the last line; the REQUIRETLS header still goes in.
      byte[] line = held.toByteArray();
      held.reset();
      if (line.length > 0 && isHeader(line)) {
        noteRequireTls(line);
      }
      for (byte b : line) {
        emit(b, tail);
      }
      if (!lineStart || pendingCr) {
        emit((byte) '\n', tail);
      }
      endHeaders(tail);
    }
    if (pendingCr) {
      pendingCr = false;
      stuffed(' ', tail);
    }
    tail.writeBytes((lineStart ? ".\r\n" : "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
    byte[] end = tail.toByteArray();
    Reply reply = call(() -> {
      proxy.send(end);
      return proxy.reply();
    }, state);
    state.whatsup(reply.code() < 400 ? "proxy-accept" : "proxy-reject", summary(reply));
    proxy.close();
    return reply;
  }

  @Override
  public void abort() {
    proxy.close();
  }

  private static String summary(Reply reply) {
    String enhanced = reply.enhanced().isEmpty() ? "" : reply.enhanced() + " ";
    return reply.code() + " " + enhanced + reply.lines().get(0);
  }

  private interface ProxyCall {
    Reply run() throws ProxySession.ProxyException;
  }

  private static Reply call(ProxyCall call, CheckState state) throws CleanupException {
    try {
      return call.run();
    } catch (ProxySession.ProxyException e) {
      state.warning(e.getMessage());
      throw new CleanupException(CleanupStatus.PROXY, e.getMessage());
    }
  }
}
