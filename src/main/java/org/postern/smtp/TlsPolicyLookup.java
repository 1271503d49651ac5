package org.postern.smtp;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.dns.Resolver;
import org.postern.mtasts.ActivePolicy;
import org.postern.mtasts.MtaStsLookup;
import org.postern.mtasts.MtaStsPolicy.Mode;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.ExternalPolicy;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tlsrpt.AppliedPolicy;
import org.postern.tlsrpt.PolicyType;
import org.postern.tlsrpt.ResultType;
import org.postern.tlsrpt.SessionRecord;
import org.postern.tlsrpt.SessionRecorder;

/**
 * The TLS policy for a next hop: {@code smtp_tls_policy_maps} (the next hop as written, then for
 * an MX domain and fixed-string tables its parent domains with a leading dot), else, for an MX
 * domain and with {@code postern_mta_sts_enable}, the domain's MTA-STS policy (org.postern.mtasts),
 * else {@code smtp_tls_security_level} (empty means {@code none}).
 *
 * <p>MTA-STS {@code enforce} gives {@code secure match=hostname servername=hostname} and, per
 * server, skips MX hosts the policy does not list; under {@code dane} or {@code dane-only} it
 * leaves the level alone and applies only to servers without usable TLSA records (RFC 8461
 * section 2). {@code testing} leaves the level alone; {@link #testingReport} says what {@code
 * enforce} would have refused.
 *
 * <p>TLS reporting ({@code postern_tlsrpt_enable}, org.postern.tlsrpt): each session with a server
 * held to usable TLSA records or to an MTA-STS {@code enforce} or {@code testing} policy is
 * counted once, as a success or with its RFC 8460 result type ({@link #opened}, {@link #failed},
 * {@link #refused}); any other session is counted as {@code no-policy-found} for the next-hop
 * domain (see {@link Decision}). Failures that are not about TLS (no connection, a refused
 * greeting) are not counted.
 *
 * <p>The {@code fingerprint} level takes its fingerprints from {@code match=}, else from {@code
 * smtp_tls_fingerprint_cert_match} (split on whitespace and commas), as Postfix does.
 *
 * <p>Failure: a table that cannot answer, or an answer that is not a valid policy, throws {@link
 * TlsConfigException} naming the table; a {@code fingerprint} level without any valid
 * fingerprint is logged as Postfix logs it and throws ({@code client TLS configuration
 * problem}); the delivery defers. MTA-STS failures never throw (see
 * org.postern.mtasts).
 */
final class TlsPolicyLookup implements AutoCloseable {
  /** What MTA-STS {@code enforce} asks of a server: a trusted certificate valid for its name. */
  static final ClientTlsPolicy MTA_STS_SECURE = new ClientTlsPolicy(
      TlsSecurityLevel.SECURE, List.of("hostname"), Map.of("servername", "hostname"));

  /**
   * A next hop's policy, the MTA-STS policy ({@code enforce} or {@code testing}) behind it, and
   * the TLSRPT policy domain that a session without a DANE or MTA-STS policy is counted for as
   * {@code no-policy-found}: empty, as in Postfix 3.12, under {@code TLS-Required: no}, with
   * {@code smtp_tls_security_level = none}, and for an address next hop.
   */
  record Decision(ClientTlsPolicy policy, Optional<ActivePolicy> mtaSts,
      Optional<String> noPolicyDomain) {
    private Optional<ActivePolicy> in(Mode mode) {
      return mtaSts.filter(p -> p.policy().mode() == mode);
    }
  }

  private final String defaultLevel;
  private final List<LookupTable> maps;
  private final String parameter;
  private final Optional<MtaStsLookup> mtaSts;
  private final ServerCertificateCheck certificates;
  private final Fingerprints fingerprints;
  private final SessionRecorder recorder;
  private final Clock clock;
  private final boolean enforceStsMxPatterns;

  /** Why MTA-STS {@code enforce} would refuse a session, as logged and as reported. */
  record Refusal(ResultType type, String text) {}

  /**
   * The main.cf fingerprints of the {@code fingerprint} level ({@code
   * smtp_tls_fingerprint_cert_match}), used when a policy has no {@code match=}; malformed values
   * are reported to {@code warnings} and skipped, as Postfix does.
   */
  record Fingerprints(String parameter, List<String> values, Consumer<String> warnings) {
    Fingerprints {
      values = List.copyOf(values);
    }
  }

