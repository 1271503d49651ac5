package org.postern.smtp;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.dns.Resolver;
import org.postern.log.ProgramLog;
import org.postern.log.TlsFeatureStatus;
import org.postern.log.TlsFeatureStatus.Level;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.metrics.TlsPolicyMetrics;
import org.postern.mtasts.MtaStsPolicy;
import org.postern.queue.Recipient;
import org.postern.smtp.RequireTlsEnforcement.Skip;
import org.postern.table.TableOpener;
import org.postern.smtp.RequireTlsVerdict.Chosen;
import org.postern.smtp.RequireTlsVerdict.PolicyError;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.tls.ClientTlsContexts;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tlsrpt.Journal;
import org.postern.tlsrpt.SessionRecorder;

/**
 * The SMTP or LMTP delivery agent, Postfix's smtp(8) and lmtp(8): delivers one request to its
 * next hop and answers one result per recipient.
 *
 * <p>For each destination (the next hop, then {@code smtp_fallback_relay}): evaluate the
 * REQUIRETLS policy when the message asked for it, find the TLS policy, skip the destination when
 * its level cannot meet the REQUIRETLS action, reuse a cached session or find the servers (MX
 * lookup), and try them in order within {@code smtp_mx_session_limit} sessions until one takes
 * the message. A soft error moves on to the next server; the last error decides what happens to
 * recipients still pending (defer for {@code 4.x.x}, bounce for {@code 5.x.x}).
 *
 * <p>DANE ({@code dane}, {@code dane-only}) is decided per server by {@link DanePolicy} before
 * connecting: a TLSA lookup failure or a {@code dane-only} server without usable records is a
 * soft error for that server, and the next one is tried.
 *
 * <p>A REQUIRETLS message under {@code enforce} goes only to servers found securely (RFC 8689
 * section 4.2.1): an MX host from an MX answer without the AD bit is refused before connecting
 * unless the domain's MTA-STS policy lists it ({@link RequireTlsEnforcement#insecureMx}).
 *
 * <p>MTA-STS ({@code postern_mta_sts_enable}) is part of the TLS policy ({@link TlsPolicyLookup}):
 * under {@code enforce} an MX host the policy does not list is a 4.7.5 soft error for that server,
 * before connecting; under {@code testing} what {@code enforce} would have refused is logged.
 *
 * <p>TLS reporting ({@code postern_tlsrpt_enable}, SMTP only): each session under DANE or MTA-STS
 * is appended to the day's journal in {@code $data_directory/tlsrpt} ({@link TlsPolicyLookup}).
 *
 * <p>Connection cache: with {@code smtp_connection_cache_on_demand} every session that completed a
 * transaction is offered to the cache (qmgr passes no backlog hint, so "on demand" is bounded by
 * {@code smtp_connection_cache_time_limit} of idleness instead), as is one to a next hop listed in
 * {@code smtp_connection_cache_destinations}; a TLS session only with {@code
 * smtp_tls_connection_reuse = yes}, as in Postfix.
 *
 * <p>The message is streamed from the queue file for each attempt, never held in memory whole
 * ({@link MessageContent}).
 *
 * <p>SMTP AUTH ({@code smtp_sasl_auth_enable}): {@link SessionOpener} authenticates with the
 * credentials of {@link SaslPasswords} after the last EHLO ({@link SaslLogin}); a refusal is a
 * soft error for that server unless {@code smtp_sasl_auth_soft_bounce = no} and the server said
 * {@code 5xx}. With {@code smtp_sender_dependent_authentication} sessions are not cached.
 *
 * <p>For a REQUIRETLS message, each result is preceded in the log by a {@code requiretls:} line
 * naming the certificate check of the server that decided it ({@link CertificateCheck}; an
 * MTA-STS {@code enforce} policy's PKIX check is named {@code mta-sts}), written to qmgr's log of
 * the delivery run so it shares {@code program[pid]} with the status lines.
 *
 * <p>Not yet: client certificates, {@code smtp_generic_maps}, the implicit bind to a single
 * {@code inet_interfaces} address.
 *
 * <p>Failure: problems with recipients, servers, DNS, TLS policy tables or the REQUIRETLS policy
 * become deferred or bounced results; only an unreadable queue file throws.
 */
