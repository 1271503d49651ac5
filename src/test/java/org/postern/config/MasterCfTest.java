package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterCfTest {
  @TempDir Path dir;

  private MasterCf read(String text) throws Exception {
    Path file = dir.resolve("master.cf");
    Files.writeString(file, text);
    return MasterCf.read(file, new ArrayList<>());
  }

  @Test
  void read_entryWithOverrides_parsesFieldsAndOptions() throws Exception {
    MasterCf m = read("""
        # service type private unpriv chroot wakeup maxproc command
        submission inet n - n - 20 smtpd
          # a comment between continuation lines
          -o syslog_name=postfix/submission
          -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }
          -v
        pickup unix n - n 60? 1 pickup
        """);
    MasterService s = m.services().get(0);
    assertThat(s.name()).isEqualTo("submission/inet");
    assertThat(s.line()).isEqualTo(2);
    assertThat(s.isPrivate()).isFalse();
    assertThat(s.isUnprivileged()).isTrue();
    assertThat(s.isChroot()).isFalse();
    assertThat(s.maxproc(100)).isEqualTo(20);
    assertThat(s.command()).isEqualTo("smtpd");
    assertThat(s.arguments()).containsExactly("-v");
    assertThat(s.overrides()).containsExactly(
        java.util.Map.entry("syslog_name", "postfix/submission"),
        java.util.Map.entry("smtpd_client_restrictions", "permit_sasl_authenticated, reject"));
    MasterService p = m.find("pickup", ServiceType.UNIX).orElseThrow();
    assertThat(p.wakeupSeconds()).isEqualTo(60);
    assertThat(p.wakeupOnlyIfUsed()).isTrue();
  }

  @Test
  void maxproc_dash_meansDefaultProcessLimit() throws Exception {
    MasterService s = read("smtp unix - - n - - smtp\n").services().get(0);
    assertThat(s.maxproc(100)).isEqualTo(100);
    assertThat(s.isPrivate()).isTrue();
  }

  @Test
  void read_errors_nameFileAndLine() {
    assertThatThrownBy(() -> read("\nsmtp inet n - n -\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("master.cf, line 2: field count");
    assertThatThrownBy(() -> read("smtp tcp n - n - - smtpd\n"))
        .hasMessageContaining("line 1: unknown service type: \"tcp\"");
    assertThatThrownBy(() -> read("smtp inet x - n - - smtpd\n"))
        .hasMessageContaining("line 1: bad private field");
    assertThatThrownBy(() -> read("smtp inet n - n - many smtpd\n"))
        .hasMessageContaining("bad maxproc field");
    assertThatThrownBy(() -> read("smtp inet n - n - - smtpd -o novalue\n"))
        .hasMessageContaining("-o: expected name=value");
    assertThatThrownBy(() -> read("smtp inet n - n - - smtpd\nsmtp inet n - n - - smtpd\n"))
        .hasMessageContaining("line 2: duplicate service definition: smtp/inet");
  }
}
