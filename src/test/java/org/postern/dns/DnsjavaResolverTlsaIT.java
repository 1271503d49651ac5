package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;

/**
 * TLSA lookups through {@link DnsjavaResolver} against a loopback UDP responder that plays a
 * validating resolver: a signed answer (AD), an unsigned one, NXDOMAIN, and SERVFAIL (bogus).
 */
class DnsjavaResolverTlsaIT {
  private static final String DATA = "ab".repeat(32);

  private DatagramSocket socket;
  private Thread responder;

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
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        byte[] out = answer(q).toWire();
        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      } catch (java.io.IOException closed) {
        return;
      }
    }
  }

  private static Message answer(Message q) {
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RD);
    r.getHeader().setFlag(Flags.RA);
    r.addRecord(q.getQuestion(), Section.QUESTION);
    Name name = q.getQuestion().getName();
    String label = name.getLabelString(2);
    switch (label) {
      case "signed", "unsigned" -> {
        r.addRecord(new TLSARecord(name, DClass.IN, 300, 3, 1, 1,
            HexFormat.of().parseHex(DATA)), Section.ANSWER);
        if (label.equals("signed")) {
          r.getHeader().setFlag(Flags.AD);
        }
      }
      case "bogus" -> r.getHeader().setRcode(Rcode.SERVFAIL);
      default -> {
        r.getHeader().setRcode(Rcode.NXDOMAIN);
        r.getHeader().setFlag(Flags.AD);
      }
    }
    return r;
  }

  private DnsjavaResolver resolver() {
    return new DnsjavaResolver(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort())),
        Duration.ofSeconds(2));
  }

  @Test
  void tlsa_signedAnswer_recordsWithAdBit() throws Exception {
    DnsAnswer<TlsaRecord> a = resolver().tlsa("_25._tcp.signed.example");

    assertThat(a.authentic()).isTrue();
    assertThat(a.records()).containsExactly(TlsaRecord.of(3, 1, 1, DATA));
  }

  @Test
  void tlsa_unsignedAnswer_notAuthentic() throws Exception {
    DnsAnswer<TlsaRecord> a = resolver().tlsa("_25._tcp.unsigned.example");

    assertThat(a.authentic()).isFalse();
    assertThat(a.records()).hasSize(1);
  }

  @Test
  void tlsa_nxdomain_emptyAnswer() throws Exception {
    DnsAnswer<TlsaRecord> a = resolver().tlsa("_25._tcp.missing.example");

    assertThat(a.isEmpty()).isTrue();
    assertThat(a.authentic()).isTrue();
  }

  @Test
  void tlsa_servfail_transientError() {
    assertThatThrownBy(() -> resolver().tlsa("_25._tcp.bogus.example"))
        .isInstanceOfSatisfying(DnsLookupException.class,
            e -> assertThat(e.permanent()).isFalse())
        .hasMessageContaining("_25._tcp.bogus.example");
  }
}