public final class SmtpDelivery implements DeliveryAgent, AutoCloseable {
  private final SmtpSettings settings;
  private final RequireTlsPolicy requireTlsPolicy;
  private final TlsPolicyLookup tlsPolicies;
  private final ServerFinder finder;
  private final SessionOpener opener;
  private final DanePolicy dane;
  private final ConnectionCache cache;
  private final SaslPasswords passwords;
  private final Consumer<String> infos;
  private final Consumer<String> warnings;

  /**
   * The agent for {@code protocol} as {@code config} describes it; warnings (a local address that
   * cannot be bound) go to {@code log}.
   */
  public SmtpDelivery(
      MainConfig config, Protocol protocol, TableOpener tables, Resolver resolver, Clock clock,
      ProgramLog log) throws TlsConfigException, TableException {
    this(SmtpSettings.of(config, protocol), tables, resolver, clock, new Random(), log::warn,
        log::info, TlsPolicyMetrics.counting(protocol == Protocol.SMTP
            && config.getBoolean("postern_tlsrpt_enable")
            ? new Journal(config.getPath("data_directory").resolve("tlsrpt"), log::warn)
            : SessionRecorder.NONE));
  }

  /** For tests that do not look at warnings. */
  SmtpDelivery(
      SmtpSettings s, TableOpener tables, Resolver resolver, Clock clock, Random random)
      throws TlsConfigException, TableException {
    this(s, tables, resolver, clock, random, warning -> { });
  }

  SmtpDelivery(
      SmtpSettings s, TableOpener tables, Resolver resolver, Clock clock, Random random,
      Consumer<String> warnings) throws TlsConfigException, TableException {
    this(s, tables, resolver, clock, random, warnings, info -> { });
  }

  SmtpDelivery(
      SmtpSettings s, TableOpener tables, Resolver resolver, Clock clock, Random random,
      Consumer<String> warnings, Consumer<String> infos)
      throws TlsConfigException, TableException {
    this(s, tables, resolver, clock, random, warnings, infos, SessionRecorder.NONE);
  }

  SmtpDelivery(
      SmtpSettings s, TableOpener tables, Resolver resolver, Clock clock, Random random,
      Consumer<String> warnings, Consumer<String> infos, SessionRecorder tlsrpt)
      throws TlsConfigException, TableException {
    this.settings = s;
    this.passwords = SaslPasswords.open(s.sasl(), s.protocol(), tables);
    this.infos = infos;
    this.warnings = warnings;
    String policyParameter = s.protocol().parameter("requiretls_policy");
    this.requireTlsPolicy = RequireTlsPolicy.parse(policyParameter, s.requireTlsPolicy(), tables);
    List<LookupTable> maps = new ArrayList<>();
    for (String spec : org.postern.util.ParameterList.split(s.tlsPolicyMaps())) {
      maps.add(tables.open(spec));
    }
    s.tlsHandshake().validate();
    ServerCertificateCheck certificates =
        ServerCertificateCheck.create(s.caFile(), s.caPath(), s.fingerprintDigest());
    this.tlsPolicies =
        TlsPolicyLookup.create(s, maps, resolver, clock, warnings, certificates, tlsrpt);
    this.finder = ServerFinder.of(s, resolver, random);
    this.opener =
        new SessionOpener(s, ClientTlsContexts.forEngine(s.clientKeys().load(warnings), s.tlsSessionCache()),
            certificates, clock, warnings, passwords);
    this.dane = new DanePolicy(resolver, s.dnsSupportLevel().strip().equals("dnssec"),
        insecureMxPolicy(s));
    this.cache = new ConnectionCache(clock, s.connectionCacheTimeLimit(), s.reuseTimeLimit(),
        s.reuseCountLimit(), s.timeouts().quit());
  }

