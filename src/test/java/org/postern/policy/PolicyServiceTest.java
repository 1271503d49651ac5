package org.postern.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyServiceTest {
  private static final Path QUEUE = Path.of("/var/spool/postfix");
  private static final PolicyService.Defaults DEFAULTS = new PolicyService.Defaults(
      Duration.ofSeconds(100), Duration.ofSeconds(300), Duration.ofSeconds(1000), 0, 2,
      Duration.ofSeconds(1), "451 4.3.5 Server configuration problem", "");

  @Test
  void parse_inet_takesMainCfDefaults() {
    PolicyService s = PolicyService.parse("inet:127.0.0.1:9998", DEFAULTS, QUEUE);
    assertThat(s.name()).isEqualTo("inet:127.0.0.1:9998");
    assertThat(s.endpoint()).isEqualTo("127.0.0.1:9998");
    assertThat(s.address()).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 9998));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(100));
    assertThat(s.tryLimit()).isEqualTo(2);
    assertThat(s.defaultAction()).isEqualTo("451 4.3.5 Server configuration problem");
  }

  @Test
  void parse_inetIpv6InBrackets() {
    PolicyService s = PolicyService.parse("inet:[::1]:10023", DEFAULTS, QUEUE);
    assertThat(s.address()).isEqualTo(InetSocketAddress.createUnresolved("::1", 10023));
  }

  @Test
  void parse_unixRelative_isUnderQueueDirectory_localIsASynonym() {
    assertThat(PolicyService.parse("unix:private/policy", DEFAULTS, QUEUE).address())
        .isEqualTo(UnixDomainSocketAddress.of("/var/spool/postfix/private/policy"));
    assertThat(PolicyService.parse("local:/run/policy.sock", DEFAULTS, QUEUE).address())
        .isEqualTo(UnixDomainSocketAddress.of("/run/policy.sock"));
    assertThat(PolicyService.parse("unix:private/policy", DEFAULTS, QUEUE).endpoint())
        .isEqualTo("private/policy");
  }

  @Test
  void parse_bracedList_overridesEachSetting() {
    PolicyService s = PolicyService.parse(
        "{ inet:127.0.0.1:9998, timeout=10s, default_action=DUNNO, policy_context=submission,"
            + " max_idle=20, max_ttl=1m, try_limit=3, retry_delay=2s, request_limit=5 }",
        DEFAULTS, QUEUE);
    assertThat(s.endpoint()).isEqualTo("127.0.0.1:9998");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxIdle()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.maxTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.tryLimit()).isEqualTo(3);
    assertThat(s.retryDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.requestLimit()).isEqualTo(5);
    assertThat(s.defaultAction()).isEqualTo("DUNNO");
    assertThat(s.policyContext()).isEqualTo("submission");
  }

  @Test
  void parse_bracedSetting_keepsSpacesInTheValue() {
    PolicyService s = PolicyService.parse(
        "{ inet:host:10031, { default_action = 451 4.3.5 See https://www.example.com/support1 } }",
        DEFAULTS, QUEUE);
    assertThat(s.defaultAction()).isEqualTo("451 4.3.5 See https://www.example.com/support1");
  }

  @Test
  void parse_errors_inPostfixWords() {
    assertThatThrownBy(() -> PolicyService.parse("127.0.0.1", DEFAULTS, QUEUE))
        .hasMessage("need service transport:endpoint instead of \"127.0.0.1\"");
    assertThatThrownBy(() -> PolicyService.parse("tcp:127.0.0.1:1", DEFAULTS, QUEUE))
        .hasMessage("invalid transport name: tcp in service: tcp:127.0.0.1:1");
    assertThatThrownBy(() -> PolicyService.parse("{ inet:h:1, colour=red }", DEFAULTS, QUEUE))
        .hasMessage("unknown option: \"colour = red\"");
    assertThatThrownBy(() -> PolicyService.parse("{ inet:h:1, timeout }", DEFAULTS, QUEUE))
        .hasMessageStartingWith("malformed option: missing '=' after attribute name");
    assertThatThrownBy(() -> PolicyService.parse("{ inet:h:1, timeout=soon }", DEFAULTS, QUEUE))
        .hasMessage("timeout: bad time value or unit: soon");
    assertThatThrownBy(() -> PolicyService.parse("{ inet:h:1, try_limit=0 }", DEFAULTS, QUEUE))
        .hasMessage("invalid try_limit parameter value 0 < 1");
    assertThatThrownBy(() -> PolicyService.parse("{ }", DEFAULTS, QUEUE))
        .hasMessage("empty policy service: \"{ }\"");
    assertThatThrownBy(() -> PolicyService.parse("inet:host", DEFAULTS, QUEUE))
        .hasMessage("bad inet: endpoint \"inet:host\": need host:port");
  }

  @Test
  void defaults_outOfRange_refusedWithTheParameterName() {
    assertThatThrownBy(() -> new PolicyService.Defaults(Duration.ZERO, Duration.ofSeconds(1),
        Duration.ofSeconds(1), 0, 1, Duration.ofSeconds(1), "DUNNO", ""))
        .hasMessage("invalid smtpd_policy_service_timeout: 0 (min 1)");
    assertThatThrownBy(() -> new PolicyService.Defaults(Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), -1, 1, Duration.ofSeconds(1), "DUNNO", ""))
        .hasMessage("invalid smtpd_policy_service_request_limit parameter value -1 < 0");
  }
}
