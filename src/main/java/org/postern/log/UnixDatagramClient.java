package org.postern.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Sock;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.In;

/**
 * A connected UNIX-domain datagram socket, the kind {@code /dev/log} and systemd's {@code
 * $NOTIFY_SOCKET} are on Linux. The JDK opens only stream sockets of that family, so this calls
 * libc {@code socket}, {@code connect} and {@code send} through jnr-ffi (already on the class
 * path through lmdbjava). Plain system calls rather than libc {@code syslog(3)}: syslog is
 * variadic and reports no errors, and Postern must notice a missing syslog daemon instead of
 * losing lines.
 *
 * <p>Failure: every call that fails throws an IOException carrying the path and strerror text.
 */
public final class UnixDatagramClient implements AutoCloseable {
  /** The libc calls used here; public because jnr-ffi generates its implementation elsewhere. */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    int connect(int fd, @In byte[] address, int length);

    long send(int fd, @In byte[] buffer, long length, int flags);

    int close(int fd);

    String strerror(int errno);
  }

  private static final int SUN_PATH_SIZE = 104;

  private final Native lib;
  private final Path path;
  private final int fd;

  private UnixDatagramClient(Native lib, Path path, int fd) {
    this.lib = lib;
    this.path = path;
    this.fd = fd;
  }

  /**
   * Connects to the socket at {@code path}; a path that starts with {@code @} names a socket in
   * Linux's abstract namespace, as systemd writes {@code $NOTIFY_SOCKET}.
   */
  public static UnixDatagramClient connect(Path path) throws IOException {
    Native lib = Native.load();
    int fd = lib.libc.socket(AddressFamily.AF_UNIX.intValue(), Sock.SOCK_DGRAM.intValue(), 0);
    if (fd < 0) {
      throw lib.error("socket", path);
    }
    byte[] address = socketAddress(path);
    if (lib.libc.connect(fd, address, address.length) < 0) {
      IOException e = lib.error("connect", path);
      lib.libc.close(fd);
      throw e;
    }
    return new UnixDatagramClient(lib, path, fd);
  }

  /** Sends one datagram; the whole message or an error, never part of it. */
  public void send(byte[] message) throws IOException {
    if (lib.libc.send(fd, message, message.length, 0) < 0) {
      throw lib.error("send", path);
    }
  }

  @Override
  public void close() {
    lib.libc.close(fd);
  }

  /**
   * {@code struct sockaddr_un}: BSD systems lead with a length byte, Linux with a 16-bit family.
   */
  static byte[] socketAddress(Path path) throws IOException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length >= SUN_PATH_SIZE) {
      throw new IOException(path + ": socket path too long");
    }
    // An abstract name starts with a NUL byte instead of "@" and has no terminating NUL.
    boolean abstractName = name.length > 1 && name[0] == '@';
    if (abstractName) {
      name[0] = 0;
    }
    byte[] address = new byte[2 + name.length + (abstractName ? 0 : 1)];
    int family = AddressFamily.AF_UNIX.intValue();
    if (Platform.getNativePlatform().isBSD()) {
      address[0] = (byte) address.length;
      address[1] = (byte) family;
    } else if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
      address[0] = (byte) family;
      address[1] = (byte) (family >> 8);
    } else {
      address[0] = (byte) (family >> 8);
      address[1] = (byte) family;
    }
    System.arraycopy(name, 0, address, 2, name.length);
    return address;
  }

  /** libc loaded once per class loader; a JVM without native access fails here, not at start. */
  private record Native(LibC libc, jnr.ffi.Runtime runtime) {
    private static final class Holder {
      static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    }

    static Native load() throws IOException {
      try {
        LibC libc = Holder.LIBC;
        return new Native(libc, jnr.ffi.Runtime.getRuntime(libc));
      } catch (LinkageError | RuntimeException e) {
        throw new IOException("cannot call libc through jnr-ffi: " + e, e);
      }
    }

    IOException error(String call, Path path) {
      int errno = runtime.getLastError();
      return new IOException(call + " " + path + ": " + libc.strerror(errno));
    }
  }
}
