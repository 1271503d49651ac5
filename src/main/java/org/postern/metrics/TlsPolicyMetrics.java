package org.postern.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;
import org.postern.tlsrpt.SessionRecorder;

/**
 * DANE and MTA-STS outcomes of the SMTP client: every session that TLS reporting (RFC 8460)
 * counts, by the policy it was held to ({@code tlsa}, {@code sts}, {@code no-policy-found}) and
 * its result ({@code success} or the RFC 8460 result type, {@code certificate-host-mismatch},
 * {@code starttls-not-supported}, ...). Counted whether or not {@code postern_tlsrpt_enable}
 * keeps a journal.
 *
 * <p>Exported as {@code postern_tls_policy_sessions_total{policy,result}}.
 *
 * <p>Failure: none; the recorder wrapped keeps its own failure handling.
 */
public final class TlsPolicyMetrics {
  private static final Counter SESSIONS = Counter.builder()
      .name("postern_tls_policy_sessions")
      .help("SMTP client sessions by DANE/MTA-STS policy type and RFC 8460 result")
      .labelNames("policy", "result")
      .register(PosternMetrics.REGISTRY);

  private TlsPolicyMetrics() {}

  /** {@code recorder}, with each session also counted here. */
  public static SessionRecorder counting(SessionRecorder recorder) {
    return new SessionRecorder() {
      @Override
      public void record(SessionRecord r) {
        SESSIONS.labelValues(r.policy().type().spelling(),
            r.failure().map(ResultType::spelling).orElse("success")).inc();
        recorder.record(r);
      }

      @Override
      public void close() {
        recorder.close();
      }
    };
  }
}
