package org.postern.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.Queues;

class PickupTriggerIT {
  @TempDir Path root;

  @Test
  void wake_pickupListening_deliversWakeupAndLeavesNoProperty() throws Exception {
    Queues queues = Queues.at(root);
    Path socket = PickupTrigger.socket(queues);
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));

      assertThat(PickupTrigger.wake(queues)).isTrue();

      try (SocketChannel accepted = server.accept()) {
        ByteBuffer b = ByteBuffer.allocate(1);
        accepted.read(b);
        assertThat(b.get(0)).isEqualTo(PickupTrigger.WAKEUP);
      }
    }
    assertThat(System.getProperty(PickupTrigger.PROVIDER_PROPERTY)).isNull();
  }

  @Test
  void wake_noPickup_falseAtOnce() {
    long start = System.nanoTime();

    assertThat(PickupTrigger.wake(Queues.at(root))).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
  }
}
