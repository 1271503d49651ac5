package org.postern.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} driven over a blocking socket, for engines that come without a socket of
 * their own (BoringSSL through Netty's {@code OpenSslEngine}). Postern's sessions are virtual
 * threads that read and write blocking streams, so the handshake is a loop on the calling thread
 * and each read or write of the streams unwraps or wraps TLS records on demand.
 *
 * <p>Why the handshake loop unwraps before it reads: an engine may finish the handshake only on
 * an unwrap that has no new input (OpenSslEngine does), and a client that waits for the server
 * after its Finished would leave a loop that blocks on the socket first waiting forever. Bytes
 * read past the handshake (a client that pipelines EHLO behind its Finished) stay buffered for
 * the first read. Delegated tasks run on the calling thread; a post-handshake message that needs
 * an answer (a TLS 1.3 KeyUpdate) is answered from the read that met it.
 *
 * <p>Reads and writes may come from two threads at once (a reader and a writer); the handshake
 * and {@link #close} are not concurrent with either. The socket's read timeout bounds each
 * blocking read, as with JSSE's socket.
 *
 * <p>Failure: a failed handshake throws {@link SSLException} (after sending the engine's alert
 * when it has one) and releases the engine; the caller still owns and closes the plain socket. A
 * peer that closes the connection without {@code close_notify} reads as end of stream, as a peer
 * that sends it does; writing after {@code close_notify} throws {@link SocketException}.
 */
final class SslEngineConnection implements TlsConnection {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Socket socket;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final SSLEngine engine;
  private final Runnable release;
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private final InputStream in = new Input();
  private final OutputStream out = new Output();
  /** Bytes from the socket not yet unwrapped; kept ready to be filled (write mode). */
  private ByteBuffer netIn;
  /** Plaintext unwrapped and not yet read; kept ready to be read (read mode). */
  private ByteBuffer appIn;
  /** One wrap's records on their way to the socket. */
  private ByteBuffer netOut;
  private boolean inboundDone;
  private boolean closed;

  private SslEngineConnection(Socket socket, SSLEngine engine, Runnable release)
      throws IOException {
    this.socket = socket;
    this.rawIn = socket.getInputStream();
    this.rawOut = socket.getOutputStream();
    this.engine = engine;
    this.release = release;
    SSLSession s = engine.getSession();
    this.netIn = ByteBuffer.allocate(s.getPacketBufferSize());
    this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize()).flip();
    this.netOut = ByteBuffer.allocate(s.getPacketBufferSize());
  }

  /**
   * Runs the handshake of {@code engine} (already set to client or server mode, with its
   * protocols and suites) over {@code socket}; {@code release} frees the engine once the
   * connection ends or the handshake fails.
   */
  static SslEngineConnection handshake(Socket socket, SSLEngine engine, Runnable release)
      throws IOException {
    SslEngineConnection c;
    try {
      c = new SslEngineConnection(socket, engine, release);
    } catch (IOException | RuntimeException e) {
      release.run();
      throw e;
    }
    try {
      c.handshake();
      return c;
    } catch (IOException e) {
      c.abandon();
      throw e;
    } catch (RuntimeException e) {
      c.abandon();
      throw new SSLHandshakeException(describe(e));
    }
  }

  private void handshake() throws IOException {
    engine.beginHandshake();
    HandshakeStatus status = engine.getHandshakeStatus();
    while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
      status = switch (status) {
        case NEED_WRAP -> {
          SSLEngineResult r;
          synchronized (writeLock) {
            r = wrapAndSend(EMPTY);
          }
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLHandshakeException("TLS handshake ended by an alert");
          }
          yield r.getHandshakeStatus();
        }
        case NEED_TASK -> runTasks();
        default -> handshakeUnwrap();
      };
    }
  }

  /**
   * One unwrap during the handshake; reads the socket only when the engine still needs more (an
   * underflow may also be the moment the engine reports FINISHED).
   */
  private HandshakeStatus handshakeUnwrap() throws IOException {
    SSLEngineResult r = unwrap();
    HandshakeStatus status = r.getHandshakeStatus();
    switch (r.getStatus()) {
      case CLOSED -> throw new SSLHandshakeException("connection closed during the TLS handshake");
      case BUFFER_OVERFLOW -> appIn = grow(appIn, true);
      case BUFFER_UNDERFLOW, OK -> {
        boolean starved = r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || noProgress(r);
        if (starved && status == HandshakeStatus.NEED_UNWRAP) {
          fillOrFail();
        }
      }
    }
    return status;
  }

  private void fillOrFail() throws IOException {
    if (!fill()) {
      throw new SSLHandshakeException("connection closed by peer during the TLS handshake");
    }
  }

  private HandshakeStatus runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    return engine.getHandshakeStatus();
  }

  private static boolean noProgress(SSLEngineResult r) {
    return r.bytesConsumed() == 0 && r.bytesProduced() == 0;
  }

  /** Unwraps what {@link #netIn} holds into {@link #appIn}, keeping both buffers' modes. */
  private SSLEngineResult unwrap() throws SSLException {
    netIn.flip();
    appIn.compact();
    try {
      return engine.unwrap(netIn, appIn);
    } finally {
      netIn.compact();
      appIn.flip();
    }
  }

  /** Reads what the socket has into {@link #netIn}; false at end of stream. */
  private boolean fill() throws IOException {
    if (!netIn.hasRemaining()) {
      netIn = grow(netIn, false);
    }
    int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
    if (n < 0) {
      return false;
    }
    netIn.position(netIn.position() + n);
    return true;
  }

  /** A buffer twice the size holding the same bytes, in the same mode. */
  private static ByteBuffer grow(ByteBuffer b, boolean readMode) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, 4096));
    if (readMode) {
      bigger.put(b).flip();
    } else {
      bigger.put(b.flip());
    }
    return bigger;
  }

  /** Wraps some of {@code src} (or a handshake or closing message) and sends the records. */
  private SSLEngineResult wrapAndSend(ByteBuffer src) throws IOException {
    while (true) {
      netOut.clear();
      SSLEngineResult r = engine.wrap(src, netOut);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = ByteBuffer.allocate(netOut.capacity() * 2);
        continue;
      }
      if (netOut.position() > 0) {
        rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.position());
        rawOut.flush();
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
        throw new SocketException("TLS connection closed");
      }
      return r;
    }
  }

  private int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    synchronized (readLock) {
      while (!appIn.hasRemaining()) {
        if (inboundDone) {
          return -1;
        }
        SSLEngineResult r = unwrap();
        switch (r.getStatus()) {
          case CLOSED -> inboundDone = true;
          case BUFFER_OVERFLOW -> appIn = grow(appIn, true);
          case BUFFER_UNDERFLOW -> {
            answerPostHandshake(r.getHandshakeStatus());
            inboundDone = !fill();
          }
          case OK -> {
            answerPostHandshake(r.getHandshakeStatus());
            if (noProgress(r) && !fill()) {
              inboundDone = true;
            }
          }
        }
      }
      int n = Math.min(len, appIn.remaining());
      appIn.get(b, off, n);
      return n;
    }
  }

  private void answerPostHandshake(HandshakeStatus status) throws IOException {
    if (status == HandshakeStatus.NEED_TASK) {
      status = runTasks();
    }
    if (status == HandshakeStatus.NEED_WRAP) {
      synchronized (writeLock) {
        wrapAndSend(EMPTY);
      }
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    synchronized (writeLock) {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      ByteBuffer src = ByteBuffer.wrap(b, off, len);
      while (src.hasRemaining()) {
        wrapAndSend(src);
      }
    }
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public SSLSession session() {
    return engine.getSession();
  }

  /** Sends {@code close_notify} when the socket still takes it, closes the socket, frees the engine. */
  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
          if (wrapAndSend(EMPTY).bytesProduced() == 0) {
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        // The peer is gone: close_notify was a courtesy.
      } finally {
        try {
          socket.close();
        } catch (IOException e) {
          // Nothing left to tell the peer.
        }
        release.run();
      }
    }
  }

  /** After a failed handshake: sends the engine's alert if it has one, then frees the engine. */
  private void abandon() {
    synchronized (writeLock) {
      closed = true;
      try {
        engine.closeOutbound();
        wrapAndSend(EMPTY);
      } catch (IOException | RuntimeException e) {
        // The alert is a courtesy; the handshake failure is what the caller reports.
      } finally {
        release.run();
      }
    }
  }

  private static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return SslEngineConnection.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      return SslEngineConnection.this.read(b, off, len);
    }

    @Override
    public int available() {
      synchronized (readLock) {
        return appIn.remaining();
      }
    }

    @Override
    public void close() {
      SslEngineConnection.this.close();
    }
  }

  private final class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      SslEngineConnection.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      SslEngineConnection.this.write(b, off, len);
    }

    @Override
    public void close() {
      SslEngineConnection.this.close();
    }
  }
}
