package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Sock;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog sink against a real UNIX datagram socket standing in for /dev/log. */
class SyslogSinkIT {
  /** The libc calls a receiving syslog daemon needs. */
  public interface ServerLibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    long recv(int fd, @Out byte[] buffer, long length, int flags);

    int close(int fd);
  }

  private static final ServerLibC LIBC = LibraryLoader.create(ServerLibC.class).load("c");
  private static final int MSG_DONTWAIT = 0x40;

  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final SteppingClock clock = new SteppingClock(Instant.parse("2025-03-09T14:05:07Z"));
  private int serverFd = -1;

  @AfterEach
  void closeServer() {
    if (serverFd >= 0) {
      LIBC.close(serverFd);
    }
  }

  private ProgramLog smtpd(Path socket) throws IOException {
    return MailLog.builder()
        .syslogSocket(socket)
        .clock(clock)
        .pid(4242)
        .hostName("mail")
        .standardStreams(System.out, new PrintStream(err, true, StandardCharsets.UTF_8))
        .build()
        .program("smtpd");
  }

  private void listen(Path socket) throws IOException {
    serverFd = LIBC.socket(AddressFamily.AF_UNIX.intValue(), Sock.SOCK_DGRAM.intValue(), 0);
    byte[] address = UnixDatagramClient.socketAddress(socket);
    assertThat(LIBC.bind(serverFd, address, address.length)).isZero();
  }

  private String receive() {
    byte[] buffer = new byte[4096];
    long n = LIBC.recv(serverFd, buffer, buffer.length, MSG_DONTWAIT);
    assertThat(n).as("datagram received").isPositive();
    return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
  }

  @Test
  void write_daemonListening_rfc3164Datagram() throws IOException {
    Path socket = dir.resolve("log");
    listen(socket);

    ProgramLog smtpd = smtpd(socket);
    smtpd.info("connect from unknown[192.0.2.1]");
    smtpd.warn("hostname nosuch.example does not resolve");

    assertThat(receive())
        .isEqualTo("<22>Mar  9 14:05:07 postern/smtpd[4242]: connect from unknown[192.0.2.1]");
    assertThat(receive())
        .isEqualTo(
            "<20>Mar  9 14:05:07 postern/smtpd[4242]: warning: hostname nosuch.example does not"
                + " resolve");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void write_noDaemon_announcesOnceThenStderr() throws IOException {
    Path socket = dir.resolve("log");

    ProgramLog smtpd = smtpd(socket);
    smtpd.info("one");
    smtpd.info("two");

    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "Mar 09 14:05:07 mail postern/smtpd[4242]: warning: cannot log to syslog: connect "
                + socket
                + ": No such file or directory (is a syslog daemon listening on "
                + socket
                + "?); logging to standard error instead",
            "Mar 09 14:05:07 mail postern/smtpd[4242]: one",
            "Mar 09 14:05:07 mail postern/smtpd[4242]: two");
  }

  @Test
  void write_daemonStartsLater_usedAfterRetryInterval() throws IOException {
    Path socket = dir.resolve("log");
    ProgramLog smtpd = smtpd(socket);
    smtpd.info("before");
    listen(socket);

    smtpd.info("too soon");
    clock.step(Duration.ofSeconds(61));
    smtpd.info("after");

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("]: before").contains("]: too soon");
    assertThat(receive()).endsWith("postern/smtpd[4242]: after");
  }

  /** A clock the test moves forward. */
  private static final class SteppingClock extends Clock {
    private Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    void step(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
