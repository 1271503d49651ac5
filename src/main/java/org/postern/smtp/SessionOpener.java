package org.postern.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.log.Relay;
import org.postern.log.TlsFeatureStatus.SecurityLevel;
import org.postern.smtp.RequireTlsEnforcement.CertificateFailure;
import org.postern.smtp.RequireTlsEnforcement.Deliver;
import org.postern.smtp.RequireTlsEnforcement.Refuse;
import org.postern.smtp.RequireTlsEnforcement.Violation;
import org.postern.tls.ClientTlsContext;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.ExternalPolicy;
import org.postern.table.TableException;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsParameters;
import org.postern.tls.TlsSecurityLevel;
import org.postern.tls.TlsaMatcher;

/**
 * Opens a session with one server: connect, greeting, EHLO (HELO when EHLO is refused) or LHLO,
 * STARTTLS as the TLS level asks, the certificate check of the level, EHLO again over TLS, and for
 * a REQUIRETLS message the {@link RequireTlsEnforcement} decision. A session that comes out of
 * here met all of them; no MAIL FROM is ever sent on one that did not.
 *
 * <p>A TCP connection leaves from {@code smtp_bind_address} or {@code smtp_bind_address6} when set.
 * A bind that fails is logged as a warning; with {@code smtp_bind_address_enforce} the server is
 * skipped ({@code 4.4.0}), else the connection leaves from the kernel's choice, as in Postfix.
 *
 * <p>The handshake offers the protocols and cipher suites of the level ({@code
 * smtp_tls_protocols} and {@code smtp_tls_ciphers} at {@code may}, their mandatory forms above,
 * a policy table's {@code protocols=}, {@code ciphers=} and {@code exclude=}; see
 * org.postern.tls.TlsHandshakeSettings); a policy table value that Java's TLS cannot use is
 * logged as a warning and defers the delivery ({@code 4.7.5 client TLS configuration problem}).
 *
 * <p>At level {@code may} a failed handshake is retried once on a new plaintext connection, as
 * Postfix does, unless {@code smtp_sasl_password_maps} has credentials for the server (or cannot
 * say). A server that sent data ahead of the STARTTLS reply (an injection attempt) is dropped.
 *
 * <p>With {@code smtp_sasl_auth_enable}, a server that announces AUTH in the last EHLO and has
 * credentials in the table is logged in to ({@link SaslLogin}) before the session is handed out;
 * a refusal ends the session with QUIT and Postfix's text, a table that cannot answer is {@code
 * 4.3.0 local data error}.
 */
final class SessionOpener {
  /** The outcome: a usable session, or why not. */
  sealed interface Outcome {}

  record Opened(SmtpSession session, boolean sendRequireTls, Optional<RequireTlsFeature> feature,
      SessionTrace trace) implements Outcome {
    Opened(SmtpSession session, boolean sendRequireTls, Optional<RequireTlsFeature> feature) {
      this(session, sendRequireTls, feature, SessionTrace.NONE);
    }
  }

  /**
   * {@code trace}: what the attempt saw, for TLS reporting; {@code check}: how far the
   * certificate check got before the failure.
   */
  record Failed(SessionFailure failure, SessionTrace trace, CertificateCheck check)
      implements Outcome {
    Failed(SessionFailure failure) {
      this(failure, SessionTrace.NONE, CertificateCheck.NOT_CONNECTED);
    }
  }

  /**
   * The message a session is opened for: whose credentials, whose warnings, and whether it needs
   * SMTPUTF8 ({@link MailTransaction#needsSmtputf8}).
   */
  record Mail(String sender, String queueId, boolean needsSmtputf8) {}

  private final SmtpSettings settings;
  private final ClientTlsContext tlsContext;
  private final ServerCertificateCheck certificates;
  private final Clock clock;
  private final Consumer<String> warnings;
  private final SaslPasswords passwords;

  SessionOpener(
      SmtpSettings settings, ClientTlsContext tlsContext, ServerCertificateCheck certificates,
      Clock clock, Consumer<String> warnings, SaslPasswords passwords) {
    this.settings = settings;
    this.passwords = passwords;
    this.tlsContext = tlsContext;
    this.certificates = certificates;
    this.clock = clock;
    this.warnings = warnings;
  }

