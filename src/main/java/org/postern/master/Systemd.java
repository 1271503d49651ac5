package org.postern.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.postern.log.ProgramLog;
import org.postern.log.UnixDatagramClient;

/**
 * systemd, when it runs the master as a service (packaging/postern.service): {@code
 * $NOTIFY_SOCKET}, where a {@code Type=notify} unit sends sd_notify(3) state messages, and {@code
 * $JOURNAL_STREAM}, the device and inode of the journal's stream when standard output or error is
 * connected to it. The master says {@code READY=1} once every service runs and the control socket
 * answers, {@code RELOADING=1} and then {@code READY=1} around a reload, and {@code STOPPING=1}
 * when a stop begins, so that {@code systemctl start}, {@code reload} and {@code stop} return when
 * the work is done.
 *
 * <p>Failure: a message that cannot be sent (the socket is gone, nobody listens) is logged as a
 * warning and the mail system runs on; without {@code $NOTIFY_SOCKET} nothing is sent.
 */
public final class Systemd {
  private final Optional<Path> notifySocket;
  private final Optional<String> journalStream;

  private Systemd(Optional<Path> notifySocket, Optional<String> journalStream) {
    this.notifySocket = notifySocket;
    this.journalStream = journalStream;
  }

  /** What this process's environment says. */
  public static Systemd fromEnvironment() {
    return of(System.getenv());
  }

  static Systemd of(Map<String, String> environment) {
    return new Systemd(
        Optional.ofNullable(environment.get("NOTIFY_SOCKET")).filter(s -> !s.isEmpty()).map(Path::of),
        Optional.ofNullable(environment.get("JOURNAL_STREAM")).filter(s -> !s.isEmpty()));
  }

  /**
   * Whether systemd runs this process as a service: it waits for {@code READY=1}, or standard
   * output or error is still the journal stream systemd named (a shell started from a service
   * inherits {@code $JOURNAL_STREAM} with other streams, hence the comparison sd_journal_stream_fd
   * documents).
   */
  public boolean runsService() {
    return notifySocket.isPresent()
        || journalStream.filter(s -> s.equals(streamId(1)) || s.equals(streamId(2))).isPresent();
  }

  /** {@code device:inode} of file descriptor {@code fd}, as systemd writes $JOURNAL_STREAM. */
  static String streamId(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      return Files.getAttribute(link, "unix:dev") + ":" + Files.getAttribute(link, "unix:ino");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return ""; // no /proc or a closed descriptor: not the journal (never equal to a set value)
    }
  }

  /** Every service runs and the control socket answers. */
  void ready(ProgramLog log, String status) {
    send(log, "READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
  }

  /** A reload begins; systemd's notify-reload units need the monotonic time it began. */
  void reloading(ProgramLog log) {
    // System.nanoTime() is CLOCK_MONOTONIC on Linux, the clock systemd compares with.
    send(log, "RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
  }

  /** A stop begins. */
  void stopping(ProgramLog log) {
    send(log, "STOPPING=1");
  }

  private void send(ProgramLog log, String message) {
    if (notifySocket.isEmpty()) {
      return;
    }
    try (UnixDatagramClient client = UnixDatagramClient.connect(notifySocket.get())) {
      client.send(message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.warn("cannot notify systemd: " + e.getMessage());
    }
  }
}
