package org.postern.smtpd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.postern.queue.CleanupStatus;

/**
 * Message content on its way to the before-queue content filter: smtpd's own headers first, then
 * the content dot-stuffed again for the SMTP DATA stream, then the final dot. The filter's reply
 * is the client's, logged as Postfix logs it ({@code NOQUEUE: proxy-accept: END-OF-MESSAGE from
 * ...} or {@code proxy-reject}).
 *
 * <p>Failure: a filter that fails mid-message gives a {@link CleanupException} with Postfix's
 * {@code 451 4.3.0 Error: queue file write error}, after one warning naming the filter.
 */
final class ProxyOut implements MessageOut {
  private final ProxySession proxy;
  private final CheckState state;
  private boolean lineStart = true;

  ProxyOut(ProxySession proxy, CheckState state) {
    this.proxy = proxy;
    this.state = state;
  }

  /**
   * Sends DATA; a refusal is the filter's reply for the client, a failure is Postfix's 451.
   */
  static ProxyOut open(ProxySession proxy, CheckState state) throws CleanupException {
    Reply reply = call(() -> proxy.command("DATA"), state);
    if (reply.code() != 354) {
      throw new CleanupException(reply.code(), reply.enhanced(), reply.lines().get(0));
    }
    return new ProxyOut(proxy, state);
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
    ByteArrayOutputStream stuffed = new ByteArrayOutputStream(length + 8);
    for (int i = offset; i < offset + length; i++) {
      if (lineStart && bytes[i] == '.') {
        stuffed.write('.');
      }
      stuffed.write(bytes[i]);
      lineStart = bytes[i] == '\n';
    }
    byte[] out = stuffed.toByteArray();
    call(() -> {
      proxy.send(out);
      return null;
    }, state);
  }

  @Override
  public Reply finish() throws CleanupException {
    String end = lineStart ? ".\r\n" : "\r\n.\r\n";
    Reply reply = call(() -> {
      proxy.send(end.getBytes(StandardCharsets.US_ASCII));
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
