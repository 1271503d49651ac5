package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SmtpdMetricsTest {
  @Test
  void codeClass_replyCodes_byHundreds() {
    assertThat(SmtpdMetrics.codeClass(220)).isEqualTo("2xx");
    assertThat(SmtpdMetrics.codeClass(354)).isEqualTo("3xx");
    assertThat(SmtpdMetrics.codeClass(421)).isEqualTo("4xx");
    assertThat(SmtpdMetrics.codeClass(554)).isEqualTo("5xx");
    assertThat(SmtpdMetrics.codeClass(600)).isEqualTo("other");
    assertThat(SmtpdMetrics.codeClass(199)).isEqualTo("other");
  }

  @Test
  void facts_counted_inRegistry() throws IOException {
    PrometheusText before = PrometheusText.scrape();

    SmtpdMetrics.connection();
    SmtpdMetrics.command("ehlo");
    SmtpdMetrics.reply(250);
    SmtpdMetrics.reply(550);
    SmtpdMetrics.received(2000);

    PrometheusText after = PrometheusText.scrape();
    assertThat(delta(before, after, "postern_smtpd_connections_total")).isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_commands_total", "command", "ehlo")).isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_replies_total", "class", "2xx")).isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_replies_total", "class", "5xx")).isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_message_size_bytes_count")).isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_message_size_bytes_sum")).isEqualTo(2000);
    assertThat(delta(before, after, "postern_smtpd_message_size_bytes_bucket", "le", "4096.0"))
        .isEqualTo(1);
    assertThat(delta(before, after, "postern_smtpd_message_size_bytes_bucket", "le", "1024.0"))
        .isEqualTo(0);
  }

  static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.count(name, labels) - before.count(name, labels);
  }
}
