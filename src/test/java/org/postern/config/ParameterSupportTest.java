package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterSupportTest {
  @TempDir Path dir;

  private MainConfig load(String mainCf) throws IOException, ConfigException {
    Files.writeString(dir.resolve("main.cf"), mainCf);
    return MainConfig.load(dir);
  }

  @Test
  void of_postfixOnlyName_isUnsupported() {
    assertThat(ParameterSupport.of("postscreen_tls_security_level").level())
        .isEqualTo(ParameterSupport.Level.UNSUPPORTED);
  }

  @Test
  void of_postscreenParameters_readOnesSupported_othersMarked() {
    assertThat(ParameterSupport.of("postscreen_dnsbl_sites").level())
        .isEqualTo(ParameterSupport.Level.SUPPORTED);
    assertThat(ParameterSupport.of("postscreen_reject_footer").level())
        .isEqualTo(ParameterSupport.Level.UNSUPPORTED);
    assertThat(ParameterSupport.of("postscreen_upstream_proxy_protocol").level())
        .isEqualTo(ParameterSupport.Level.REFUSED);
  }

  @Test
  void of_readParameter_isSupported() {
    assertThat(ParameterSupport.of("smtpd_banner").level())
        .isEqualTo(ParameterSupport.Level.SUPPORTED);
  }

  @Test
  void of_milters_areSupported() {
    for (String name : List.of("smtpd_milters", "non_smtpd_milters", "milter_default_action",
        "milter_protocol", "milter_header_checks")) {
      assertThat(ParameterSupport.of(name).level()).as(name)
          .isEqualTo(ParameterSupport.Level.SUPPORTED);
    }
  }

  @Test
  void of_wrapperMode_isRefusedWithItsConsequence() {
    ParameterSupport s = ParameterSupport.of("smtp_tls_wrappermode");
    assertThat(s.level()).isEqualTo(ParameterSupport.Level.REFUSED);
    assertThat(s.consequence()).contains("plaintext");
  }

  @Test
  void load_unsupportedSetOffDefault_warnsByNameAndLine() throws Exception {
    MainConfig c = load("myhostname = mx.example\nmax_use = 10\n");
    assertThat(c.warnings()).containsExactly(dir.resolve("main.cf")
        + ", line 2: parameter max_use: not supported by Postern; setting ignored");
  }

  @Test
  void load_unsupportedSetToItsDefault_isSilent() throws Exception {
    MainConfig c = load("max_use = 100\npostscreen_watchdog_timeout = 10s\n");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void load_debiansBiffAndNoMailboxLimit_askForWhatPosternDoes_areSilent() throws Exception {
    assertThat(load("biff = no\nmailbox_size_limit = 0\n").warnings()).isEmpty();
  }

  @Test
  void load_postfixOnlyName_isNotCalledUnused() throws Exception {
    MainConfig c = load("postscreen_forbidden_commands = CONNECT\n");
    assertThat(c.warnings()).singleElement().asString()
        .contains("postscreen_forbidden_commands: not supported by Postern")
        .doesNotContain("unused");
  }

  @Test
  void load_refusedSetOffDefault_failsSayingWhy() {
    assertThatThrownBy(() -> load("smtp_tls_wrappermode = yes\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("main.cf") + ", line 1: parameter smtp_tls_wrappermode: not supported"
            + " by Postern, and ignoring it would be unsafe: the SMTP client would speak plaintext"
            + " where TLS is required at once; remove the setting or set it to the default (\"no\")");
  }

  @Test
  void load_refusedSetToDefault_isAccepted() throws Exception {
    assertThat(load("smtp_tls_wrappermode = no\nlmtp_tls_wrappermode = no\n").warnings()).isEmpty();
  }

  @Test
  void load_severalProblems_listsEveryOneInOneException() {
    assertThatThrownBy(() -> load("smtpd_timeout = soon\nsmtp_tls_wrappermode = yes\n"
        + "queue_minfree = 1000\nmessage_size_limit = big\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .hasSize(4)
            .anySatisfy(p -> assertThat(p).contains("line 1: parameter smtpd_timeout: bad time value"))
            .anySatisfy(p -> assertThat(p).contains("line 2: parameter smtp_tls_wrappermode: not supported"))
            .anySatisfy(p -> assertThat(p).contains("line 3: parameter queue_minfree: not supported"))
            .anySatisfy(p -> assertThat(p).contains("line 4: parameter message_size_limit: bad size")));
  }

  @Test
  void withOverrides_refusedInMasterCf_namesTheMasterCfLine() throws Exception {
    Files.writeString(dir.resolve("master.cf"),
        "smtp unix - - n - - smtp\n  -o smtp_tls_wrappermode=yes\n");
    MainConfig c = load("");
    MasterService smtp = c.masterCf().services().get(0);
    List<ConfigException> errors = new ArrayList<>();
    c.withOverrides(smtp, errors);
    assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
        .startsWith(dir.resolve("master.cf") + ", line 1: parameter smtp_tls_wrappermode: not supported");
  }

  @Test
  void withOverrides_unsupportedPerTransportParameter_warns() throws Exception {
    Files.writeString(dir.resolve("master.cf"), "relay unix - - n - - smtp\n");
    MainConfig c = load("relay_destination_rate_delay = 5s\nrelay_destination_concurrency_limit = 5\n");
    assertThat(c.warnings()).singleElement().asString()
        .contains("line 1: parameter relay_destination_rate_delay: not supported by Postern");
  }
}
