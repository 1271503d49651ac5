package org.postern.smtp;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.mtasts.ActivePolicy;
import org.postern.mtasts.MtaStsPolicy.Mode;
import org.postern.smtp.TlsPolicyLookup.Decision;
import org.postern.tls.ExternalPolicy;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tlsrpt.AppliedPolicy;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;
import org.postern.tlsrpt.SessionRecorder;

/**
 * Counts the SMTP client's sessions for TLS reporting ({@code postern_tlsrpt_enable},
 * org.postern.tlsrpt), as Postfix's smtp_tlsrpt does for its reporting library: each session with
 * a server once, under the policy that held it (usable TLSA records, else the MTA-STS policy,
 * else {@code no-policy-found} for the next-hop domain; see {@link TlsPolicyLookup.Decision}), as
 * a success or with its RFC 8460 result type.
 *
 * <ul>
 *   <li>{@link #opened}: a session that came out of the handshake; under MTA-STS {@code testing}
 *       a failure when {@code enforce} would have refused it ({@link #testingReport}).
 *   <li>{@link #failed}: a session that TLS failed: no STARTTLS, a failed handshake, or a
 *       certificate the level refused, told apart from the refused chain (DANE: {@code
 *       tlsa-invalid}; else {@code certificate-expired}, {@code certificate-not-trusted}, {@code
 *       certificate-host-mismatch}, {@code validation-failure}). Postfix 3.12 tells them apart
 *       the same way (not matched: trusted is a host mismatch, else not trusted; expired is
 *       expired), except that it reports a chain whose issuer is unknown as {@code
 *       validation-failure} with OpenSSL's reason; Postern, as RFC 8460 section 4.3.2.2 reads,
 *       as {@code certificate-not-trusted}. Failures that are not about TLS are not counted.
 *   <li>{@link #refused}: a server not connected to because discovery failed: a TLSA lookup
 *       error ({@code dnssec-invalid}), under {@code dane-only} no TLSA records or none usable
 *       ({@code dane-required}, {@code tlsa-invalid}), an MX host an enforced MTA-STS policy does
 *       not list ({@code validation-failure}).
 * </ul>
 *
 * <p>At level {@code dane}, TLSA records none of which is usable count the session, which goes
 * ahead at {@code encrypt}, as {@code tlsa-invalid}. A domain whose MTA-STS policy could not be
 * had counts every session as that policy failure ({@code sts-policy-fetch-error}, {@code
 * sts-policy-invalid}, {@code sts-webpki-invalid}) under an {@code sts} policy without policy
 * strings. Failure records carry the local address and the
 * server's EHLO name ({@link SessionTrace}).
 *
 * <p>Failure: recording never fails a delivery; the recorder reports its own problems.
 */
final class TlsRptSessions implements AutoCloseable {
  /**
   * Why a session failed its policy (under MTA-STS {@code testing}: why {@code enforce} would
   * have refused it), as logged and as reported.
   */
  record Refusal(ResultType type, String text) {}

  private final SessionRecorder recorder;
  private final ServerCertificateCheck certificates;
  private final Clock clock;

  TlsRptSessions(SessionRecorder recorder, ServerCertificateCheck certificates, Clock clock) {
    this.recorder = recorder;
    this.certificates = certificates;
    this.clock = clock;
  }

  /**
   * Under MTA-STS {@code testing}: why {@code enforce} would have refused {@code session} (an MX
   * host the policy does not list, no TLS, a certificate expired, not trusted or not valid for the
   * MX host), or empty when it would not have, or no testing policy applies.
   */
  Optional<Refusal> testingReport(Decision decision, SmtpSession session) {
    Optional<ActivePolicy> sts = decision.in(Mode.TESTING);
    if (sts.isEmpty()) {
      return Optional.empty();
    }
    String host = session.server().hostname();
    if (!sts.get().policy().allowsMx(host)) {
      return Optional.of(new Refusal(ResultType.VALIDATION_FAILURE,
          "MX host " + host + " is not listed in the policy"));
    }
    if (!session.connection().tlsActive()) {
      return Optional.of(new Refusal(ResultType.STARTTLS_NOT_SUPPORTED,
          "no TLS with " + session.server()));
    }
    List<X509Certificate> chain = session.connection().peerChain();
    return certificateProblem(chain, host).map(type -> new Refusal(type,
        "server certificate not verified for " + session.server()));
  }