  TlsPolicyLookup(String defaultLevel, List<LookupTable> maps, String parameter,
      Optional<MtaStsLookup> mtaSts, ServerCertificateCheck certificates,
      Fingerprints fingerprints, boolean enforceStsMxPatterns) {
    this(defaultLevel, maps, parameter, mtaSts, certificates, fingerprints, enforceStsMxPatterns,
        SessionRecorder.NONE, Clock.systemUTC());
  }

  TlsPolicyLookup(String defaultLevel, List<LookupTable> maps, String parameter,
      Optional<MtaStsLookup> mtaSts, ServerCertificateCheck certificates,
      Fingerprints fingerprints, boolean enforceStsMxPatterns, SessionRecorder recorder,
      Clock clock) {
    this.enforceStsMxPatterns = enforceStsMxPatterns;
    this.defaultLevel = defaultLevel;
    this.maps = maps;
    this.parameter = parameter;
    this.mtaSts = mtaSts;
    this.certificates = certificates;
    this.fingerprints = fingerprints;
    this.recorder = recorder;
    this.clock = clock;
  }

  /** The lookup {@code s} describes, MTA-STS included when enabled. */
  static TlsPolicyLookup create(SmtpSettings s, List<LookupTable> maps, Resolver resolver,
      Clock clock, Consumer<String> warnings, ServerCertificateCheck certificates,
      SessionRecorder recorder) throws TlsConfigException {
    Optional<MtaStsLookup> mtaSts = Optional.empty();
    if (s.mtaSts().enable()) {
      mtaSts = Optional.of(
          MtaStsLookup.create(s.mtaStsLookup(), certificates, resolver, clock, warnings));
    }
    return new TlsPolicyLookup(s.tlsSecurityLevel(), maps,
        s.protocol().parameter("tls_security_level"), mtaSts, certificates,
        fingerprints(s, warnings), s.enforceStsMxPatterns(), recorder, clock);
  }

  static Fingerprints fingerprints(SmtpSettings s, Consumer<String> warnings) {
    return new Fingerprints(s.protocol().parameter("tls_fingerprint_cert_match"),
        s.fingerprintCertMatch(), warnings);
  }

  Decision policy(Destination d) throws TlsConfigException {
    for (LookupTable t : maps) {
      String key = d.nexthop().strip().toLowerCase(Locale.ROOT);
      Optional<String> found = find(t, key);
      if (found.isEmpty() && d.mxLookup() && t.matchStyle() == LookupTable.MatchStyle.FIXED) {
        String host = d.host().toLowerCase(Locale.ROOT);
        for (int dot = host.indexOf('.'); dot > 0 && found.isEmpty();
            dot = host.indexOf('.', dot + 1)) {
          found = find(t, host.substring(dot));
        }
      }
      if (found.isPresent()) {
        ClientTlsPolicy p = ClientTlsPolicy.parse(found.get(), t.spec() + ": " + key);
        if (stsPatternsEnforced(p)) {
          p = p.withMatch(List.of("hostname"));
        }
        return new Decision(withFingerprints(p, d), Optional.empty(), noPolicyDomain(d));
      }
    }
    ClientTlsPolicy level = defaultLevel.isBlank()
        ? ClientTlsPolicy.of(TlsSecurityLevel.NONE)
        : withFingerprints(ClientTlsPolicy.parse(defaultLevel, parameter), d);
    Optional<ActivePolicy> sts = d.mxLookup()
        ? mtaSts.flatMap(m -> m.policy(d.host())).filter(p -> p.policy().mode() != Mode.NONE)
        : Optional.empty();
    Decision decision = new Decision(level, sts, noPolicyDomain(d));
    if (decision.in(Mode.ENFORCE).isPresent() && !dane(level)) {
      return new Decision(MTA_STS_SECURE, sts, decision.noPolicyDomain());
    }
    return decision;
  }

