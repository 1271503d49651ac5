package org.postern.table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memcache text protocol as Postfix's memcache client speaks it: {@code get KEY}, {@code set
 * KEY FLAGS TTL BYTES} with the data, {@code delete KEY}, each line ending in CRLF, over the one
 * kept-open connection of a {@link TableClient} ({@code memcache = inet:host:port} or {@code
 * unix:/path}). Every server byte is hostile until parsed: a reply line longer than {@code
 * line_size_limit}, a {@code VALUE} line that is not {@code VALUE key flags bytes} for the key
 * asked for or announces
 * more than {@code data_size_limit} bytes, data not followed by CRLF, is a protocol error. A
 * failed command is tried again {@code max_try} times in all, {@code retry_pause} apart, on a
 * fresh connection; a server that accepts no connection is not tried again (memcache_table(5)).
 *
 * <p>Failure: after the last try, a {@link TableException} naming the table: Postfix's
 * temporary lookup failure ({@code DICT_ERR_RETRY}), never "not found".
 */
final class MemcacheClient implements AutoCloseable {
  private static final Pattern VALUE = Pattern.compile("VALUE (\\S+) \\d{1,10} (\\d{1,10})");

  /** Postfix's memcache error controls, with memcache_table(5)'s defaults in {@link #DEFAULT}. */
  record Limits(int maxTry, Duration retryPause, Duration timeout, int lineSizeLimit,
      int dataSizeLimit) {
    static final Limits DEFAULT = new Limits(2, Duration.ofSeconds(1), Duration.ofSeconds(2),
        1024, 10240);
  }

  /** One command's dialogue; its result, or a protocol error as {@link Refused}. */
  private interface Command<T> {
    T run(TimedConnection c) throws IOException, Refused;
  }

  /** The server answered, but not as the protocol allows or not with success. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final String spec;
  private final TableClient client;
  private final Limits limits;

  /** A client for table {@code spec} of the server {@code memcache} ({@code inet:} or {@code unix:}). */
  MemcacheClient(String spec, String memcache, Limits limits) throws TableException {
    int colon = memcache.indexOf(':');
    if (colon <= 0) {
      throw new TableException("table " + spec + ": bad memcache server \"" + memcache
          + "\"; need inet:host:port or unix:pathname");
    }
    this.spec = spec;
    this.client = new TableClient(spec, memcache.substring(0, colon),
        memcache.substring(colon + 1), limits.timeout());
    this.limits = limits;
  }

  /** The value stored under {@code key}, if any. */
  Optional<String> get(String key) throws TableException {
    return tried("get", c -> {
      c.write(line("get " + key));
      String reply = readLine(c);
      if (reply.equals("END")) {
        return Optional.empty();
      }
      Matcher m = VALUE.matcher(reply);
      long size = m.matches() && m.group(1).equals(key) ? Long.parseLong(m.group(2)) : -1;
      if (size < 0 || size > limits.dataSizeLimit()) {
        throw new Refused("unexpected memcache server reply: " + printable(reply));
      }
      String value = readData(c, (int) size);
      if (!readLine(c).equals("END")) {
        throw new Refused("unexpected memcache server reply after the data");
      }
      return Optional.of(value);
    });
  }

  /**
   * Stores {@code value} under {@code key} with {@code flags} and {@code ttl} seconds (over 30
   * days: an absolute UNIX time, as memcached reads it). A value longer than {@code
   * data_size_limit} is not stored, with the warning Postfix logs, and is no error.
   */
  void set(String key, String value, int flags, int ttl, Consumer<String> warn)
      throws TableException {
    byte[] data = value.getBytes(StandardCharsets.UTF_8);
    if (data.length > limits.dataSizeLimit()) {
      warn.accept("database " + spec + ": data for key " + key + " is too long"
          + " (data_size_limit=" + limits.dataSizeLimit() + ") -- not stored");
      return;
    }
    tried("update", c -> {
      c.write(line("set " + key + " " + flags + " " + ttl + " " + data.length));
      c.write(data);
      c.write(line(""));
      String reply = readLine(c);
      if (!reply.equals("STORED")) {
        throw new Refused("update failed: " + printable(reply));
      }
      return null;
    });
  }

  /** Deletes {@code key}; whether it was there. */
  boolean delete(String key) throws TableException {
    return tried("delete", c -> {
      c.write(line("delete " + key));
      String reply = readLine(c);
      return switch (reply) {
        case "DELETED" -> true;
        case "NOT_FOUND" -> false;
        default -> throw new Refused("delete failed: " + printable(reply));
      };
    });
  }

  private <T> T tried(String operation, Command<T> command) throws TableException {
    TableException last = null;
    for (int attempt = 0; attempt < limits.maxTry(); attempt++) {
      if (attempt > 0) {
        pause();
      }
      try {
        return client.exchange(c -> {
          try {
            return command.run(c);
          } catch (Refused e) {
            throw new TableException("table " + spec + ": " + operation + ": " + e.getMessage());
          }
        });
      } catch (TableException e) {
        last = e;
        if (e.getCause() instanceof ConnectException) {
          break;
        }
      }
    }
    throw last;
  }

  private void pause() throws TableException {
    try {
      Thread.sleep(limits.retryPause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TableException("table " + spec + ": interrupted", e);
    }
  }

  private static byte[] line(String text) {
    return (text + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** One reply line without its LF or CRLF, at most {@code line_size_limit} bytes. */
  private String readLine(TimedConnection c) throws IOException, Refused {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = c.read()) != '\n') {
      if (b < 0) {
        throw new IOException("unexpected end of stream from memcache server");
      }
      if (out.size() >= limits.lineSizeLimit()) {
        throw new Refused("memcache server reply line longer than line_size_limit="
            + limits.lineSizeLimit());
      }
      out.write(b);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static String readData(TimedConnection c, int size) throws IOException, Refused {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      int b = c.read();
      if (b < 0) {
        throw new IOException("EOF receiving memcache server reply");
      }
      data[i] = (byte) b;
    }
    if (c.read() != '\r' || c.read() != '\n') {
      throw new Refused("memcache server data not followed by CRLF");
    }
    return new String(data, StandardCharsets.UTF_8);
  }

  /** At most 30 characters of a server reply, control bytes as {@code ?}, for a log line. */
  private static String printable(String reply) {
    String cut = reply.length() > 30 ? reply.substring(0, 30) : reply;
    return cut.codePoints().map(cp -> cp < 0x20 || cp == 0x7f ? '?' : cp)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  @Override
  public void close() {
    client.close();
  }
}
