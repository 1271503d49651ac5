package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ClientNamesTest {
  @Test
  void namesAndLiteralsAsTheJdkGivesThem() throws Exception {
    InetAddress local = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    assertThat(ClientNames.SHARED.canonicalName(local)).isEqualTo(local.getCanonicalHostName());
    InetAddress documentation = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 77});
    assertThat(ClientNames.SHARED.canonicalName(documentation))
        .isEqualTo(documentation.getCanonicalHostName());
  }

  @Test
  void manySessionsOfOneAddressShareTheAnswer() throws Exception {
    InetAddress flood = InetAddress.getByAddress(new byte[] {127, 0, 96, 77});
    try (var sessions = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> names = new java.util.ArrayList<>();
      for (int i = 0; i < 500; i++) {
        names.add(sessions.submit(() -> ClientNames.SHARED.canonicalName(flood)));
      }
      String first = names.get(0).get();
      for (Future<String> n : names) {
        assertThat(n.get()).isEqualTo(first);
      }
    }
  }
}