  private static TlsSecurityLevel insecureMxPolicy(SmtpSettings s) throws TlsConfigException {
    String name = s.protocol().parameter("tls_dane_insecure_mx_policy");
    return TlsSecurityLevel.parse(s.daneInsecureMxPolicy())
        .filter(l -> l == TlsSecurityLevel.MAY || l == TlsSecurityLevel.ENCRYPT
            || l == TlsSecurityLevel.DANE)
        .orElseThrow(() -> new TlsConfigException(
            name + ": invalid value: \"" + s.daneInsecureMxPolicy() + "\""));
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request) throws Exception {
    return deliver(request, infos);
  }

  /** The requiretls: lines go to {@code run}, with the status lines qmgr writes there. */
  @Override
  public List<RecipientResult> deliver(DeliveryRequest request, ProgramLog run) throws Exception {
    return deliver(request, run::info);
  }

  private List<RecipientResult> deliver(DeliveryRequest request, Consumer<String> runInfos)
      throws Exception {
    MessageContent content = MessageContent.of(out -> request.copyContent(out, "\r\n"));
    List<String> nexthops = new ArrayList<>();
    nexthops.add(request.nexthop());
    if (!settings.fallbackRelays().contains(request.nexthop())) {
      nexthops.addAll(settings.fallbackRelays());
    }
    SessionFailure last = null;
    Attempt attempt = null;
    for (String nexthop : nexthops) {
      attempt = new Attempt(request, content, nexthop);
      Optional<List<RecipientResult>> done = attempt.run();
      if (done.isPresent()) {
        return logged(attempt, done.get(), runInfos);
      }
      last = attempt.failure;
      if (!last.tryNext()) {
        break;
      }
    }
    return logged(attempt, failAll(request.recipients(), last), runInfos);
  }

  /**
   * For a REQUIRETLS message, the {@code requiretls:} line naming the certificate check of the
   * attempt that decided each result, logged before qmgr logs the status lines.
   */
  private List<RecipientResult> logged(
      Attempt attempt, List<RecipientResult> results, Consumer<String> runInfos) {
    if (attempt.action.isPresent()) {
      for (RecipientResult r : results) {
        runInfos.accept(attempt.check.line(attempt.request.queueId().toString(),
            r.recipient().address(), r.relay()).text());
      }
    }
    return logged(results);
  }

  /** Without {@code smtp_log_tls_feature_status}, the status lines carry no {@code tls=}. */
  private List<RecipientResult> logged(List<RecipientResult> results) {
    if (settings.logTlsFeatureStatus()) {
      return results;
    }
    return results.stream().map(r -> new RecipientResult(r.recipient(), r.status(), r.dsn(),
        r.relay(), r.text(), r.diagnostic(), Optional.empty(), r.action(),
        r.connectionReuses())).toList();
  }

  private static List<RecipientResult> failAll(List<Recipient> recipients, SessionFailure f) {
    List<RecipientResult> out = new ArrayList<>();
    for (Recipient r : recipients) {
      RecipientResult base = f.dsn().startsWith("5")
          ? RecipientResult.bounced(r, f.dsn(), f.relay().text(), f.text())
          : RecipientResult.deferred(r, f.dsn(), f.relay().text(), f.text());
      RecipientResult withTls = f.tls().map(base::withTlsStatus).orElse(base);
      out.add(f.diagnostic().map(withTls::withDiagnostic).orElse(withTls));
    }
    return out;
  }

  /** One destination's worth of trying. */
  private final class Attempt {
    private final DeliveryRequest request;
    private final MessageContent content;
    /** Whether the message can go only to a server with SMTPUTF8: asked once per delivery. */
    private final boolean needsSmtputf8;
    private final String nexthop;
    private SessionFailure failure;
    private Optional<RequireTlsAction> action = Optional.empty();
    /** The certificate check of the last server tried, for the requiretls: log line. */
    private CertificateCheck check = CertificateCheck.NOT_CONNECTED;
    /** The REQUIRETLS policy could not be evaluated: every server is refused, 4.7.10. */
    private boolean policyError;
    private ClientTlsPolicy policy;
    private TlsPolicyLookup.Decision decision;
    /** Whether sessions to this next hop are cached: on demand, or a listed destination. */
    private boolean caching;

