package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The world a REQUIRETLS message travels through on its way out: a test CA, a DNSSEC-signed
 * {@code test.} zone ({@link DnssecWorld#signedTest}: RFC 8689 asks for a secure MX lookup under
 * {@code enforce}) with MX records for the destination domains (each {@code DOMAIN MX 10 mx.DOMAIN}), and for each
 * domain an aiosmtpd server on port 25 that offers STARTTLS with a certificate for {@code
 * mx.DOMAIN} and announces REQUIRETLS. Postern runs as {@code mx.postern.test}, so with the
 * default {@code smtp_requiretls_policy} its own domain and IP-literal next hops (content
 * filters) are {@code opportunistic} and the destination domains {@code enforce};
 * {@code smtp_tls_policy_maps} gives them {@code verify} against the test CA.
 */
final class RequireTlsWorld implements AutoCloseable {
  static final String MYHOSTNAME = "mx.postern.test";
  static final Duration LIMIT = Duration.ofSeconds(90);

  private final Path dir;
  private final TestPki pki;
  private final Map<String, String> addresses;
  private final DnssecWorld unbound;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private PosternInstance postern;

  private RequireTlsWorld(Path dir, TestPki pki, Map<String, String> addresses, DnssecWorld unbound) {
    this.dir = dir;
    this.pki = pki;
    this.addresses = addresses;
    this.unbound = unbound;
  }

  /** {@code addresses}: destination domain to the loopback address of its MX host. */
  static RequireTlsWorld create(Path dir, Map<String, String> addresses) throws IOException, InterruptedException {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>();
    addresses.forEach(
        (domain, address) -> {
          records.add(domain + ". 300 IN MX 10 mx." + domain + ".");
          records.add("mx." + domain + ". 300 IN A " + address);
        });
    DnssecWorld unbound = DnssecWorld.signedTest(dir.resolve("dns"), records);
    return new RequireTlsWorld(dir, pki, new LinkedHashMap<>(addresses), unbound);
  }

  /** Starts the REQUIRETLS server for {@code domain} with a certificate for its MX host. */
  AiosmtpdPeer startPeer(String domain) throws IOException, InterruptedException {
    List<Path> cert = pki.server("mx." + domain);
    AiosmtpdPeer peer =
        AiosmtpdPeer.start(
            dir, addresses.get(domain), 25, "--tls", cert.get(0).toString(), cert.get(1).toString(), "--requiretls");
    return own(peer);
  }

  Path caCert() {
    return pki.caCert();
  }

  /**
   * A Postern as {@code mx.postern.test}: smtpd offers STARTTLS, the SMTP client verifies the
   * destination domains' certificates; {@code mainCf} lines are added.
   */
  PosternInstance postern(String... mainCf) throws IOException, InterruptedException {
    List<Path> mx = pki.server(MYHOSTNAME);
    Path policy = dir.resolve("tls_policy");
    StringBuilder table = new StringBuilder();
    addresses.keySet().forEach(d -> table.append(d).append(" verify\n"));
    Files.writeString(policy, table, StandardCharsets.US_ASCII);
    List<String> lines =
        new ArrayList<>(
            List.of(
                "myhostname = " + MYHOSTNAME,
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "defer_transports =",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + mx.get(0),
                "smtpd_tls_key_file = " + mx.get(1),
                "smtp_tls_security_level = may",
                "smtp_tls_CAfile = " + pki.caCert(),
                "smtp_tls_policy_maps = texthash:" + policy,
                "postern_dns_resolver_address = " + unbound.address()));
    lines.addAll(List.of(mainCf));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", lines) + "\n");
    return postern;
  }

  /** Closes {@code c} with this world, after Postern has stopped. */
  <T extends AutoCloseable> T own(T c) {
    owned.add(c);
    return c;
  }

  /** Appends {@code lines} to the instance's aliases file and runs {@code bin/newaliases}. */
  static void addAliases(PosternInstance postern, String lines) throws IOException, InterruptedException {
    Path aliases = postern.config().resolve("aliases");
    Files.writeString(aliases, Files.readString(aliases) + lines);
    PosternInstance.Result r = postern.command("newaliases");
    assertThat(r.status()).as("newaliases: " + r.err()).isZero();
  }

  /**
   * Asserts that {@code peer} received exactly one message for {@code recipient} over TLS with
   * REQUIRETLS on MAIL FROM, and that Postern logged it sent with {@code tls=verify/requiretls};
   * returns the message's text as received.
   */
  static String assertLeftWithRequireTls(PosternInstance postern, AiosmtpdPeer peer, String recipient)
      throws InterruptedException {
    String domain = recipient.substring(recipient.indexOf('@') + 1);
    postern.awaitLog(
        Pattern.compile(
            ": to=<" + Pattern.quote(recipient) + ">, (orig_to=<[^>]*>, )?relay=mx\\." + Pattern.quote(domain)
                + "\\[[0-9.]+\\]:25, .*tls=verify/requiretls, dsn=2\\.0\\.0, status=sent"),
        LIMIT);
    Commands.await(LIMIT, () -> peer.messages().stream().anyMatch(m -> m.recipients().contains(recipient)));
    List<AiosmtpdPeer.Message> got =
        peer.messages().stream().filter(m -> m.recipients().contains(recipient)).toList();
    assertThat(got).as("messages for " + recipient + " at the peer").hasSize(1);
    AiosmtpdPeer.Message m = got.get(0);
    assertThat(m.tls()).as("STARTTLS before the message").isTrue();
    assertThat(m.requireTls()).as("REQUIRETLS on MAIL FROM").isTrue();
    return m.text();
  }

  /**
   * Waits until local forwarded {@code id}'s {@code local} recipient ({@code NAME@mx.postern.test},
   * an alias or a user with {@code .forward}) as a new message to {@code remote}, and until that
   * message left with {@code tls=verify/requiretls}.
   */
  static void awaitForwardedWithRequireTls(PosternInstance postern, String id, String local, String remote)
      throws InterruptedException {
    String forwarded =
        postern.awaitLog(
            Pattern.compile(id + ": to=<" + Pattern.quote(local) + ">, relay=local, .*status=sent \\(forwarded as ([0-9A-Za-z]+)\\)"),
            LIMIT);
    postern.awaitLog(
        Pattern.compile(
            forwarded + ": to=<" + Pattern.quote(remote) + ">, orig_to=<" + Pattern.quote(local)
                + ">, .*tls=verify/requiretls, dsn=2\\.0\\.0, status=sent"),
        LIMIT);
  }

  /**
   * Waits until {@code id} for {@code recipient} was deferred (its domain's server not started
   * yet: no connection, so {@code tls=verify?/requiretls?}) and sits in deferred/, then starts
   * that server and runs {@code postsuper -r ALL}; returns the server.
   */
  AiosmtpdPeer startPeerAndRequeue(PosternInstance postern, String id, String recipient) throws Exception {
    String domain = recipient.substring(recipient.indexOf('@') + 1);
    postern.awaitLog(
        Pattern.compile(id + ": to=<" + Pattern.quote(recipient) + ">, .*tls=verify\\?/requiretls\\?, dsn=4\\.4\\.1, status=deferred"),
        LIMIT);
    assertThat(Commands.await(LIMIT, () -> postern.queueFilesQuietly("deferred").stream()
            .anyMatch(p -> p.getFileName().toString().equals(id))))
        .as(id + " in deferred/")
        .isTrue();
    AiosmtpdPeer peer = startPeer(domain);
    PosternInstance.Result r = postern.command("postsuper", "-r", "ALL");
    assertThat(r.status()).as("postsuper -r ALL: " + r.err()).isZero();
    assertThat(r.err()).contains("postsuper: Requeued: 1 message");
    return peer;
  }

  /** Stops Postern, then closes what this world owns (servers, filters, accounts) and unbound. */
  @Override
  public void close() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AutoCloseable c : owned) {
        c.close();
      }
      unbound.close();
    }
  }
}