  /**
   * A {@code fingerprint} policy's fingerprints: its {@code match=} values, else {@code
   * smtp_tls_fingerprint_cert_match}; values that are not hexadecimal (colons between pairs
   * optional) are skipped with a warning.
   */
  private ClientTlsPolicy withFingerprints(ClientTlsPolicy p, Destination d)
      throws TlsConfigException {
    if (p.level() != TlsSecurityLevel.FINGERPRINT) {
      return p;
    }
    List<String> usable = new ArrayList<>();
    for (String f : p.match().isEmpty() ? fingerprints.values() : p.match()) {
      if (f.replace(":", "").matches("(?:[0-9A-Fa-f]{2})+") && !f.contains("::")) {
        usable.add(f);
      } else {
        fingerprints.warnings().accept("malformed fingerprint value: " + f);
      }
    }
    if (usable.isEmpty()) {
      fingerprints.warnings().accept("nexthop domain " + d.nexthop()
          + ": configured at fingerprint security level, but with no fingerprints to match.");
      throw new TlsConfigException("client TLS configuration problem");
    }
    return p.withMatch(usable);
  }

  /**
   * Whether {@code smtp_tls_enforce_sts_mx_patterns} transforms {@code p}: an MTA-STS policy
   * from a plugin ({@code policy_type=sts}) with {@code mx_host_pattern}s and a match list. Then,
   * as in Postfix 3.12, the certificate is matched against the MX host name ({@code
   * match=hostname}) and an MX host that no pattern matches is skipped with a warning.
   */
  private boolean stsPatternsEnforced(ClientTlsPolicy p) {
    return enforceStsMxPatterns && !p.match().isEmpty() && p.external()
        .filter(e -> e.sts() && !e.mxHostPatterns().isEmpty()).isPresent();
  }

  private static boolean dane(ClientTlsPolicy p) {
    return p.level() == TlsSecurityLevel.DANE || p.level() == TlsSecurityLevel.DANE_ONLY;
  }

  /**
   * The policy for {@code server} once DANE had its say: under MTA-STS {@code enforce}, a server
   * DANE holds to TLSA records (or defers) stays so; any other is refused when the policy does not
   * list its name, else held to {@link #MTA_STS_SECURE}.
   */
  DanePolicy.Outcome forServer(Decision decision, DanePolicy.Outcome dane, Server server) {
    ClientTlsPolicy p = decision.policy();
    if (dane instanceof DanePolicy.Resolved && stsPatternsEnforced(p)
        && !p.external().get().allowsMx(server.hostname())) {
      fingerprints.warnings().accept("MX name '" + server.hostname()
          + "' does not match STS MX pattern for '"
          + p.external().get().domain().orElse("") + "'");
      return new DanePolicy.Unavailable("4.3.0", "server unavailable or unable to receive mail",
          TlsStatus.undecided(p.level()));
    }
    Optional<ActivePolicy> sts = decision.in(Mode.ENFORCE);
    if (sts.isEmpty() || dane instanceof DanePolicy.Unavailable
        || dane instanceof DanePolicy.Resolved r && r.tls().dane()) {
      return dane;
    }
    if (!sts.get().policy().allowsMx(server.hostname())) {
      return new DanePolicy.Unavailable("4.7.5", "MX host " + server.hostname()
          + " is not listed in the MTA-STS policy " + sts.get().describe(),
          TlsStatus.undecided(TlsSecurityLevel.SECURE));
    }
    return new DanePolicy.Resolved(ServerTls.of(MTA_STS_SECURE));
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
    String unverified = "server certificate not verified for " + session.server();
    if (chain.isEmpty()) {
      return Optional.of(new Refusal(ResultType.CERTIFICATE_NOT_TRUSTED, unverified));
    }
    try {
      chain.getFirst().checkValidity(java.util.Date.from(clock.instant()));
    } catch (CertificateException e) {
      return Optional.of(new Refusal(ResultType.CERTIFICATE_EXPIRED, unverified));
    }
    if (!certificates.trusted(chain)) {
      return Optional.of(new Refusal(ResultType.CERTIFICATE_NOT_TRUSTED, unverified));
    }
    if (!ServerCertificateCheck.nameMatches(chain.getFirst(), List.of(host))) {
      return Optional.of(new Refusal(ResultType.CERTIFICATE_HOST_MISMATCH, unverified));
    }
    return Optional.empty();
  }

