package org.postern.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The world an MTA-STS (RFC 8461) delivery travels through: a test CA; Debian's nginx on one
 * loopback address and port 443 serving each policy domain's {@code /.well-known/mta-sts.txt} with
 * a certificate for {@code mta-sts.DOMAIN}; unbound answering the test's MX and address records
 * plus, for each policy domain, {@code _mta-sts.DOMAIN TXT "v=STSv1; id=LABEL1;"} (LABEL the
 * domain's first label) and {@code mta-sts.DOMAIN A} nginx's address; aiosmtpd MX hosts on port 25;
 * and a Postern as {@code client.test} with {@code postern_mta_sts_enable = yes} that trusts the
 * test CA through {@code smtp_tls_CAfile}.
 */
final class MtaStsWorld implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(90);
  /** A policy domain that publishes its TXT record but no policy file: the fetch gets a 404. */
  static final String NOT_SERVED = "";

  private final Path dir;
  private final TestPki pki;
  /** The zone file lines unbound serves; {@link #republish} changes them. */
  private final List<String> zone;
  private final int dnsPort;
  private Unbound unbound;
  private final Nginx nginx;
  /** What the world has started, last first. */
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private PosternInstance postern;

  private MtaStsWorld(Path dir, TestPki pki, List<String> zone, int dnsPort, Unbound unbound,
      Nginx nginx) {
    this.dir = dir;
    this.pki = pki;
    this.zone = zone;
    this.dnsPort = dnsPort;
    this.unbound = started(unbound);
    this.nginx = started(nginx);
  }

  /**
   * Starts unbound with {@code records} (zone file lines) and the policy domains' records, and
   * nginx on {@code nginxAddress}:443; {@code policies}: policy domain to its policy file, or
   * {@link #NOT_SERVED}.
   */
  static MtaStsWorld start(Path dir, String nginxAddress, Map<String, String> policies,
      List<String> records) throws IOException, InterruptedException {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    List<String> zone = new ArrayList<>(records);
    List<Nginx.Site> sites = new ArrayList<>();
    for (Map.Entry<String, String> e : policies.entrySet()) {
      String domain = e.getKey();
      zone.add("_mta-sts." + domain + ". 300 IN TXT \"v=STSv1; id=" + domain.split("\\.")[0]
          + "1;\"");
      zone.add("mta-sts." + domain + ". 300 IN A " + nginxAddress);
      Path root = Files.createDirectories(dir.resolve("www").resolve(domain));
      if (!e.getValue().equals(NOT_SERVED)) {
        Files.createDirectories(root.resolve(".well-known"));
        Files.writeString(root.resolve(".well-known/mta-sts.txt"), e.getValue());
      }
      sites.add(new Nginx.Site("mta-sts." + domain, pki.server("mta-sts." + domain), root));
    }
    int dnsPort = PosternInstance.freePort();
    Unbound unbound = startUnbound(dir.resolve("unbound"), dnsPort, zone);
    try {
      return new MtaStsWorld(dir, pki, zone, dnsPort, unbound,
          Nginx.start(dir.resolve("nginx"), nginxAddress, sites));
    } catch (IOException | RuntimeException | AssertionError | InterruptedException e) {
      unbound.close();
      throw e;
    }
  }

  /** A policy file: {@code mode}, one {@code mx} pattern, a day's {@code max_age}. */
  static String policy(String mode, String mx) {
    return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
  }

  /** TXT data needs quotes inside local-data, so the records are single-quoted here. */
  private static Unbound startUnbound(Path dir, int port, List<String> records)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> conf = new ArrayList<>(Unbound.server(dir, port, "iterator"));
    conf.add("  local-zone: \"test.\" static");
    for (String r : records) {
      conf.add("  local-data: '" + r + "'");
    }
    return Unbound.launch(dir, port, conf);
  }

  /**
   * Starts an MX host on {@code address}:25 with STARTTLS and a certificate for {@code name};
   * {@code more} are further aiosmtpd options ({@code --requiretls}).
   */
  AiosmtpdPeer startTlsPeer(String address, String name, String... more)
      throws IOException, InterruptedException {
    List<Path> cert = pki.server(name);
    List<String> options = new ArrayList<>(List.of("--tls", cert.get(0).toString(),
        cert.get(1).toString()));
    options.addAll(List.of(more));
    return started(AiosmtpdPeer.start(dir, address, 25, options.toArray(String[]::new)));
  }

  /** Starts an MX host on {@code address}:25 without STARTTLS. */
  AiosmtpdPeer startPeer(String address) throws IOException, InterruptedException {
    return started(AiosmtpdPeer.start(dir, address, 25));
  }

  private <T extends AutoCloseable> T started(T c) {
    started.push(c);
    return c;
  }

  /** Creates the Postern (not started yet) with the world's main.cf and {@code mainCf} lines. */
  PosternInstance postern(String... mainCf) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "myhostname = client.test",
        "mydestination = localhost",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "defer_transports =",
        "smtp_tls_security_level = may",
        "smtp_tls_CAfile = " + pki.caCert(),
        "postern_dns_resolver_address = " + unbound.address(),
        "postern_mta_sts_enable = yes",
        "postern_mta_sts_fetch_timeout = 10s"));
    lines.addAll(List.of(mainCf));
    postern = started(
        PosternInstance.create(dir.resolve("postern"), String.join("\n", lines) + "\n"));
    return postern;
  }

  /**
   * Publishes {@code _mta-sts.DOMAIN TXT "v=STSv1; id=ID;"} instead of the domain's record:
   * restarts unbound on the same port, so Postern's resolver address stays right.
   */
  void republish(String domain, String id) throws Exception {
    String owner = "_mta-sts." + domain + ". ";
    String record = owner + "300 IN TXT \"v=STSv1; id=" + id + ";\"";
    zone.replaceAll(r -> r.startsWith(owner) ? record : r);
    unbound.close();
    unbound = started(startUnbound(dir.resolve("unbound"), dnsPort, zone));
  }

  /** Serves {@code policy} as {@code domain}'s policy file from now on. */
  void serve(String domain, String policy) throws IOException {
    Path file = dir.resolve("www").resolve(domain).resolve(".well-known/mta-sts.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, policy);
  }

  /** Removes {@code domain}'s policy file: from now on its fetch gets a 404. */
  void unserve(String domain) throws IOException {
    Files.deleteIfExists(dir.resolve("www").resolve(domain).resolve(".well-known/mta-sts.txt"));
  }

  /** How many times nginx was asked for {@code domain}'s policy so far. */
  long fetches(String domain) throws IOException {
    return nginx.requests().stream()
        .filter(l -> l.startsWith("mta-sts." + domain + " \"GET /.well-known/mta-sts.txt "))
        .count();
  }

  /** The test CA's certificate (PEM). */
  Path caCert() {
    return pki.caCert();
  }

  /** Stops nginx: from now on every policy fetch fails. */
  void stopPolicyHost() throws InterruptedException {
    nginx.close();
  }

  /** Submits a message from sender@client.test to someone@{@code domain}; returns its queue id. */
  String send(String domain, String subject) throws IOException, InterruptedException {
    return Submit.swaks(postern, "sender@client.test", "someone@" + domain,
        "--header", "Subject: " + subject);
  }

  /** Waits for the sent, deferred or bounced line of {@code id} to someone@{@code domain}. */
  String statusLine(String id, String domain) throws InterruptedException {
    return postern.awaitLog(Pattern.compile("(" + id + ": to=<someone@"
        + Pattern.quote(domain) + ">, .*status=(?:sent|deferred|bounced).*)"), LIMIT);
  }

  /**
   * Stops what the world started, last first (Postern, the MX hosts, nginx, unbound), each even
   * when stopping the one before it failed.
   */
  @Override
  public void close() throws Exception {
    AutoCloseable last = started.poll();
    if (last != null) {
      try {
        last.close();
      } finally {
        close();
      }
    }
  }
}
