package org.postern.table.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import javax.net.SocketFactory;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * {@code unix:/path} servers of pgsql: and mysql: tables: socket factories, one per driver, that
 * hand the driver a {@link Socket} connected to a UNIX-domain socket instead of TCP, so the
 * drivers (which speak TCP only) reach a local server as Postfix's client libraries do. The
 * address the driver asks for is ignored; the path comes from the table's {@code hosts}.
 *
 * <p>Failure: a path that does not exist or refuses the connection fails the connect, which the
 * lookup reports as a server that did not answer. The driver's socket timeout does not apply to
 * these sockets; the query timeout still does.
 */
final class UnixSockets {
  /** The driver property (MariaDB) or factory argument (PostgreSQL) that carries the path. */
  static final String PATH_PROPERTY = "posternUnixSocket";

  private UnixSockets() {}

  /** PostgreSQL's driver instantiates this with the {@code socketFactoryArg} string: the path. */
  public static final class Pgsql extends SocketFactory {
    private final Path path;

    public Pgsql(String path) {
      this.path = Path.of(path);
    }

    @Override
    public Socket createSocket() {
      return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return connected(createSocket());
    }
  }

  /** The MariaDB driver hands this its configuration, where the path is a property of ours. */
  public static final class Mysql extends ConfigurableSocketFactory {
    private Path path;

    @Override
    public void setConfiguration(Configuration conf, String host) {
      this.path = Path.of(conf.nonMappedOptions().getProperty(PATH_PROPERTY));
    }

    @Override
    public Socket createSocket() {
      return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connected(createSocket());
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return connected(createSocket());
    }
  }

  private static Socket connected(Socket socket) throws IOException {
    socket.connect(null, 0);
    return socket;
  }

  /** A {@link Socket} over a UNIX-domain {@link SocketChannel}; TCP options are no-ops. */
  private static final class UnixSocket extends Socket {
    private final Path path;
    private SocketChannel channel;
    private InputStream in;
    private OutputStream out;
    private boolean closed;

    UnixSocket(Path path) {
      this.path = path;
    }

    @Override
    public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
      in = Channels.newInputStream(channel);
      out = Channels.newOutputStream(channel);
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
      connect(ignored, 0);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        throw new SocketException(path + ": not connected");
      }
      return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (out == null) {
        throw new SocketException(path + ": not connected");
      }
      return out;
    }

    @Override
    public synchronized boolean isConnected() {
      return channel != null && channel.isConnected();
    }

    @Override
    public synchronized boolean isClosed() {
      return closed;
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      if (channel != null) {
        channel.close();
      }
    }

    @Override
    public void shutdownInput() throws IOException {
      channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      channel.shutdownOutput();
    }

    @Override
    public void setTcpNoDelay(boolean on) {}

    @Override
    public void setKeepAlive(boolean on) {}

    @Override
    public void setSoTimeout(int timeout) {}

    @Override
    public int getSoTimeout() {
      return 0;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {}

    @Override
    public void setReceiveBufferSize(int size) {}

    @Override
    public void setSendBufferSize(int size) {}

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }
}
