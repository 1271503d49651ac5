package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Address lookups through {@link DnsjavaResolver} against a loopback UDP responder that answers
 * an alias with its CNAME record only, as unbound does for local data: the resolver asks again
 * for the target, as Postfix's dns_lookup() does, reports the target as the canonical name, and
 * gives up on a CNAME loop after 10 queries.
 */
class DnsjavaResolverCnameIT {
  private DatagramSocket socket;
  private Thread responder;
  private volatile int queries;

  @BeforeEach
  void start() throws Exception {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    responder = Thread.ofVirtual().start(this::serve);
  }

  @AfterEach
  void stop() throws Exception {
    socket.close();
    responder.join();
  }

  private void serve() {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        socket.receive(p);
        queries++;
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        byte[] out = answer(q).toWire();
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (java.io.IOException closed) {
        return;
      }
    }
  }

  private static Message answer(Message q) throws java.io.IOException {
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    r.addRecord(q.getQuestion(), Section.QUESTION);
    Name name = q.getQuestion().getName();
    switch (name.toString(true)) {
      case "alias.example" -> r.addRecord(new CNAMERecord(name, DClass.IN, 300,
          Name.fromString("mx.example.")), Section.ANSWER);
      case "loop.example" -> r.addRecord(new CNAMERecord(name, DClass.IN, 300,
          Name.fromString("loop.example.")), Section.ANSWER);
      case "mx.example" -> {
        if (q.getQuestion().getType() == Type.A) {
          r.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByName("192.0.2.7")),
              Section.ANSWER);
        }
      }
      default -> { }
    }
    return r;
  }

  private DnsjavaResolver resolver() {
    return new DnsjavaResolver(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort())),
        Duration.ofSeconds(2));
  }

  @Test
  void addresses_cnameOnlyAnswer_targetAskedAndNamedCanonical() throws Exception {
    DnsAnswer<InetAddress> a = resolver().addresses("alias.example", new InetProtocols(true, false));

    assertThat(a.records()).containsExactly(InetAddress.getByName("192.0.2.7"));
    assertThat(a.canonicalName()).contains("mx.example");
    assertThat(queries).isEqualTo(2);
  }

  @Test
  void addresses_cnameLoop_transientErrorAfterTenQueries() {
    assertThatThrownBy(() -> resolver().addresses("loop.example", new InetProtocols(true, false)))
        .isInstanceOfSatisfying(DnsLookupException.class, e -> {
          assertThat(e.permanent()).isFalse();
          assertThat(e.getMessage()).isEqualTo("Name server loop for loop.example");
        });
    assertThat(queries).isEqualTo(10);
  }
}
