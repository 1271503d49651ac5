package org.postern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.metrics.SmtpdMetricsTest.delta;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.tlsrpt.AppliedPolicy;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;
import org.postern.tlsrpt.SessionRecorder;

class TlsPolicyMetricsTest {
  @Test
  void counting_sessions_countedByPolicyAndResult_andPassedOn() throws IOException {
    List<SessionRecord> journal = new ArrayList<>();
    SessionRecorder recorder = TlsPolicyMetrics.counting(journal::add);
    AppliedPolicy sts = new AppliedPolicy(PolicyType.STS, "sts.test", List.of("mode: enforce"),
        List.of("mx.sts.test"));
    AppliedPolicy tlsa = new AppliedPolicy(PolicyType.TLSA, "dane.test", List.of(),
        List.of("mx.dane.test"));
    PrometheusText before = PrometheusText.scrape();

    SessionRecord ok = SessionRecord.success(Instant.EPOCH, sts, "mx.sts.test", "192.0.2.1");
    SessionRecord bad = SessionRecord.failure(Instant.EPOCH, tlsa, ResultType.TLSA_INVALID,
        "mx.dane.test", "192.0.2.2", "no TLSA record matched");
    recorder.record(ok);
    recorder.record(bad);

    PrometheusText after = PrometheusText.scrape();
    assertThat(delta(before, after, "postern_tls_policy_sessions_total",
        "policy", "sts", "result", "success")).isEqualTo(1);
    assertThat(delta(before, after, "postern_tls_policy_sessions_total",
        "policy", "tlsa", "result", "tlsa-invalid")).isEqualTo(1);
    assertThat(journal).containsExactly(ok, bad);
  }
}