  /**
   * What is wrong with {@code chain} for a PKIX check with {@code host}, checked in this order:
   * none sent (not trusted), expired or not yet valid, not trusted, trusted but not valid for
   * {@code host}; empty when nothing is.
   */
  private Optional<ResultType> certificateProblem(List<X509Certificate> chain, String host) {
    if (chain.isEmpty()) {
      return Optional.of(ResultType.CERTIFICATE_NOT_TRUSTED);
    }
    try {
      chain.getFirst().checkValidity(java.util.Date.from(clock.instant()));
    } catch (CertificateException e) {
      return Optional.of(ResultType.CERTIFICATE_EXPIRED);
    }
    if (!certificates.trusted(chain)) {
      return Optional.of(ResultType.CERTIFICATE_NOT_TRUSTED);
    }
    if (!ServerCertificateCheck.nameMatches(chain.getFirst(), List.of(host))) {
      return Optional.of(ResultType.CERTIFICATE_HOST_MISMATCH);
    }
    return Optional.empty();
  }

  /**
   * A session opened with {@code server} under {@code tls}: counted for TLS reporting (under
   * {@code testing}, what {@code enforce} would have refused counts as a failure); returns that
   * refusal's text for the log.
   */
  Optional<String> opened(Decision decision, Destination d, ServerTls tls, SmtpSession session,
      SessionTrace trace) {
    Optional<Refusal> refusal = testingReport(decision, session);
    Server server = session.server();
    Optional<Refusal> counted = policyFailure(decision, tls, server).or(() -> refusal);
    reportPolicy(decision, d, tls, server).ifPresent(p -> recorder.record(counted
        .map(r -> SessionRecord.failure(clock.instant(), p, r.type(), server.hostname(),
            ip(server), r.text()).withConnection(trace.sendingIp(), trace.ehloName()))
        .orElseGet(() -> SessionRecord.success(clock.instant(), p, server.hostname(),
            ip(server)))));
    return refusal.map(Refusal::text);
  }

  /**
   * A session with {@code server} under {@code tls} that failed: counted when TLS failed it, as
   * the policy failure when the domain's MTA-STS policy could not be had.
   */
  void failed(Decision decision, Destination d, ServerTls tls, Server server, SessionFailure f,
      SessionTrace trace) {
    Optional<Refusal> refusal = trace.rejectedChain()
        .map(chain -> certificateRefusal(chain, tls, server))
        .or(() -> resultType(f, tls));
    if (refusal.isPresent()) {
      Refusal counted = policyFailure(decision, tls, server).orElse(refusal.get());
      reportPolicy(decision, d, tls, server).ifPresent(p -> recorder.record(
          SessionRecord.failure(clock.instant(), p, counted.type(), server.hostname(),
              ip(server), counted.text()).withConnection(trace.sendingIp(), trace.ehloName())));
    }
  }

