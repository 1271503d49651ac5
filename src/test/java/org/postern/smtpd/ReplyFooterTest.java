package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;

class ReplyFooterTest {
  private static final SmtpdExpand SESSION = new SmtpdExpand("mx.example.com", "c.example[192.0.2.1]",
      "c.example", "c.example", "192.0.2.1", 40000, "h\u0001.example", "", "u@d.example",
      ZonedDateTime.of(2026, 12, 6, 13, 5, 9, 0, ZoneId.of("UTC")));
  private static final Reply REJECT =
      Reply.of(550, "5.1.1", "<x@d.example>: Recipient address rejected: User unknown");

  private static ReplyFooter footer(String... pairs) throws ConfigException {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      p.put(pairs[i], pairs[i + 1]);
    }
    return ReplyFooter.fromConfig(MainConfig.of(Path.of("/etc/postern"), p));
  }

  private static String apply(ReplyFooter f, Reply r) {
    return f.apply(r, SESSION::lookup).toString();
  }

  @Test
  void apply_footerLines_repeatCodeAndStatus() throws Exception {
    ReplyFooter f = footer("smtpd_reject_footer", "Contact postmaster@example.com\\nclient $client_address");
    assertThat(apply(f, REJECT)).isEqualTo("""
        550-5.1.1 <x@d.example>: Recipient address rejected: User unknown\r
        550-5.1.1 Contact postmaster@example.com\r
        550 5.1.1 client 192.0.2.1""");
  }

  @Test
  void apply_backslashC_continuesTheLastLine() throws Exception {
    ReplyFooter f = footer("smtpd_reject_footer", "\\c (at $localtime from $client, helo $helo_name)");
    assertThat(apply(f, Reply.of(454, "4.7.1", "<u@x>: Relay access denied"))).isEqualTo(
        "454 4.7.1 <u@x>: Relay access denied (at Dec 06 13:05:09 from c.example[192.0.2.1], helo h_.example)");
  }

  @Test
  void apply_successAndNoFooter_leaveReplyAlone() throws Exception {
    Reply ok = Reply.of(250, "2.1.5", "Ok");
    assertThat(footer("smtpd_reject_footer", "x").apply(ok, SESSION::lookup)).isEqualTo(ok);
    assertThat(footer().apply(REJECT, SESSION::lookup)).isEqualTo(REJECT);
  }

  @Test
  void apply_senderAndRecipientMacros() throws Exception {
    ReplyFooter f = footer("smtpd_reject_footer", "\\c from=${sender} rcpt=${recipient_name} at ${recipient_domain}");
    assertThat(apply(f, Reply.plain(421, "bye"))).isEqualTo("421 bye from=<> rcpt=u at d.example");
  }

  @Test
  void apply_footerMaps_chooseByReplyText() throws Exception {
    ReplyFooter f = footer("smtpd_reject_footer", "generic",
        "smtpd_reject_footer_maps", "regexp:{ {/User unknown/ see https://example.com/unknown} }");
    assertThat(apply(f, REJECT)).endsWith("550 5.1.1 see https://example.com/unknown");
    assertThat(apply(f, Reply.of(454, "4.7.1", "<u@x>: Relay access denied"))).endsWith("454 4.7.1 generic");
  }

  @Test
  void apply_footerThatDoesNotParse_isLeftOff() throws Exception {
    assertThat(footer("smtpd_reject_footer", "broken ${client_address").apply(REJECT, SESSION::lookup))
        .isEqualTo(REJECT);
  }

  @Test
  void fromConfig_footerMapThatCannotOpen_namesParameter() {
    assertThatThrownBy(() -> footer("smtpd_reject_footer_maps", "lmdb:/nonexistent/footers"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("smtpd_reject_footer_maps");
  }
}
