package org.postern.table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code tcp:host:port} (Postfix tcp_table(5)): the request {@code get key} and the reply one
 * line each, {@code 200 value} found, {@code 500 text} not found, {@code 400 text} error.
 * {@code %}, whitespace and non-printing bytes travel as {@code %XX}; replies are decoded.
 *
 * <p>Failure: a 400 reply, any other code, a reply longer than 4096 bytes, or a connection that
 * fails or times out is a {@link TableException}, never "not found".
 */
final class TcpTable extends TableBase {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(100);
  private static final int REPLY_LIMIT = 4096;

  private final TableClient client;

  TcpTable(String spec, String name, Duration timeout) throws TableException {
    super(spec, MatchStyle.PATTERN);
    this.client = new TableClient(spec, "inet", name, timeout);
  }

  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '%' || c <= ' ' || c >= 0x7f) {
        out.append('%').append(String.format("%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  static String decode(String text) throws TableException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw new TableException("bad %XX encoding in \"" + text + "\"");
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String reply =
        client.exchange(
            c -> {
              c.write(("get " + encode(key) + "\n").getBytes(StandardCharsets.US_ASCII));
              return readLine(c);
            });
    if (reply.length() < 3 || (reply.length() > 3 && reply.charAt(3) != ' ')) {
      throw failure("malformed reply: \"" + reply + "\"");
    }
    String text = reply.length() > 4 ? reply.substring(4) : "";
    return switch (reply.substring(0, 3)) {
      case "200" -> Optional.of(decodeReply(text));
      case "500" -> Optional.empty();
      case "400" -> throw failure("server error: " + text);
      default -> throw failure("malformed reply: \"" + reply + "\"");
    };
  }

  private String decodeReply(String text) throws TableException {
    try {
      return decode(text);
    } catch (TableException e) {
      throw failure(e.getMessage(), e);
    }
  }

  private String readLine(TimedConnection c) throws IOException, TableException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = c.read()) != '\n') {
      if (b < 0) {
        throw new IOException("unexpected end of stream");
      }
      if (line.size() >= REPLY_LIMIT - 1) {
        throw failure("reply longer than " + REPLY_LIMIT + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  @Override
  public void close() {
    client.close();
  }
}
