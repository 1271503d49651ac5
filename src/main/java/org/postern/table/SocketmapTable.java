package org.postern.table;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code socketmap:inet:host:port:name} and {@code socketmap:unix:/path:name} (Postfix
 * socketmap_table(5), the Sendmail socket map protocol): the request {@code name key} and the
 * reply each one netstring; replies {@code OK value}, {@code NOTFOUND }, or {@code TEMP},
 * {@code TIMEOUT}, {@code PERM} with a reason. Keys are sent as given (a pattern-style table).
 *
 * <p>Failure: TEMP, TIMEOUT, PERM, a malformed reply, a reply longer than 100000 bytes, or a
 * connection that fails or exceeds the timeout is a {@link TableException}, never "not found".
 */
final class SocketmapTable extends TableBase {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(100);
  private static final int REPLY_LIMIT = 100_000;

  private final String mapName;
  private final TableClient client;

  SocketmapTable(String spec, String name, Duration timeout) throws TableException {
    super(spec, MatchStyle.PATTERN);
    int colon = name.indexOf(':');
    int last = name.lastIndexOf(':');
    if (colon <= 0 || last <= colon || last == name.length() - 1) {
      throw failure("need socketmap:inet:host:port:name or socketmap:unix:pathname:name");
    }
    this.mapName = name.substring(last + 1);
    this.client =
        new TableClient(spec, name.substring(0, colon), name.substring(colon + 1, last), timeout);
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    String reply =
        client.exchange(
            c -> {
              c.write(Netstring.encode(mapName + " " + key));
              return Netstring.read(c, REPLY_LIMIT, label());
            });
    int space = reply.indexOf(' ');
    String status = space < 0 ? reply : reply.substring(0, space);
    String text = space < 0 ? "" : reply.substring(space + 1);
    return switch (status) {
      case "OK" -> Optional.of(text);
      case "NOTFOUND" -> Optional.empty();
      case "TEMP", "TIMEOUT", "PERM" ->
          throw failure("socketmap server " + status + ": " + text);
      default -> throw failure("malformed reply: \"" + reply + "\"");
    };
  }

  @Override
  public void close() {
    client.close();
  }
}