  /**
   * Why the certificate check of the level refused {@code chain}: for DANE, no TLSA record
   * matched; a policy plugin's {@code policy_failure}, which failed the check whatever the chain
   * (Postfix 3.12 reports it so too); else what a PKIX check with the MX host name finds wrong
   * ({@link #certificateProblem}), where a chain that passes it failed another match ({@code
   * match=nexthop}, a fingerprint) and is a {@code validation-failure}.
   */
  private Refusal certificateRefusal(List<X509Certificate> chain, ServerTls tls, Server server) {
    if (tls.dane()) {
      return new Refusal(ResultType.TLSA_INVALID, "certificate matches no TLSA record");
    }
    Optional<ResultType> forced = tls.policy().external().flatMap(ExternalPolicy::failure)
        .flatMap(ResultType::parse);
    if (forced.isPresent()) {
      return new Refusal(forced.get(), "external policy failure");
    }
    ResultType type = certificateProblem(chain, server.hostname())
        .orElse(ResultType.VALIDATION_FAILURE);
    return new Refusal(type, switch (type) {
      case CERTIFICATE_EXPIRED -> "server certificate expired or not yet valid";
      case CERTIFICATE_NOT_TRUSTED -> "server certificate not trusted";
      case CERTIFICATE_HOST_MISMATCH -> "server certificate not valid for " + server.hostname();
      default -> "server certificate not verified";
    });
  }

  /**
   * The policy failure a session counts as whatever became of it: at level {@code dane}, TLSA
   * records none of which is usable ({@code tlsa-invalid}, as Postfix 3.12 reports before it
   * falls back to {@code encrypt}); else, unless DANE holds the session to TLSA records (DANE
   * wins, RFC 8461 section 2), an MTA-STS policy the domain announces that could not be had.
   */
  private static Optional<Refusal> policyFailure(
      Decision decision, ServerTls tls, Server server) {
    if (unusableTlsa(tls, server)) {
      return Optional.of(new Refusal(ResultType.TLSA_INVALID, "TLSA records unusable"));
    }
    if (tls.dane()) {
      return Optional.empty();
    }
    return decision.stsFailure().map(f -> new Refusal(switch (f.kind()) {
      case FETCH_ERROR -> ResultType.STS_POLICY_FETCH_ERROR;
      case POLICY_INVALID -> ResultType.STS_POLICY_INVALID;
      case WEBPKI_INVALID -> ResultType.STS_WEBPKI_INVALID;
    }, f.text()));
  }

  /**
   * A server not connected to: counted for an MX host an enforced MTA-STS policy does not list
   * ({@code validation-failure}), for a TLSA lookup that failed ({@code dnssec-invalid}), and,
   * under {@code dane-only}, for an MX host without DNSSEC-validated TLSA records ({@code
   * dane-required}) or with none usable ({@code tlsa-invalid}).
   */
  void refused(Decision decision, Destination d, Server server, DanePolicy.Unavailable u) {
    Optional<ActivePolicy> sts = decision.in(Mode.ENFORCE);
    Instant now = clock.instant();
    Optional<ResultType> dane = daneDiscovery(decision, u.text());
    if (dane.isPresent()) {
      recorder.record(SessionRecord.failure(now, new AppliedPolicy(PolicyType.TLSA, d.host(),
          List.of(), List.of(server.hostname())), dane.get(), server.hostname(),
          ip(server), u.text()));
    } else if (sts.isPresent() && !sts.get().policy().allowsMx(server.hostname())) {
      recorder.record(SessionRecord.failure(now, stsPolicy(sts.get()),
          ResultType.VALIDATION_FAILURE, server.hostname(), ip(server),
          "MX host " + server.hostname() + " is not listed in the policy"));
    }
  }

  /**
   * The DANE discovery failure behind a server {@link DanePolicy} refused, from its text: a TLSA
   * lookup error at either DANE level; under {@code dane-only}, no DNSSEC on the way to TLSA
   * records or none found ({@code dane-required}), or none usable ({@code tlsa-invalid}).
   */
  private static Optional<ResultType> daneDiscovery(Decision decision, String text) {
    if (text.startsWith("TLSA lookup error")) {
      return Optional.of(ResultType.DNSSEC_INVALID);
    }
    if (decision.policy().level() != TlsSecurityLevel.DANE_ONLY) {
      return Optional.empty();
    }
    return switch (text) {
      case "non DNSSEC destination", "no TLSA records found" ->
          Optional.of(ResultType.DANE_REQUIRED);
      case "TLSA records unusable" -> Optional.of(ResultType.TLSA_INVALID);
      default -> Optional.empty();
    };
  }

