package org.postern.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Sock;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * systemd's side of sd_notify(3) for tests: a bound UNIX datagram socket whose path goes into
 * {@code $NOTIFY_SOCKET}, and the messages received on it. The JDK cannot open datagram sockets
 * of that family, hence the libc calls through jnr-ffi.
 */
public final class NotifySocket implements AutoCloseable {
  /** The libc calls a receiver needs; public for jnr-ffi. */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    long recv(int fd, @Out byte[] buffer, long length, int flags);

    int close(int fd);
  }

  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  private static final int MSG_DONTWAIT = 0x40;

  private final Path path;
  private final int fd;
  private final List<String> received = new ArrayList<>();

  private NotifySocket(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Binds a socket at {@code path} (which must not exist), or in the abstract namespace when the
   * path starts with {@code @}, as systemd may name its socket.
   */
  public static NotifySocket bind(Path path) throws IOException {
    int fd = LIBC.socket(AddressFamily.AF_UNIX.intValue(), Sock.SOCK_DGRAM.intValue(), 0);
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    boolean abstractName = name[0] == '@';
    if (abstractName) {
      name[0] = 0;
    }
    byte[] address = new byte[2 + name.length + (abstractName ? 0 : 1)];
    address[0] = (byte) AddressFamily.AF_UNIX.intValue(); // Linux, little-endian sa_family
    System.arraycopy(name, 0, address, 2, name.length);
    if (fd < 0 || LIBC.bind(fd, address, address.length) != 0) {
      throw new IOException("cannot bind a datagram socket at " + path);
    }
    return new NotifySocket(path, fd);
  }

  public Path path() {
    return path;
  }

  /** Every message received so far, oldest first. */
  public List<String> received() {
    drain();
    return List.copyOf(received);
  }

  /**
   * Waits until a message containing the line {@code state} (such as {@code READY=1}) arrives
   * after the first {@code skip} messages; returns that message.
   *
   * @throws AssertionError when none arrives within {@code limit}
   */
  public String await(String state, int skip, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      drain();
      for (int i = skip; i < received.size(); i++) {
        if (received.get(i).lines().anyMatch(state::equals)) {
          return received.get(i);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + state + " on " + path + " within " + limit
            + "; received " + received);
      }
      Thread.sleep(50);
    }
  }

  private void drain() {
    byte[] buffer = new byte[4096];
    for (long n; (n = LIBC.recv(fd, buffer, buffer.length, MSG_DONTWAIT)) > 0; ) {
      received.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws IOException {
    LIBC.close(fd);
    if (!path.toString().startsWith("@")) {
      Files.deleteIfExists(path);
    }
  }
}
