package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {
  private static final String VALID =
      "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n";

  @Test
  void parse_validLf_allFields() throws Exception {
    MtaStsPolicy p = MtaStsPolicy.parse(VALID);

    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(1));
    assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net");
  }

  @Test
  void parse_crlfAndBlanksAfterColon_sameAsLf() throws Exception {
    MtaStsPolicy p = MtaStsPolicy.parse(
        "version:STSv1\r\nmode:\ttesting\r\nmx:   MAIL.Example.COM.\r\nmax_age: 600  \r\n");

    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
    assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(600));
    assertThat(p.mx()).containsExactly("mail.example.com");
  }

  @Test
  void parse_unknownKeysAndRepeats_ignoredFirstWins() throws Exception {
    MtaStsPolicy p = MtaStsPolicy.parse(
        "version: STSv1\nfoo_bar: anything at all\nmode: enforce\nmode: none\nmx: a.example\n"
            + "max_age: 60\nmax_age: 99\n");

    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void parse_modeNoneWithoutMx_accepted() throws Exception {
    assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 1\n").mx()).isEmpty();
  }

  @Test
  void parse_maxAgeAboveOneYear_heldToOneYear() throws Exception {
    MtaStsPolicy p = MtaStsPolicy.parse(VALID.replace("86400", "9999999999"));

    assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(31_557_600));
  }

  @Test
  void parse_missingFields_rejected() {
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("version: STSv1\n", "")))
        .isInstanceOf(PolicyException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("mode: enforce\n", "")))
        .hasMessageContaining("mode");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("max_age: 86400\n", "")))
        .hasMessageContaining("max_age");
    assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: testing\nmax_age: 5\n"))
        .hasMessageContaining("no mx");
  }

  @Test
  void parse_badValues_rejectedNamingTheLine() {
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("STSv1", "STSv2")))
        .hasMessageContaining("unsupported version");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("enforce", "Enforce")))
        .hasMessageContaining("line 2: invalid mode");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("86400", "-1")))
        .hasMessageContaining("line 5: invalid max_age");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("86400", "12345678901")))
        .hasMessageContaining("invalid max_age");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("*.example.net", "mail.*.net")))
        .hasMessageContaining("line 4: invalid mx pattern");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID.replace("*.example.net", "com")))
        .hasMessageContaining("invalid mx pattern");
    assertThatThrownBy(() -> MtaStsPolicy.parse(VALID + "garbage without colon\n"))
        .hasMessageContaining("line 6: not a \"key: value\" field");
  }

  @Test
  void parse_oversized_rejected() {
    String big = VALID + "x: " + "a".repeat(70 * 1024) + "\n";

    assertThatThrownBy(() -> MtaStsPolicy.parse(big)).hasMessageContaining("larger than 65536");
  }

  @Test
  void allowsMx_exactAndOneLabelWildcard() {
    MtaStsPolicy p = new MtaStsPolicy(MtaStsPolicy.Mode.ENFORCE, Duration.ofDays(1),
        List.of("mail.example.com", "*.example.net"));

    assertThat(p.allowsMx("mail.example.com")).isTrue();
    assertThat(p.allowsMx("MAIL.EXAMPLE.COM.")).isTrue();
    assertThat(p.allowsMx("mx1.example.net")).isTrue();
    assertThat(p.allowsMx("example.net")).as("the wildcard needs one label").isFalse();
    assertThat(p.allowsMx("a.b.example.net")).as("and only one").isFalse();
    assertThat(p.allowsMx("xexample.net")).isFalse();
    assertThat(p.allowsMx("other.example.com")).isFalse();
    assertThat(p.allowsMx("mail.example.com.evil.test")).isFalse();
  }
}