  /**
   * The RFC 8460 result type of a failed session from its text, when TLS failed it and the
   * certificate check did not (see {@link #failed}): no STARTTLS where the policy required it, a
   * failed handshake, a certificate that did not verify.
   */
  // Visible for testing
  static Optional<Refusal> resultType(SessionFailure f, ServerTls tls) {
    String text = f.text();
    if (text.startsWith("TLS is required, but was not offered")
        || text.startsWith("TLS is required, but host ")) {
      return Optional.of(new Refusal(ResultType.STARTTLS_NOT_SUPPORTED, "STARTTLS not offered"
          + (text.contains("refused to start TLS") ? ": refused" : "")));
    }
    if (text.startsWith("Server certificate not verified")) {
      return Optional.of(tls.dane()
          ? new Refusal(ResultType.TLSA_INVALID, "certificate matches no TLSA record")
          : new Refusal(ResultType.VALIDATION_FAILURE, "server certificate not verified"));
    }
    if (text.startsWith("Cannot start TLS: handshake failure")) {
      return Optional.of(new Refusal(ResultType.VALIDATION_FAILURE, "TLS handshake failure"));
    }
    return Optional.empty();
  }

  /**
   * DANE first: usable TLSA records; else an MTA-STS policy in force; else {@code
   * no-policy-found}, whose policy-domain is the TLSRPT policy domain (Postfix's workaround of
   * 20240924), with neither policy strings nor MX hosts.
   */
  private static Optional<AppliedPolicy> reportPolicy(
      Decision decision, Destination d, ServerTls tls, Server server) {
    if (unusableTlsa(tls, server)) {
      return Optional.of(new AppliedPolicy(PolicyType.TLSA, d.host(), List.of(),
          List.of(server.hostname())));
    }
    if (tls.dane()) {
      return Optional.of(new AppliedPolicy(PolicyType.TLSA, d.host(),
          tls.tlsa().stream().map(Object::toString).toList(), List.of(server.hostname())));
    }
    if (decision.mtaSts().isPresent()) {
      return decision.mtaSts().map(TlsRptSessions::stsPolicy);
    }
    if (decision.stsFailure().isPresent()) {
      // No policy text to report: the policy is the one the domain announced and did not serve.
      return Optional.of(new AppliedPolicy(PolicyType.STS,
          decision.noPolicyDomain().orElse(d.host()), List.of(), List.of()));
    }
    Optional<ExternalPolicy> plugin =
        decision.policy().external().filter(ExternalPolicy::sts);
    if (plugin.isPresent()) {
      return Optional.of(new AppliedPolicy(PolicyType.STS, plugin.get().domain()
          .or(decision::noPolicyDomain).orElse(d.host()), plugin.get().strings(),
          plugin.get().mxHostPatterns()));
    }
    return decision.noPolicyDomain().map(
        domain -> new AppliedPolicy(PolicyType.NO_POLICY_FOUND, domain, List.of(), List.of()));
  }

  /**
   * Level {@code dane} that {@link DanePolicy} settled as {@code encrypt} for a server whose MX
   * answer was signed: it found TLSA records and none was usable (an unsigned MX answer is the
   * other way to {@code encrypt}, under {@code smtp_tls_dane_insecure_mx_policy = encrypt}).
   */
  private static boolean unusableTlsa(ServerTls tls, Server server) {
    return tls.policy().level() == TlsSecurityLevel.DANE
        && tls.effective() == TlsSecurityLevel.ENCRYPT && server.mxSecure();
  }

  private static AppliedPolicy stsPolicy(ActivePolicy p) {
    List<String> lines = p.text().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return new AppliedPolicy(PolicyType.STS, p.domain(), lines, p.policy().mx());
  }

  private static String ip(Server server) {
    return server.address().map(java.net.InetAddress::getHostAddress).orElse("");
  }

  @Override
  public void close() {
    recorder.close();
  }
}