    Attempt(DeliveryRequest request, MessageContent content, String nexthop) {
      this.request = request;
      this.content = content;
      this.nexthop = nexthop;
      this.needsSmtputf8 = MailTransaction.needsSmtputf8(request, content);
    }

    Optional<List<RecipientResult>> run() throws InterruptedException {
      Destination d;
      try {
        d = Destination.parse(
            nexthop, settings.protocol(), settings.defaultPort(), settings.myhostname());
      } catch (IllegalArgumentException e) {
        return local("4.3.5", e.getMessage(), TlsSecurityLevel.NONE, false);
      }
      if (request.requireTls()) {
        String name = settings.protocol() == Protocol.LMTP
            ? RequireTlsPolicy.lmtpNextHop(nexthop, settings.myhostname())
            : nexthop;
        switch (requireTlsPolicy.evaluate(name)) {
          case PolicyError e -> {
            warnings.accept(e.reason() + " -- ignoring the remainder of this policy");
            policyError = true;
          }
          // disable: delivered as a message that did not ask for REQUIRETLS (Postfix 3.12).
          case Chosen c -> action = Optional.of(c.action()).filter(a -> a != RequireTlsAction.DISABLE);
        }
      }
      try {
        decision = request.tlsRequiredNo()
            ? new TlsPolicyLookup.Decision(ClientTlsPolicy.parse(levelOrNone(),
                settings.protocol().parameter("tls_security_level")).cappedAtMay(),
                Optional.empty(), Optional.empty(), Optional.empty())
            : tlsPolicies.policy(d);
      } catch (TlsConfigException e) {
        return local("4.7.5", e.getMessage(), SecurityLevel.undecided(Level.UNKNOWN), false);
      }
      policy = decision.policy();
      decision.mtaSts().ifPresent(p -> infos.accept(request.queueId() + ": MTA-STS policy "
          + p.describe() + ", mx: " + String.join(", ", p.policy().mx())));
      return servers(d);
    }

    private String levelOrNone() {
      return settings.tlsSecurityLevel().isBlank() ? "none" : settings.tlsSecurityLevel();
    }