  /**
   * {@code action} is present for a REQUIRETLS message. A server without SMTPUTF8 is left right
   * after its EHLO reply, before STARTTLS, when the mail needs it (as Postfix 3.12).
   */
  Outcome open(
      Server server, Destination d, ServerTls tls, Optional<RequireTlsAction> action, Mail mail)
      throws InterruptedException {
    TlsParameters parameters = null;
    if (tls.usesTls()) {
      try {
        parameters = settings.tlsHandshake().forClient(tls.effective(), tls.policy());
      } catch (TlsConfigException e) {
        warnings.accept("TLS policy for " + server + ": " + e.getMessage());
        return new Failed(new SessionFailure("4.7.5", "client TLS configuration problem",
            Optional.empty(), Relay.none(), TlsStatus.of(tls.undecided(),
                action.map(a -> RequireTlsFeature.UNDECIDED)), false));
      }
    }
    Attempt a = new Attempt(server, d, tls, parameters, action, mail);
    Outcome first = a.traced(a.run(tls.usesTls()));
    // With credentials for the server, no plaintext retry: the password was meant for TLS, and
    // without AUTH a relay host would only answer "relay access denied" (Postfix).
    if (first instanceof Failed && a.handshakeFailed && tls.effective() == TlsSecurityLevel.MAY
        && !hasCredentials(server, d, mail)) {
      Attempt plain = new Attempt(server, d, tls, parameters, action, mail);
      return plain.traced(plain.run(false));
    }
    return first;
  }

  /** True when SASL is on and the table has an entry for the server (or cannot answer). */
  private boolean hasCredentials(Server server, Destination d, Mail mail) {
    try {
      return passwords.find(mail.sender(), server.hostname(), d.nexthop()).isPresent();
    } catch (TableException e) {
      return true;
    }
  }

  /** One connection's worth of state. */
  private final class Attempt {
    private final Server server;
    private final Destination d;
    private final ClientTlsPolicy policy;
    private final ServerTls tlsPolicy;
    /** The protocols and cipher suites of the level; null when the level is {@code none}. */
    private final TlsParameters tlsParameters;
    private final Optional<RequireTlsAction> action;
    private final Mail mail;
    private final TlsSecurityLevel level;
    private boolean handshakeFailed;
    /** The certificate check so far, for the requiretls: log line. */
    private CertificateCheck check = CertificateCheck.NOT_CONNECTED;
    /** Whether the server accepted our SMTP AUTH credentials. */
    private boolean authenticated;
    private SmtpConnection conn;
    private boolean connected;
    /** Where the dialogue is, for timeout and lost-connection texts. */
    private String stage = "";
    /** Why {@link #hello} returned null. */
    private Outcome lastFailure;
    /**
     * For TLS reporting: the local address (taken while connected: a closed socket forgets
     * it), the server's name from its EHLO/HELO reply, the chain refused.
     */
    private String sendingIp = "";
    private String ehloName = "";
    private Optional<List<X509Certificate>> rejectedChain = Optional.empty();

    Attempt(Server server, Destination d, ServerTls tls, TlsParameters tlsParameters,
        Optional<RequireTlsAction> action, Mail mail) {
      this.mail = mail;
      this.server = server;
      this.d = d;
      this.tlsPolicy = tls;
      this.tlsParameters = tlsParameters;
      this.policy = tls.policy();
      this.action = action;
      this.level = tls.effective();
    }

    /** {@code outcome} with what this attempt saw, for TLS reporting. */
    Outcome traced(Outcome outcome) {
      SessionTrace trace = new SessionTrace(sendingIp, ehloName, rejectedChain);
      return switch (outcome) {
        case Failed f -> new Failed(f.failure(), trace, f.check());
        case Opened o -> new Opened(o.session(), o.sendRequireTls(), o.feature(), trace);
      };
    }

