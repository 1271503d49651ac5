package org.postern.smtp;

import java.io.IOException;
import java.io.PrintStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.postern.config.MainConfig;
import org.postern.dns.Resolver;
import org.postern.table.TableOpener;
import org.postern.tls.ClientTlsContexts;
import org.postern.tls.ClientTlsPolicy;
import org.postern.tls.ServerCertificateCheck;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsSecurityLevel;

/**
 * Postern's {@code posttls-finger}: finds the servers of a destination as the SMTP client would,
 * connects to the first that answers, and prints the EHLO keywords before and after STARTTLS, the
 * certificate chain's subjects, and whether the certificate matches under the TLS level that
 * applies to the destination (or the one asked for).
 *
 * <p>Failure: DNS, connection and TLS problems are printed and make {@link #run} return false.
 */
public final class TlsProbe {
  private final SmtpSettings settings;
  private final TableOpener tables;
  private final Resolver resolver;
  private final PrintStream out;

  public TlsProbe(MainConfig config, TableOpener tables, Resolver resolver, PrintStream out) {
    this.settings = SmtpSettings.of(config, Protocol.SMTP);
    this.tables = tables;
    this.resolver = resolver;
    this.out = out;
  }

  /** Probes {@code destination}; {@code level} overrides the policy when not blank. */
  public boolean run(String destination, String level) throws Exception {
    Destination d = Destination.parse(
        destination, Protocol.SMTP, settings.defaultPort(), settings.myhostname());
    ClientTlsPolicy policy;
    List<org.postern.table.LookupTable> maps = new ArrayList<>();
    for (String spec : org.postern.util.ParameterList.split(settings.tlsPolicyMaps())) {
      maps.add(tables.open(spec));
    }
    try (TlsPolicyLookup lookup = new TlsPolicyLookup(
        level.isBlank() ? settings.tlsSecurityLevel() : level,
        level.isBlank() ? maps : List.of(), "smtp_tls_security_level", Optional.empty(),
        ServerCertificateCheck.create(settings.caFile(), settings.caPath(),
            settings.fingerprintDigest()),
        TlsPolicyLookup.fingerprints(settings, w -> out.println("warning: " + w)),
        settings.enforceStsMxPatterns())) {
      policy = lookup.policy(d).policy();
    }
    out.println("policy: " + policy.level()
        + (policy.match().isEmpty() ? "" : " match=" + String.join(":", policy.match())));
    List<Server> servers;
    try {
      servers = ServerFinder.of(settings, resolver, new Random()).find(d);
    } catch (DestinationException e) {
      out.println("error: " + e.dsn() + " " + e.getMessage());
      return false;
    }
    for (Server s : servers) {
      out.println("server: " + s + (s.dnssec() ? " (DNSSEC)" : ""));
      try (SmtpConnection c = SmtpConnection.connect(s.socketAddress(),
          settings.timeouts().connect())) {
        return probe(c, s, d, policy);
      } catch (IOException e) {
        out.println("  connect: " + e.getMessage());
      }
    }
    return false;
  }

  private boolean probe(SmtpConnection c, Server s, Destination d, ClientTlsPolicy policy)
      throws IOException, TlsConfigException {
    var t = settings.timeouts();
    out.println("  < " + c.read(t.helo()).text());
    Map<String, String> before = ehlo(c);
    out.println("  EHLO keywords: " + String.join(" ", before.keySet()));
    if (!before.containsKey("STARTTLS")) {
      out.println("  STARTTLS not offered");
      quit(c);
      return !policy.level().usesTls() || policy.level().allowsPlaintext();
    }
    c.writeLine("STARTTLS");
    c.flush();
    ServerReply r = c.read(t.helo());
    out.println("  < " + r.text());
    if (!r.positive()) {
      return false;
    }
    c.startTls(ClientTlsContexts.forEngine(settings.clientKeys().load(out::println)),
        settings.tlsHandshake().forClient(policy.level(), policy), s.hostname(), t.starttls());
    out.println("  TLS: " + c.tlsDescription());
    List<X509Certificate> chain = c.peerChain();
    for (int i = 0; i < chain.size(); i++) {
      out.println("  certificate " + i + ": subject=" + chain.get(i).getSubjectX500Principal()
          + (i == 0 ? " names=" + ServerCertificateCheck.certificateNames(chain.get(i)) : ""));
    }
    boolean matched = matches(chain, s, d, policy);
    out.println("  " + policy.level() + ": certificate "
        + (policy.level().matchesCertificate() ? (matched ? "matched" : "NOT matched")
            : "not checked at this level"));
    Map<String, String> after = ehlo(c);
    out.println("  EHLO keywords after STARTTLS: " + String.join(" ", after.keySet()));
    quit(c);
    return matched || !policy.level().matchesCertificate();
  }

  private boolean matches(
      List<X509Certificate> chain, Server s, Destination d, ClientTlsPolicy policy)
      throws TlsConfigException {
    if (chain.isEmpty()) {
      return false;
    }
    ServerCertificateCheck check = ServerCertificateCheck.create(
        settings.caFile(), settings.caPath(), settings.fingerprintDigest());
    if (policy.level() == TlsSecurityLevel.FINGERPRINT) {
      return check.fingerprintMatches(chain.getFirst(), policy.match());
    }
    List<String> wanted = !policy.match().isEmpty() ? policy.match()
        : policy.level() == TlsSecurityLevel.SECURE ? settings.secureCertMatch()
        : settings.verifyCertMatch();
    List<String> names = new ArrayList<>();
    for (String m : wanted) {
      switch (m.toLowerCase(Locale.ROOT)) {
        case "hostname" -> names.add(s.hostname());
        case "nexthop" -> names.add(d.host());
        case "dot-nexthop" -> names.add("." + d.host());
        default -> names.add(m);
      }
    }
    return check.trusted(chain) && ServerCertificateCheck.nameMatches(chain.getFirst(), names);
  }

  private Map<String, String> ehlo(SmtpConnection c) throws IOException {
    c.writeLine("EHLO " + settings.heloName());
    c.flush();
    return SessionOpener.keywords(c.read(settings.timeouts().helo()));
  }

  private void quit(SmtpConnection c) throws IOException {
    c.writeLine("QUIT");
    c.flush();
    c.read(settings.timeouts().quit());
  }
}