    private Optional<List<RecipientResult>> servers(Destination d) throws InterruptedException {
      ConnectionCache.Key key = new ConnectionCache.Key(request.transport(), nexthop,
          policy.level(), action.map(RequireTlsAction::postfixName).orElse(""),
          needsSmtputf8);
      // Sender-dependent credentials make a session one sender's: no caching, as in Postfix.
      caching = (settings.connectionCacheOnDemand() || listedForCaching(d))
          && !(settings.sasl().enable() && settings.sasl().senderDependent());
      Optional<SmtpSession> cached = caching ? cache.take(key) : Optional.empty();
      if (cached.isPresent()) {
        Optional<List<RecipientResult>> done = reuse(cached.get(), key);
        if (done.isPresent()) {
          return done;
        }
      }
      List<Server> servers;
      try {
        servers = finder.find(d);
      } catch (DestinationException e) {
        // Before any TLS policy was looked up for a server: no tls= field, as in Postfix.
        failure = new SessionFailure(e.dsn(), e.getMessage(), Optional.empty(),
            org.postern.log.Relay.none(), Optional.empty(), !e.permanent());
        return Optional.empty();
      }
      int sessions = 0;
      for (Server server : servers) {
        if (settings.mxSessionLimit() > 0 && sessions >= settings.mxSessionLimit()) {
          break;
        }
        check = CertificateCheck.NOT_CONNECTED;
        ServerTls tls;
        switch (tlsPolicies.forServer(decision, dane.resolve(policy, server, d), server)) {
          case DanePolicy.Unavailable u -> {
            tlsPolicies.reporting().refused(decision, d, server, u);
            failure = new SessionFailure(u.dsn(), u.text(), Optional.empty(),
                org.postern.log.Relay.none(), TlsStatus.of(u.tls(),
                    action.map(a -> RequireTlsFeature.UNDECIDED)), true);
            continue;
          }
          case DanePolicy.Resolved r -> tls = r.tls();
        }
        if (policyError) {
          failure = new SessionFailure("4.7.10", "REQUIRETLS policy configuration error. The last"
              + " attempted server was " + server.hostname(), Optional.empty(),
              org.postern.log.Relay.none(), TlsStatus.of(tls.undecided(), Optional.empty()), true);
          continue;
        }
        // After DANE: the level it settled on must be able to meet the action (Postfix 3.12
        // decides this per server, before connecting, and tries the next one).
        if (action.isPresent() && RequireTlsEnforcement.beforeConnect(
            action.get(), tls.effective(), server.hostname()) instanceof Skip s) {
          failure = notConnected(s.violation(), tls);
          continue;
        }
        // A DANE session with an insecure MX host is halfdane: refused after the handshake as
        // a certificate that did not match, as Postfix 3.12 does.
        Optional<RequireTlsEnforcement.Violation> insecureMx = action.flatMap(a ->
            RequireTlsEnforcement.insecureMx(a, server.mxSecure() || tls.dane() || identityBeyondMx(tls),
                mtaStsListed(server), server.namaddr()));
        if (insecureMx.isPresent()) {
          failure = notConnected(insecureMx.get(), tls);
          continue;
        }
        switch (opener.open(server, d, tls, action,
            new SessionOpener.Mail(request.sender(), request.queueId().toString(),
                needsSmtputf8))) {
          case SessionOpener.Failed f -> {
            tlsPolicies.reporting().failed(decision, d, tls, server, f.failure(), f.trace());
            failure = f.failure();
            check = f.check();
            if (!f.failure().relay().text().equals("none")) {
              sessions++;
            }
            if (!failure.tryNext()) {
              return Optional.empty();
            }
          }
          case SessionOpener.Opened o -> {
            sessions++;
            tlsPolicies.reporting().opened(decision, d, tls, o.session(), o.trace()).ifPresent(why -> infos.accept(
                request.queueId() + ": MTA-STS policy " + decision.mtaSts().get().describe()
                    + ": enforce would have refused: " + why));
            SmtpSession session = o.session().withCertificateCheck(
                o.session().certificateCheck().underMtaSts(
                    decision.mtaSts().filter(p -> p.policy().mode() == MtaStsPolicy.Mode.ENFORCE),
                    tls.policy().external(), server.hostname()));
            check = session.certificateCheck();
            Optional<List<RecipientResult>> done =
                transact(session, o.sendRequireTls(), o.feature(), key);
            if (done.isPresent() || !failure.tryNext()) {
              return done;
            }
          }
        }
      }
      return Optional.empty();
    }

    /** A REQUIRETLS refusal before connecting: no relay, the level undecided. */
    private SessionFailure notConnected(RequireTlsEnforcement.Violation v, ServerTls tls) {
      return new SessionFailure(v.enhancedStatus(), v.text(), Optional.empty(),
          org.postern.log.Relay.none(), TlsStatus.of(tls.undecided(), Optional.of(v.feature())),
          true);
    }

    /**
     * Whether the certificate check names no host from the MX answer: {@code fingerprint}, or
     * {@code verify}/{@code secure} whose match list (the policy's {@code match=}, else {@code
     * smtp_tls_verify_cert_match}/{@code smtp_tls_secure_cert_match}) lacks {@code hostname}. A
     * forged MX answer then cannot lead to a server that passes, which is what RFC 8689 section
     * 4.2.1 guards against; an MTA-STS plugin's {@code secure match=...} answer is such a check.
     */
    private boolean identityBeyondMx(ServerTls tls) {
      List<String> match = tls.policy().match();
      return switch (tls.effective()) {
        case FINGERPRINT -> true;
        case VERIFY -> withoutHostname(match.isEmpty() ? settings.verifyCertMatch() : match);
        case SECURE -> withoutHostname(match.isEmpty() ? settings.secureCertMatch() : match);
        default -> false;
      };
    }