    Outcome run(boolean tryTls) throws InterruptedException {
      Outcome o = attempt(tryTls);
      return o instanceof Failed f ? new Failed(f.failure(), f.trace(), check) : o;
    }

    private Outcome attempt(boolean tryTls) throws InterruptedException {
      try {
        return session(tryTls);
      } catch (SocketTimeoutException e) {
        return fail("4.4.2", "conversation with " + server.namaddr() + " timed out" + stage, true);
      } catch (SmtpConnection.BindFailure e) {
        return failNoRelay("4.4.0", "server configuration error: cannot bind to "
            + settings.bindAddresses().parameterFor(server.address().orElseThrow()) + " = "
            + bindAddress() + ": " + message(e), true);
      } catch (IOException e) {
        if (!connected) {
          return failNoRelay(
              "4.4.1", "connect to " + server + ": " + message(e), true);
        }
        return fail("4.4.2", "lost connection with " + server.namaddr() + stage + ": " + message(e), true);
      } finally {
        if (Thread.interrupted()) {
          closeQuietly();
          throw new InterruptedException("delivery interrupted");
        }
      }
    }

    private Outcome session(boolean tryTls) throws IOException {
      conn = server.socket().isPresent()
          ? SmtpConnection.connect(server.socket().get())
          : connectInet();
      connected = true;
      sendingIp = conn.localAddress().map(InetAddress::getHostAddress).orElse("");
      check = CertificateCheck.NO_TLS;
      stage = " while receiving the initial server greeting";
      ServerReply greeting = conn.read(settings.timeouts().helo());
      if (!greeting.positive()) {
        return reject("host " + server.namaddr() + " refused to talk to me: ", greeting, true);
      }
      stage = " while performing the " + settings.protocol().greetingCommand() + " handshake";
      Map<String, String> esmtp = hello();
      if (esmtp == null) {
        return lastFailure;
      }
      boolean tls = false;
      boolean matched = false;
      if (tryTls && esmtp.containsKey("STARTTLS")) {
        stage = " while performing the STARTTLS handshake";
        conn.writeLine("STARTTLS");
        conn.flush();
        ServerReply r = conn.read(settings.timeouts().helo());
        if (r.positive()) {
          if (conn.hasUnreadInput()) {
            return fail("4.7.0", "host " + server + " sent data ahead of the TLS handshake", true);
          }
          try {
            conn.startTls(tlsContext, tlsParameters, server.hostname(),
                settings.timeouts().starttls());
          } catch (IOException e) {
            handshakeFailed = true;
            return fail("4.7.5", "Cannot start TLS: handshake failure with " + server
                + ": " + message(e), true);
          }
          tls = true;
          Optional<Outcome> bad = checkCertificate();
          if (bad.isPresent()) {
            return bad.get();
          }
          matched = tlsPolicy.certificateMatched();
          stage = " while performing the " + settings.protocol().greetingCommand()
              + " handshake after STARTTLS";
          esmtp = hello();
          if (esmtp == null) {
            return lastFailure;
          }
        } else {
          Optional<Violation> refused = action.flatMap(
              a -> RequireTlsEnforcement.starttlsRefused(a, server.namaddr(), r.text()));
          if (refused.isPresent()) {
            return refuse(refused.get(), withoutTlsRefused());
          }
          if (!tlsPolicy.allowsPlaintext()) {
            return reject("TLS is required, but host " + server.namaddr() + " refused to start TLS: ", r,
                true, tlsPolicy.violated());
          }
        }
      }
      // Without TLS, an action that requires it refuses the server with its own status (5.7.30)
      // in decide(), ahead of the TLS level's deferral.
      boolean actionRequiresTls = action.filter(RequireTlsEnforcement::requiresTls).isPresent();
      if (!tls && !tlsPolicy.allowsPlaintext() && !actionRequiresTls) {
        return failLevel("4.7.4",
            "TLS is required, but was not offered by host " + server.namaddr(), tlsPolicy.violated());
      }
      SecurityLevel reached = tls ? tlsPolicy.compliant() : plaintextOrViolated();
      boolean announced = tls && esmtp.containsKey("REQUIRETLS");
      return decide(esmtp, reached, tls, matched, announced);
    }

