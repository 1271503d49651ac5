package org.postern.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CidrTableTest {
  @TempDir Path dir;

  @Test
  void find_firstMatchWins_ipv4AndIpv6() throws Exception {
    LookupTable t =
        Tables.open(
            "cidr:{ {192.168.1.1 OK}, {192.168.0.0/16 REJECT}, {2001:db8::1 OK6},"
                + " {2001:DB8::/32 REJECT6}, {::/0 any6} }");
    assertThat(t.find("192.168.1.1")).contains("OK");
    assertThat(t.find("192.168.7.9")).contains("REJECT");
    assertThat(t.find("2001:0db8:0:0::1")).contains("OK6");
    assertThat(t.find("[2001:db8:ffff::5]")).contains("REJECT6");
    assertThat(t.find("fe80::1")).contains("any6");
    assertThat(t.find("10.0.0.1")).isEmpty();
    assertThat(t.find("not-an-address")).isEmpty();
    assertThat(t.matchStyle()).isEqualTo(LookupTable.MatchStyle.PATTERN);
  }

  @Test
  void find_negationAndIfEndif_followPostfix() throws Exception {
    LookupTable t =
        Tables.open(
            "cidr:{ {if 10.0.0.0/8}, {!10.1.0.0/16 outside}, {endif}, {0.0.0.0/0 default} }");
    assertThat(t.find("10.2.3.4")).contains("outside");
    assertThat(t.find("10.1.3.4")).contains("default");
    assertThat(t.find("11.0.0.1")).contains("default");
  }

  @Test
  void open_hostBitsSet_throwsPostfixMessageWithFileAndLine() throws Exception {
    Path file =
        SourceFiles.write(dir, "clients.cidr", "# allow\n10.0.0.0/8 OK\n10.0.0.1/8 REJECT\n");
    assertThatThrownBy(() -> Tables.open("cidr:" + file))
        .isInstanceOf(TableException.class)
        .hasMessage(
            "cidr map " + file + ", line 3: non-null host address bits in \"10.0.0.1/8\","
                + " perhaps you should use \"10.0.0.0/8\" instead");
  }

  @Test
  void open_ipv6HostBits_suggestsCompressedNetwork() {
    assertThatThrownBy(() -> Tables.open("cidr:{ {2001:db8::1/32 x} }"))
        .hasMessageContaining("perhaps you should use \"2001:db8::/32\" instead");
  }

  @Test
  void open_badMaskOrAddressOrResult_throws() {
    assertThatThrownBy(() -> Tables.open("cidr:{ {1.2.3.4/33 x} }"))
        .hasMessageContaining("line 1: bad mask length in \"1.2.3.4/33\"");
    assertThatThrownBy(() -> Tables.open("cidr:{ {a 1}, {garbage x} }"))
        .hasMessageContaining("line 1: bad address pattern: \"a\"");
    assertThatThrownBy(() -> Tables.open("cidr:{ {1.2.3.4} }"))
        .hasMessageContaining("line 1: no lookup result");
    assertThatThrownBy(() -> Tables.open("cidr:{ {01.2.3.4 x} }"))
        .hasMessageContaining("bad address pattern");
  }

  @Test
  void open_unbalancedIf_throws() {
    assertThatThrownBy(() -> Tables.open("cidr:{ {if 10.0.0.0/8}, {10.0.0.0/8 x} }"))
        .hasMessageContaining("line 1: IF has no matching ENDIF");
    assertThatThrownBy(() -> Tables.open("cidr:{ {10.0.0.0/8 x}, {endif} }"))
        .hasMessageContaining("line 2: ENDIF without matching IF");
  }

  @Test
  void inetAddressText_parsesAndFormats() {
    assertThat(InetAddressText.parse("::ffff:1.2.3.4")).isPresent();
    assertThat(InetAddressText.parse("1:2:3:4:5:6:7:8:9")).isEmpty();
    assertThat(InetAddressText.parse("1::2::3")).isEmpty();
    assertThat(InetAddressText.parse("12345::")).isEmpty();
    assertThat(InetAddressText.parse("-1::")).isEmpty();
    assertThat(InetAddressText.format(InetAddressText.parse("2001:db8:0:0:1:0:0:1").get()))
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(InetAddressText.format(InetAddressText.parse("::").get())).isEqualTo("::");
  }
}