  /**
   * A session opened with {@code server} under {@code tls}: counted for TLS reporting (under
   * {@code testing}, what {@code enforce} would have refused counts as a failure); returns that
   * refusal's text for the log.
   */
  Optional<String> opened(Decision decision, Destination d, ServerTls tls, SmtpSession session) {
    Optional<Refusal> refusal = testingReport(decision, session);
    Server server = session.server();
    reportPolicy(decision, d, tls, server).ifPresent(p -> recorder.record(refusal
        .map(r -> SessionRecord.failure(clock.instant(), p, r.type(), server.hostname(),
            ip(server), r.text()))
        .orElseGet(() -> SessionRecord.success(clock.instant(), p, server.hostname(),
            ip(server)))));
    return refusal.map(Refusal::text);
  }

  /** A session with {@code server} under {@code tls} that failed: counted when TLS failed it. */
  void failed(Decision decision, Destination d, ServerTls tls, Server server, SessionFailure f) {
    Optional<Refusal> refusal = resultType(f, tls);
    if (refusal.isPresent()) {
      reportPolicy(decision, d, tls, server).ifPresent(p -> recorder.record(
          SessionRecord.failure(clock.instant(), p, refusal.get().type(), server.hostname(),
              ip(server), refusal.get().text())));
    }
  }

  /**
   * A server not connected to: counted for an MX host an enforced MTA-STS policy does not list
   * ({@code validation-failure}), and for a TLSA lookup that failed ({@code dnssec-invalid}).
   */
  void refused(Decision decision, Destination d, Server server, DanePolicy.Unavailable u) {
    Optional<ActivePolicy> sts = decision.in(Mode.ENFORCE);
    Instant now = clock.instant();
    if (u.text().startsWith("TLSA lookup error")) {
      recorder.record(SessionRecord.failure(now, new AppliedPolicy(PolicyType.TLSA, d.host(),
          List.of(), List.of(server.hostname())), ResultType.DNSSEC_INVALID, server.hostname(),
          ip(server), "TLSA lookup error"));
    } else if (sts.isPresent() && !sts.get().policy().allowsMx(server.hostname())) {
      recorder.record(SessionRecord.failure(now, stsPolicy(sts.get()),
          ResultType.VALIDATION_FAILURE, server.hostname(), ip(server),
          "MX host " + server.hostname() + " is not listed in the policy"));
    }
  }

  /**
   * The RFC 8460 result type of a failed session, when TLS failed it: no STARTTLS where the
   * policy required it, a failed handshake, a certificate that did not verify (for DANE, against
   * the TLSA records). Postern's certificate check does not say why a certificate failed under
   * MTA-STS {@code enforce}; that is reported as {@code validation-failure}.
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
    if (tls.dane()) {
      return Optional.of(new AppliedPolicy(PolicyType.TLSA, d.host(),
          tls.tlsa().stream().map(Object::toString).toList(), List.of(server.hostname())));
    }
    if (decision.mtaSts().isPresent()) {
      return decision.mtaSts().map(TlsPolicyLookup::stsPolicy);
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
   * The TLSRPT policy domain of {@code d}, in A-label form as Postfix looks up its {@code
   * _smtp._tls} record; none when {@code smtp_tls_security_level} is {@code none} or the next
   * hop is an address, where Postfix 3.12 makes no TLSRPT report.
   */
  private Optional<String> noPolicyDomain(Destination d) {
    boolean levelNone = defaultLevel.isBlank()
        || TlsSecurityLevel.parse(defaultLevel.strip()).orElse(null) == TlsSecurityLevel.NONE;
    if (levelNone || NextHopName.isHostAddress(d.host())) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.net.IDN.toASCII(d.host(), java.net.IDN.ALLOW_UNASSIGNED));
    } catch (IllegalArgumentException e) {
      return Optional.of(d.host());
    }
  }

  private static AppliedPolicy stsPolicy(ActivePolicy p) {
    List<String> lines = p.text().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return new AppliedPolicy(PolicyType.STS, p.domain(), lines, p.policy().mx());
  }

  private static String ip(Server server) {
    return server.address().map(java.net.InetAddress::getHostAddress).orElse("");
  }

  private static Optional<String> find(LookupTable t, String key) throws TlsConfigException {
    try {
      return t.find(key);
    } catch (TableException e) {
      throw new TlsConfigException(
          "TLS policy lookup for " + key + ": " + t.spec() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    maps.forEach(LookupTable::close);
    recorder.close();
  }
}