    private Outcome decide(
        Map<String, String> esmtp, SecurityLevel reached, boolean tls, boolean matched,
        boolean announced) throws IOException {
      boolean send = false;
      Optional<RequireTlsFeature> feature = Optional.empty();
      if (action.isPresent()) {
        var verdict = RequireTlsEnforcement.afterHandshake(
            action.get(), new RequireTlsEnforcement.Session(tls, matched, announced), server.namaddr());
        switch (verdict) {
          case Refuse r -> {
            return refuse(r.violation(), tls ? reached : withoutTlsRefused());
          }
          case Deliver ok -> {
            send = ok.sendRequireTls();
            feature = Optional.of(ok.feature());
          }
        }
      }
      if (settings.sasl().enable() && esmtp.containsKey("AUTH")) {
        Optional<Outcome> refused = login(esmtp.get("AUTH"), tls, matched, reached);
        if (refused.isPresent()) {
          return refused.get();
        }
      }
      SmtpSession s = new SmtpSession(conn, server, esmtp, reached, announced, matched,
          authenticated, clock.instant(), 0, check);
      return new Opened(s, send, feature);
    }

    /**
     * SMTP AUTH when the table has credentials for the server: the failure, else empty, with
     * {@link #authenticated} set when credentials were accepted (without any the client goes on
     * as a stranger).
     */
    private Optional<Outcome> login(String offered, boolean tls, boolean matched,
        SecurityLevel reached) throws IOException {
      SaslSettings sasl = settings.sasl();
      List<String> mechanisms = SaslLogin.filtered(offered, sasl.mechanismFilter());
      if (mechanisms.isEmpty()) {
        warnings.accept(offered.isBlank()
            ? server.relay().text() + " offered null AUTH mechanism list"
            : server.relay().text() + " offered no supported AUTH mechanisms: '" + offered + "'");
      }
      Optional<SaslCredentials> credentials;
      try {
        credentials = passwords.find(mail.sender(), server.hostname(), d.nexthop());
      } catch (TableException e) {
        warnings.accept(mail.queueId() + ": " + passwords.title() + " lookup error");
        return Optional.of(
            fail("4.3.0", "local data error while talking to " + server.namaddr(), true));
      }
      if (credentials.isEmpty()) {
        return Optional.empty();
      }
      var result = new SaslLogin(sasl, conn, server, settings.timeouts().helo(), warnings)
          .authenticate(mechanisms, credentials.get(), sasl.optionsFor(tls, matched));
      return switch (result) {
        case SaslLogin.Authenticated a -> {
          authenticated = true;
          yield Optional.empty();
        }
        case SaslLogin.Refused r -> {
          quitQuietly();
          // The TLS level was settled before AUTH: tls=none, not none?, as Postfix 3.12 logs.
          yield Optional.of(new Failed(new SessionFailure(r.dsn(), r.text(), r.diagnostic(),
              server.relay(), TlsStatus.of(reached, undecided()), r.dsn().startsWith("4"))));
        }
      };
    }

    private SmtpConnection connectInet() throws IOException {
      Optional<InetAddress> local =
          settings.bindAddresses().forRemote(server.address().orElseThrow());
      try {
        return SmtpConnection.connect(server.socketAddress(), settings.timeouts().connect(), local);
      } catch (SmtpConnection.BindFailure e) {
        warnings.accept("smtp_connect_addr: bind " + bindAddress() + ": " + message(e));
        if (settings.bindAddresses().enforce()) {
          throw e;
        }
        return SmtpConnection.connect(
            server.socketAddress(), settings.timeouts().connect(), Optional.empty());
      }
    }

    private String bindAddress() {
      return settings.bindAddresses().forRemote(server.address().orElseThrow())
          .map(InetAddress::getHostAddress).orElse("");
    }

