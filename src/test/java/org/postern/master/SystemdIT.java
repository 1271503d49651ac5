package org.postern.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.it.NotifySocket;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;

/** sd_notify(3) messages on a real datagram socket, and how the master knows systemd runs it. */
class SystemdIT {
  @TempDir Path dir;

  private static ProgramLog log() throws IOException {
    return MailLog.builder().standardOutput(true).hostName("mail").build().program("master");
  }

  @Test
  void notifications_socketPath_stateMessagesInOrder() throws Exception {
    try (NotifySocket socket = NotifySocket.bind(dir.resolve("notify"))) {
      Systemd systemd = Systemd.of(Map.of("NOTIFY_SOCKET", socket.path().toString()));

      systemd.ready(log(), "daemon started");
      systemd.reloading(log());
      systemd.stopping(log());

      assertThat(socket.received()).hasSize(3);
      assertThat(socket.received().get(0)).isEqualTo("READY=1\nSTATUS=daemon started\nMAINPID="
          + ProcessHandle.current().pid());
      assertThat(socket.received().get(1)).matches("RELOADING=1\nMONOTONIC_USEC=[0-9]+");
      assertThat(socket.received().get(2)).isEqualTo("STOPPING=1");
    }
  }

  @Test
  void notifications_abstractSocket_received() throws Exception {
    String name = "@postern-systemd-it-" + ProcessHandle.current().pid();
    try (NotifySocket socket = NotifySocket.bind(Path.of(name))) {
      Systemd.of(Map.of("NOTIFY_SOCKET", name)).stopping(log());

      assertThat(socket.received()).containsExactly("STOPPING=1");
    }
  }

  @Test
  void notifications_nobodyListening_masterRunsOn() throws IOException {
    Systemd systemd = Systemd.of(Map.of("NOTIFY_SOCKET", dir.resolve("gone").toString()));

    systemd.stopping(log()); // logs a warning, throws nothing

    assertThat(systemd.runsService()).isTrue();
  }

  @Test
  void runsService_environment() {
    assertThat(Systemd.of(Map.of()).runsService()).isFalse();
    assertThat(Systemd.of(Map.of("NOTIFY_SOCKET", "")).runsService()).isFalse();
    assertThat(Systemd.of(Map.of("JOURNAL_STREAM", Systemd.streamId(2))).runsService()).isTrue();
    assertThat(Systemd.of(Map.of("JOURNAL_STREAM", "8:1")).runsService()).isFalse();
  }
}
