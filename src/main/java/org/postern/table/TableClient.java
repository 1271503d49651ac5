package org.postern.table;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of socketmap: and tcp: tables: one connection kept open and shared by all
 * callers one request at a time (a {@link ReentrantLock}, not {@code synchronized}, so virtual
 * threads do not pin their carrier during I/O). A request that fails on a connection that had
 * been used before is retried once on a fresh connection, because servers close idle
 * connections; a timeout is not retried.
 *
 * <p>Failure: a connection or protocol error is a {@link TableException} from {@link #exchange}
 * naming the table; the connection is then dropped.
 */
final class TableClient implements AutoCloseable {
  /** One request and its reply on a connection. */
  interface Exchange<T> {
    T run(TimedConnection connection) throws IOException, TableException;
  }

  private final String spec;
  private final SocketAddress address;
  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();
  private TimedConnection connection;

  /** A client for table {@code spec} of the server at {@code transport:endpoint}. */
  TableClient(String spec, String transport, String endpoint, Duration timeout)
      throws TableException {
    this.spec = spec;
    this.address = address(transport, endpoint, spec);
    this.timeout = timeout;
  }

  /** {@code host:port} ({@code [v6]:port} too) or, with {@code unix}, a socket path. */
  private static SocketAddress address(String transport, String endpoint, String spec)
      throws TableException {
    if (transport.equals("unix")) {
      return UnixDomainSocketAddress.of(Path.of(endpoint));
    }
    int colon = endpoint.lastIndexOf(':');
    if (!transport.equals("inet") || colon <= 0 || colon == endpoint.length() - 1) {
      throw new TableException("table " + spec + ": bad endpoint \"" + transport + ":" + endpoint
          + "\"; need inet:host:port or unix:pathname");
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      return InetSocketAddress.createUnresolved(host, port);
    } catch (IllegalArgumentException e) {
      throw new TableException("table " + spec + ": bad port in \"" + endpoint + "\"", e);
    }
  }

  /** Runs one request; an I/O failure becomes a {@link TableException} naming the table. */
  <T> T exchange(Exchange<T> exchange) throws TableException {
    try {
      return retried(exchange);
    } catch (IOException e) {
      throw new TableException("table " + spec + ": " + e.getMessage(), e);
    }
  }

  private <T> T retried(Exchange<T> exchange) throws IOException, TableException {
    lock.lock();
    try {
      boolean reused = connection != null;
      try {
        return attempt(exchange);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        if (!reused) {
          throw e;
        }
      }
      return attempt(exchange);
    } finally {
      lock.unlock();
    }
  }

  private <T> T attempt(Exchange<T> exchange) throws IOException, TableException {
    try {
      if (connection == null) {
        connection = TimedConnection.open(resolved(), timeout);
      }
      connection.startRequest(timeout);
      return exchange.run(connection);
    } catch (IOException | TableException e) {
      drop(e);
      throw e;
    }
  }

  /** Resolves host names at each connect, so a changed address is picked up. */
  private SocketAddress resolved() throws UnknownHostException {
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      InetSocketAddress r = new InetSocketAddress(inet.getHostString(), inet.getPort());
      if (r.isUnresolved()) {
        throw new UnknownHostException(inet.getHostString() + ": host not found");
      }
      return r;
    }
    return address;
  }

  private void drop(Exception cause) {
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (IOException e) {
      // Nothing was pending on the connection; failing to close it loses nothing.
    } finally {
      connection = null;
      lock.unlock();
    }
  }
}