    /** EHLO/LHLO, HELO after a refused EHLO; null (with {@link #lastFailure}) on failure. */
    private Map<String, String> hello() throws IOException {
      String verb = settings.protocol().greetingCommand();
      conn.writeLine(verb + " " + settings.heloName());
      conn.flush();
      ServerReply r = conn.read(settings.timeouts().helo());
      if (r.positive()) {
        ehloName = announcedName(r);
        Map<String, String> esmtp = keywords(r);
        if (mail.needsSmtputf8() && !esmtp.containsKey("SMTPUTF8")) {
          lastFailure = failLevel("5.6.7", MailTransaction.smtputf8Missing(server),
              conn.tlsActive() ? tlsPolicy.compliant() : tlsPolicy.undecided());
          return null;
        }
        return esmtp;
      }
      if (settings.protocol() == Protocol.SMTP && r.permanentFailure() && !conn.tlsActive()) {
        conn.writeLine("HELO " + settings.heloName());
        conn.flush();
        ServerReply helo = conn.read(settings.timeouts().helo());
        if (helo.positive()) {
          ehloName = announcedName(helo);
          return Map.of();
        }
        r = helo;
      }
      lastFailure = reject("host " + server.namaddr() + " refused to talk to me: ", r, true);
      return null;
    }

    /** Empty when the certificate meets the level, else the failure. */
    private Optional<Outcome> checkCertificate() {
      List<X509Certificate> chain = conn.peerChain();
      Optional<CertificateCheck> passed = tlsPolicy.dane()
          ? TlsaMatcher.match(chain, tlsPolicy.tlsa(), tlsPolicy.referenceNames())
              .map(m -> CertificateCheck.dane(m, !tlsPolicy.certificateMatched()))
          : meetsLevel(chain);
      check = passed.orElse(CertificateCheck.failed(level, tlsPolicy.dane()));
      if (passed.isPresent()) {
        return Optional.empty();
      }
      rejectedChain = Optional.of(chain);
      // Only the PKIX levels trust a chain on its own; fingerprint and DANE trust what matched.
      boolean trusted = (level == TlsSecurityLevel.VERIFY || level == TlsSecurityLevel.SECURE)
          && !tlsPolicy.dane() && !chain.isEmpty() && certificates.trusted(chain);
      Optional<CertificateFailure> forRequireTls =
          action.map(a -> RequireTlsEnforcement.certificateFailed(a, server.namaddr(), trusted));
      if (forRequireTls.flatMap(CertificateFailure::refusal).isPresent()) {
        return Optional.of(refuse(forRequireTls.get().refusal().get(), tlsPolicy.violated()));
      }
      return Optional.of(failLevel("4.7.5", "Server certificate not verified", tlsPolicy.violated(),
          forRequireTls.map(CertificateFailure::feature)));
    }

    /** No TLS: {@code may:none} where the level allows plaintext, else the level violated. */
    private SecurityLevel plaintextOrViolated() {
      return tlsPolicy.allowsPlaintext() ? tlsPolicy.plaintext() : tlsPolicy.violated();
    }

    /**
     * No TLS and the REQUIRETLS action refused the server for it: the level is violated only
     * where the level itself required TLS, else left undecided ({@code may?}), as Postfix 3.12.
     */
    private SecurityLevel withoutTlsRefused() {
      return tlsPolicy.allowsPlaintext() ? tlsPolicy.undecided() : tlsPolicy.violated();
    }

    /** A REQUIRETLS refusal: QUIT, and a soft error with the violation's text. */
    private Outcome refuse(Violation v, SecurityLevel reached) {
      quitQuietly();
      return new Failed(new SessionFailure(v.enhancedStatus(), v.text(), Optional.empty(),
          server.relay(), TlsStatus.of(reached, Optional.of(v.feature())), true));
    }

