package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainConfigTest {
  @TempDir Path dir;

  private MainConfig load(String mainCf) throws IOException, ConfigException {
    Files.writeString(dir.resolve("main.cf"), mainCf);
    return MainConfig.load(dir);
  }

  @Test
  void load_continuationsAndComments_joinLogicalLines() throws Exception {
    MainConfig c = load("""
        # comment
        mydestination = a,
            b
          # indented comment inside the value

        \tc
        myhostname=mx.example.org
        """);
    assertThat(c.raw("mydestination")).isEqualTo("a,    b\tc");
    assertThat(c.getList("mydestination")).containsExactly("a", "b", "c");
    assertThat(c.get("myhostname")).isEqualTo("mx.example.org");
  }

  @Test
  void load_duplicateName_lastWinsWithWarning() throws Exception {
    MainConfig c = load("soft_bounce = yes\nsoft_bounce = no\n");
    assertThat(c.getBoolean("soft_bounce")).isFalse();
    assertThat(c.warnings()).anyMatch(w -> w.contains("line 2: overriding earlier entry"));
  }

  @Test
  void load_lineWithoutEquals_failsNamingFileAndLine() {
    assertThatThrownBy(() -> load("myhostname = a.example\nbroken line\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(dir.resolve("main.cf") + ", line 2: missing '='")
        .extracting(e -> ((ConfigException) e).line()).isEqualTo(2);
  }

  @Test
  void load_badName_fails() {
    assertThatThrownBy(() -> load("bad-name = x\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1: bad parameter name");
  }

  @Test
  void load_badTypedValues_failWithFileLineAndParameter() {
    assertThatThrownBy(() -> load("\nsmtpd_timeout = 5x\n")).isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("main.cf") + ", line 2: parameter smtpd_timeout: bad time value: \"5x\"");
    assertThatThrownBy(() -> load("soft_bounce = maybe\n"))
        .hasMessageContaining("line 1: parameter soft_bounce: bad boolean value");
    assertThatThrownBy(() -> load("smtpd_recipient_limit = -3\n"))
        .hasMessageContaining("parameter smtpd_recipient_limit: bad numerical value");
    assertThatThrownBy(() -> load("message_size_limit = 10M\n"))
        .hasMessageContaining("parameter message_size_limit: bad size value");
  }

  @Test
  void load_recursiveValue_fails() {
    assertThatThrownBy(() -> load("relayhost = $relay_domains\nrelay_domains = $relayhost\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("recursion");
  }

  @Test
  void getTime_suffixesAndDefaultUnit_areHonoured() throws Exception {
    MainConfig c = load("queue_run_delay = 2m\nmaximal_queue_lifetime = 3\nsmtp_helo_timeout = 1w\n");
    assertThat(c.getTime("queue_run_delay")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.getTime("maximal_queue_lifetime")).isEqualTo(Duration.ofDays(3));
    assertThat(c.getTime("smtp_helo_timeout")).isEqualTo(Duration.ofDays(7));
    assertThat(c.getTime("smtpd_timeout")).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void get_defaults_areExpanded() throws Exception {
    MainConfig c = load("myhostname = mx.example.org\ncompatibility_level = 3.11\n");
    assertThat(c.get("smtp_helo_name")).isEqualTo("mx.example.org");
    assertThat(c.get("mydomain")).isEqualTo("example.org");
    assertThat(c.get("smtp_tls_security_level")).isEqualTo("may");
    assertThat(c.get("smtpd_banner")).isEqualTo("mx.example.org ESMTP Postern");
    assertThat(c.get("syslog_name")).isEqualTo("postern");
    assertThat(c.get("config_directory")).isEqualTo(dir.toString());
    assertThat(c.get("mail_version")).isEqualTo(MainConfig.POSTERN_VERSION);
  }

  @Test
  void get_requireTlsPolicyWithNonAsciiDomain_usesALabel() throws Exception {
    MainConfig c = load("mydomain = bücher.example\n");
    assertThat(c.defaultText("smtp_requiretls_policy")).contains(
        "inline:{{${domain_to_ascii{$mydomain}}=opportunistic}, {.${domain_to_ascii{$mydomain}}"
            + "=opportunistic}, {localhost=opportunistic}}, cidr:{{0.0.0.0/0 opportunistic},"
            + " {::/0 opportunistic}}, enforce");
    assertThat(c.getList("smtp_requiretls_policy")).containsExactly(
        "inline:{{xn--bcher-kva.example=opportunistic}, {.xn--bcher-kva.example=opportunistic},"
            + " {localhost=opportunistic}}",
        "cidr:{{0.0.0.0/0 opportunistic}, {::/0 opportunistic}}", "enforce");
  }

  @Test
  void load_undefinedReference_warnsWithLine() throws Exception {
    MainConfig c = load("myorigin = $nowhere\n");
    assertThat(c.get("myorigin")).isEmpty();
    assertThat(c.warnings()).containsExactly(
        dir.resolve("main.cf") + ", line 1: parameter myorigin: undefined parameter: $nowhere");
  }

  @Test
  void load_unknownUnreferencedName_warnsUnused() throws Exception {
    MainConfig c = load("used_later = x\nmyorigin = $used_later\nstray = 1\n");
    assertThat(c.warnings()).containsExactly(dir.resolve("main.cf") + ", line 3: unused parameter: stray=1");
  }

  @Test
  void load_restrictionClass_isNotUnused() throws Exception {
    MainConfig c = load("smtpd_restriction_classes = greylist\n"
        + "greylist = check_policy_service inet:127.0.0.1:10023\nstray = 1\n");
    assertThat(c.warnings()).containsExactly(dir.resolve("main.cf") + ", line 3: unused parameter: stray=1");
  }

  @Test
  void load_nameUsedByMasterCfOverride_isNotUnused() throws Exception {
    Files.writeString(dir.resolve("master.cf"),
        "submission inet n - n - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n");
    MainConfig c = load("mua_client_restrictions = permit_sasl_authenticated, reject\n");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void withOverrides_layersValuesAndChecksTypes() throws Exception {
    MainConfig c = load("syslog_name = main\n");
    MainConfig view = c.withOverrides(Map.of("syslog_name", "$syslog_facility/sub"));
    assertThat(view.get("syslog_name")).isEqualTo("mail/sub");
    assertThat(c.get("syslog_name")).isEqualTo("main");
    assertThatThrownBy(() -> c.withOverrides(Map.of("smtpd_tls_wrappermode", "perhaps")))
        .hasMessageContaining("parameter smtpd_tls_wrappermode: bad boolean value");
  }

  @Test
  void withOverrides_masterService_setsServiceNameAndNamesMasterCfLine() throws Exception {
    Files.writeString(dir.resolve("master.cf"),
        "relay unix - - n - - smtp\n  -o syslog_name=postern/$service_name\n"
            + "bad unix - - n - - smtp -o smtp_helo_timeout=soon\n");
    MainConfig c = load("");
    MasterService relay = c.masterCf().find("relay", ServiceType.UNIX).orElseThrow();
    assertThat(c.withOverrides(relay).get("syslog_name")).isEqualTo("postern/relay");
    MasterService bad = c.masterCf().find("bad", ServiceType.UNIX).orElseThrow();
    assertThatThrownBy(() -> c.withOverrides(bad))
        .hasMessageContaining("master.cf, line 3: parameter smtp_helo_timeout: bad time value");
  }

  @Test
  void load_shippedConfiguration_hasNoWarnings() throws Exception {
    Path conf = Path.of("conf").toAbsolutePath();
    MainConfig c = MainConfig.load(conf);
    assertThat(c.warnings()).isEmpty();
    assertThat(c.get("inet_interfaces")).isEqualTo("127.0.0.1");
    assertThat(c.masterCf().find("127.0.0.1:2525", ServiceType.INET)).isPresent();
  }

  @Test
  void get_computedDefaults_sameAsComputedFromHost() throws Exception {
    MainConfig c = load("");

    String host = ComputedDefaults.myhostname();
    assertThat(c.get("myhostname")).isEqualTo(host);
    assertThat(c.get("mydomain")).isEqualTo(ComputedDefaults.mydomain(host));
    assertThat(c.get("mynetworks")).isEqualTo(ComputedDefaults.mynetworks("host"));
    assertThat(c.defaultText("mynetworks")).contains(ComputedDefaults.mynetworks("host"));
  }

  @Test
  void get_mynetworksStyleSet_computedWithThatStyle() throws Exception {
    MainConfig c = load("mynetworks_style = subnet\n");

    assertThat(c.get("mynetworks")).isEqualTo(ComputedDefaults.mynetworks("subnet"));
  }

  @Test
  void get_myhostnameFromMydomain_mydomainDefaultEndsWithoutRecursion() throws Exception {
    MainConfig c = load("myhostname = $mydomain\nmynetworks_style = $mydomain\n");

    assertThat(c.get("mydomain")).isEqualTo("localdomain");
    assertThat(c.get("myhostname")).isEqualTo("localdomain");
    assertThat(c.get("mynetworks")).isEqualTo(ComputedDefaults.mynetworks("localdomain"));
  }

  @Test
  void get_computedDefaultsInOverlay_followOverrides() throws Exception {
    MainConfig c = load("").withOverrides(Map.of("myhostname", "mx.example.org"));

    assertThat(c.get("mydomain")).isEqualTo("example.org");
  }

  @Test
  void loadNames_goodConfiguration_sameValuesAsFullLoad() throws Exception {
    Files.writeString(dir.resolve("main.cf"),
        "queue_directory = /var/spool/x\nmessage_size_limit = 1000\nrelayhost = $mydomain\n");
    MainConfig full = MainConfig.load(dir);
    MainConfig some = MainConfig.load(dir, List.of("queue_directory", "message_size_limit"));

    assertThat(some.names()).isEqualTo(full.names());
    for (String name : full.names()) {
      assertThat(some.get(name)).as(name).isEqualTo(full.get(name));
      assertThat(some.defaultText(name)).as(name).isEqualTo(full.defaultText(name));
    }
  }

  @Test
  void loadNames_badCheckedValue_failsWithFileLineAndParameter() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "\nmessage_size_limit = 10M\n");

    assertThatThrownBy(() -> MainConfig.load(dir, Set.of("message_size_limit")))
        .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("main.cf")
            + ", line 2: parameter message_size_limit: bad size value: \"10M\"");
  }

  @Test
  void loadNames_badUncheckedValue_failsWhenRead() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "smtpd_timeout = 5x\n");

    MainConfig c = MainConfig.load(dir, Set.of("queue_directory"));

    assertThat(c.get("queue_directory")).isNotEmpty();
    assertThatThrownBy(() -> c.getTime("smtpd_timeout")).isInstanceOf(IllegalStateException.class)
        .hasMessage(dir.resolve("main.cf") + ", line 1: parameter smtpd_timeout: bad time value: \"5x\"");
  }

  @Test
  void loadNames_syntaxErrorElsewhere_stillFails() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "queue_directory = /x\nnot a line\n");

    assertThatThrownBy(() -> MainConfig.load(dir, Set.of("queue_directory")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 2: missing '='");
  }
}
