package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsjavaResolverTest {
  @TempDir Path tmp;

  @Test
  void serverAddress_forms_parsedWithDefaultPort() throws Exception {
    assertThat(DnsjavaResolver.serverAddress("192.0.2.1"))
        .isEqualTo(new InetSocketAddress("192.0.2.1", 53));
    assertThat(DnsjavaResolver.serverAddress("127.0.0.1:5353"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
    assertThat(DnsjavaResolver.serverAddress("[::1]:5353").getPort()).isEqualTo(5353);
    assertThat(DnsjavaResolver.serverAddress("2001:db8::1").getPort()).isEqualTo(53);
  }

  @Test
  void mx_unreachableResolver_isTransient() throws Exception {
    Path conf = Files.writeString(tmp.resolve("resolv.conf"), "# none\n");
    DnsjavaResolver r = DnsjavaResolver.configured("127.0.0.1:9", conf, Duration.ofMillis(300));

    assertThatThrownBy(() -> r.mx("example.com"))
        .isInstanceOfSatisfying(DnsLookupException.class, e -> assertThat(e.permanent()).isFalse())
        .hasMessageContaining("example.com");
  }

  @Test
  void ptr_unreachableResolver_isTransientAndNamesTheReverseName() throws Exception {
    Path conf = Files.writeString(tmp.resolve("resolv.conf"), "# none\n");
    DnsjavaResolver r = DnsjavaResolver.configured("127.0.0.1:9", conf, Duration.ofMillis(300));

    assertThatThrownBy(() -> r.ptr(java.net.InetAddress.getByName("192.0.2.7")))
        .isInstanceOfSatisfying(DnsLookupException.class, e -> assertThat(e.permanent()).isFalse())
        .hasMessageContaining("7.2.0.192.in-addr.arpa");
  }

  @Test
  void hostsFile_namesAndAddresses_asTheCLibraryReadsThem() throws Exception {
    Path file = Files.writeString(tmp.resolve("hosts"), String.join("\n",
        "# comment", "127.0.0.1 localhost", "192.0.2.1  mx.example.com mx  # the MX",
        "192.0.2.2 mx.example.com", "not-an-address name", "::1 localhost ip6-localhost", ""));
    HostsFile h = HostsFile.read(file);

    assertThat(h.name(java.net.InetAddress.getByName("192.0.2.1"))).contains("mx.example.com");
    assertThat(h.name(java.net.InetAddress.getByName("192.0.2.9"))).isEmpty();
    assertThat(h.addresses("MX.example.com")).extracting(java.net.InetAddress::getHostAddress)
        .containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(h.addresses("mx")).hasSize(1);
    assertThat(h.addresses("localhost")).hasSize(2);
    assertThat(h.addresses("name")).isEmpty();
    assertThat(HostsFile.read(tmp.resolve("missing")).addresses("localhost")).isEmpty();
  }

  @Test
  void inetProtocols_words_parsed() {
    assertThat(InetProtocols.parse(List.of("ipv4"))).isEqualTo(new InetProtocols(true, false));
    assertThat(InetProtocols.parse(List.of("all"))).isEqualTo(InetProtocols.ALL);
    assertThatThrownBy(() -> InetProtocols.parse(List.of("ipx")))
        .hasMessageContaining("inet_protocols");
  }
}