    /** The check the level makes, when the certificate passed it. */
    private Optional<CertificateCheck> meetsLevel(List<X509Certificate> chain) {
      // A plugin's policy_failure fails any certificate check, as Postfix 3.12 forces it to.
      if (level.matchesCertificate()
          && policy.external().flatMap(ExternalPolicy::failure).isPresent()) {
        return Optional.empty();
      }
      return switch (level) {
        case FINGERPRINT -> chain.isEmpty() ? Optional.empty()
            : certificates.fingerprintMatch(chain.getFirst(), policy.match())
                .map(what -> CertificateCheck.fingerprint(certificates.digestName(), what));
        case VERIFY -> verified(chain, settings.verifyCertMatch())
            .map(name -> CertificateCheck.pkix(level, name));
        case SECURE -> verified(chain, settings.secureCertMatch())
            .map(name -> CertificateCheck.pkix(level, name));
        default -> Optional.of(CertificateCheck.unchecked(level));
      };
    }

    /** The name that matched in a trusted chain; empty when the chain fails. */
    private Optional<String> verified(List<X509Certificate> chain, List<String> defaults) {
      if (chain.isEmpty() || !certificates.trusted(chain)) {
        return Optional.empty();
      }
      List<String> names = new ArrayList<>();
      for (String m : policy.match().isEmpty() ? defaults : policy.match()) {
        switch (m.toLowerCase(Locale.ROOT)) {
          case "hostname" -> names.add(server.hostname());
          case "nexthop" -> names.add(d.host());
          case "dot-nexthop" -> names.add("." + d.host());
          default -> names.add(m);
        }
      }
      return names.stream()
          .filter(n -> ServerCertificateCheck.nameMatches(chain.getFirst(), List.of(n)))
          .findFirst();
    }

    private Outcome reject(String prefix, ServerReply r, boolean tryNext) {
      return reject(prefix, r, tryNext, tlsPolicy.undecided());
    }

    private Outcome reject(String prefix, ServerReply r, boolean tryNext, SecurityLevel tls) {
      quitQuietly();
      String dsn = r.permanentFailure() ? "4" + r.dsn().substring(1) : r.dsn();
      return new Failed(new SessionFailure(
          dsn, prefix + r.text(), Optional.of("smtp; " + r.text()), server.relay(),
          TlsStatus.of(tls, undecided()), tryNext));
    }

    private Outcome fail(String dsn, String text, boolean tryNext) {
      closeQuietly();
      return new Failed(new SessionFailure(dsn, text, Optional.empty(), server.relay(),
          TlsStatus.of(tlsPolicy.undecided(), undecided()), tryNext));
    }

    private Outcome failNoRelay(String dsn, String text, boolean tryNext) {
      closeQuietly();
      return new Failed(new SessionFailure(dsn, text, Optional.empty(), Relay.none(),
          TlsStatus.of(tlsPolicy.undecided(), undecided()), tryNext));
    }

    private Outcome failLevel(String dsn, String text, SecurityLevel tls) {
      return failLevel(dsn, text, tls, undecided());
    }

    private Outcome failLevel(
        String dsn, String text, SecurityLevel tls, Optional<RequireTlsFeature> requireTls) {
      quitQuietly();
      return new Failed(new SessionFailure(dsn, text, Optional.empty(), server.relay(),
          TlsStatus.of(tls, requireTls), true));
    }

    private Optional<RequireTlsFeature> undecided() {
      return action.map(a -> RequireTlsFeature.UNDECIDED);
    }

    private void quitQuietly() {
      if (conn != null) {
        new SmtpSession(conn, server, Map.of(), tlsPolicy.undecided(), false, false, false,
            clock.instant(), 0, check).quit(settings.timeouts().quit());
      }
    }

    private void closeQuietly() {
      if (conn != null) {
        conn.close();
      }
    }
  }

  /** The first word of an EHLO or HELO reply, the name the server gives itself. */
  static String announcedName(ServerReply r) {
    String first = r.lines().isEmpty() ? "" : r.lines().getFirst().strip();
    int blank = first.indexOf(' ');
    return blank < 0 ? first : first.substring(0, blank);
  }

  /** EHLO reply lines after the first: {@code KEYWORD params}, keywords upper-cased. */
  static Map<String, String> keywords(ServerReply r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.lines().subList(Math.min(1, r.lines().size()), r.lines().size())) {
      String[] kv = line.strip().split("[ =]", 2);
      if (!kv[0].isEmpty()) {
        out.put(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
      }
    }
    return out;
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
