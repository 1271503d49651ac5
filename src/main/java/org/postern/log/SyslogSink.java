package org.postern.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The local syslog daemon, reached through its datagram socket ({@code /dev/log}) with RFC 3164
 * messages shaped as glibc's syslog(3) sends them: {@code <PRI>Mmm dd hh:mm:ss tag[pid]: text},
 * without a host name (the daemon adds its own).
 *
 * <p>The socket is connected on first use and again after a send fails, as Postfix does. While no
 * daemon answers, records go to standard error (announced once) and a new connection is tried at
 * most once a minute, so a syslog daemon that starts later is picked up.
 */
final class SyslogSink implements LogSink {
  private static final Duration RETRY = Duration.ofMinutes(1);

  private final Path socket;
  private final SyslogFacility facility;
  private final Clock clock;
  private final StderrFallback fallback;
  private final ReentrantLock lock = new ReentrantLock();
  private UnixDatagramClient client;
  private Instant nextAttempt = Instant.MIN;
  private String lastError = "not connected";

  SyslogSink(Path socket, SyslogFacility facility, Clock clock, StderrFallback fallback) {
    this.socket = socket;
    this.facility = facility;
    this.clock = clock;
    this.fallback = fallback;
  }

  @Override
  public void write(LogRecord record) {
    byte[] message = record.syslogMessage(facility).getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      if (send(message) || (reconnect() && send(message))) {
        return;
      }
      fallback.write(
          record,
          "cannot log to syslog: "
              + lastError
              + " (is a syslog daemon listening on "
              + socket
              + "?)");
    } finally {
      lock.unlock();
    }
  }

  private boolean send(byte[] message) {
    if (client == null) {
      return false;
    }
    try {
      client.send(message);
      return true;
    } catch (IOException e) {
      lastError = e.getMessage();
      client.close();
      client = null;
      nextAttempt = Instant.MIN;
      return false;
    }
  }

  private boolean reconnect() {
    Instant now = clock.instant();
    if (now.isBefore(nextAttempt)) {
      return false;
    }
    try {
      client = UnixDatagramClient.connect(socket);
      return true;
    } catch (IOException e) {
      lastError = e.getMessage();
      nextAttempt = now.plus(RETRY);
      return false;
    }
  }
}