    private static boolean withoutHostname(List<String> match) {
      return match.stream().noneMatch(m -> m.equalsIgnoreCase("hostname"));
    }

    /** The domain's MTA-STS policy ({@code enforce} or {@code testing}) lists {@code server}. */
    private boolean mtaStsListed(Server server) {
      return decision.mtaSts().filter(p -> p.policy().allowsMx(server.hostname())).isPresent();
    }

    /** {@code smtp_connection_cache_destinations} names the next hop or its host. */
    private boolean listedForCaching(Destination d) {
      return settings.connectionCacheDestinations().stream().anyMatch(
          name -> name.equalsIgnoreCase(d.nexthop()) || name.equalsIgnoreCase(d.host())
              || d.socket().map(p -> p.toString().equals(name)).orElse(false));
    }

    /** A cached session: RSET first, then the REQUIRETLS decision as for a new one. */
    private Optional<List<RecipientResult>> reuse(SmtpSession s, ConnectionCache.Key key)
        throws InterruptedException {
      try {
        s.connection().writeLine("RSET");
        s.connection().flush();
        if (!s.connection().read(settings.timeouts().mail()).positive()) {
          s.quit(settings.timeouts().quit());
          return Optional.empty();
        }
      } catch (java.io.IOException e) {
        s.connection().close();
        return Optional.empty();
      }
      check = s.certificateCheck();
      boolean send = false;
      Optional<RequireTlsFeature> feature = Optional.empty();
      if (action.isPresent()) {
        var v = RequireTlsEnforcement.afterHandshake(action.get(), new RequireTlsEnforcement
            .Session(s.connection().tlsActive(), s.certificateMatched(), s.requireTlsAnnounced()),
            s.server().namaddr());
        if (!(v instanceof RequireTlsEnforcement.Deliver ok)) {
          s.quit(settings.timeouts().quit());
          return Optional.empty();
        }
        send = ok.sendRequireTls();
        feature = Optional.of(ok.feature());
      }
      return transact(s, send, feature, key);
    }

    private Optional<List<RecipientResult>> transact(SmtpSession s, boolean sendRequireTls,
        Optional<RequireTlsFeature> feature, ConnectionCache.Key key)
        throws InterruptedException {
      TlsFeatureStatus tls = TlsStatus.of(s.tlsLevel(), feature);
      SmtpSession used = s.used();
      var outcome = new MailTransaction(settings, used, request, request.recipients(), content,
          sendRequireTls, tls).run();
      switch (outcome) {
        case MailTransaction.Done done -> {
          if (done.reusable() && caching
              && (!used.connection().tlsActive() || settings.tlsConnectionReuse())) {
            cache.put(key, used);
          } else {
            used.quit(settings.timeouts().quit());
          }
          return Optional.of(done.results());
        }
        case MailTransaction.Failed f -> {
          failure = f.failure();
          return Optional.empty();
        }
      }
    }

    /** A failure found before any server was reached. */
    private Optional<List<RecipientResult>> local(
        String dsn, String text, TlsSecurityLevel level, boolean tryNext) {
      return local(dsn, text, TlsStatus.undecided(level), tryNext);
    }

    private Optional<List<RecipientResult>> local(
        String dsn, String text, SecurityLevel tls, boolean tryNext) {
      failure = new SessionFailure(dsn, text, Optional.empty(), org.postern.log.Relay.none(),
          TlsStatus.of(tls, action.map(a -> RequireTlsFeature.UNDECIDED)), tryNext);
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    cache.close();
    requireTlsPolicy.close();
    tlsPolicies.close();
    passwords.close();
  }
}
