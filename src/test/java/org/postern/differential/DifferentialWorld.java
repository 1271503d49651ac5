package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.it.AiosmtpdPeer;
import org.postern.it.Commands;
import org.postern.it.DnssecWorld;
import org.postern.it.PosternInstance;
import org.postern.it.TestPki;

/**
 * The world a differential suite runs in, once per test class, on the test's own {@code 127.0.x}
 * network: a test CA, the {@link Receiver}s its scenarios use (and the bounce receiver), and the
 * two sender MTAs, Postfix 3.12 and Postern, with the same main.cf lines and the same master.cf
 * transports (one per distinct list of scenario overrides, {@code dN unix - - n - - smtp -o ...}).
 * When a scenario is a chain cell ({@link RelayHop}), each MTA also has the {@link
 * RelayListener}s as smtpd listeners, and relays for the other. Every scenario is submitted to
 * both at start, with each MTA's own sendmail; {@link #observe} then waits for each MTA's delivery
 * status line (and the relay's) and what reached the receivers, and returns both {@link
 * Observation}s.
 *
 * <p>Common main.cf: {@code myhostname = sender.diff.test}, IPv4, {@code transport_maps} (a
 * texthash file per MTA routing each scenario domain, or a chain cell's recipients, to its
 * transport and next hop, and {@code bounces.diff.test} to the bounce receiver), {@code
 * smtp_tls_CAfile}, and as the certificate
 * identities the names ({@code smtp_tls_verify_cert_match}, {@code smtp_tls_secure_cert_match})
 * and SHA-256 fingerprints ({@code smtp_tls_fingerprint_cert_match}) of the correct receivers and
 * of the relay listeners, so that {@link Receiver#WRONG_CERT} matches none.
 *
 * <p>Failure: a peer that does not start, or a status line, message or bounce that does not
 * appear within the limit, fails the test with the MTA's maillog.
 */
final class DifferentialWorld implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(180);
  /** How long to wait for a message or bounce that the status line says should exist. */
  private static final Duration ARRIVAL = Duration.ofSeconds(60);

  private final Path dir;
  private final String net;
  private final Map<Receiver, AiosmtpdPeer> receivers = new EnumMap<>(Receiver.class);
  private Postfix312 postfix;
  private PosternInstance postern;
  private DnssecWorld dns;

  private DifferentialWorld(Path dir, String net) {
    this.dir = dir;
    this.net = net;
  }

  /**
   * Starts everything for {@code scenarios} with the suite's {@code mainCf} lines, the receivers
   * and relay listeners on {@code net} (a test's own {@code 127.0.x}), and submits them.
   */
  static DifferentialWorld start(Path dir, String net, List<String> mainCf, List<Scenario> scenarios)
      throws Exception {
    return start(dir, net, mainCf, scenarios, Optional.empty());
  }

  /**
   * As {@link #start(Path, String, List, List)}, with {@code dns} served by a DNSSEC test world
   * (unbound on {@code NET.53:53}): Postfix 3.12 sees it as /etc/resolv.conf ({@link
   * Postfix312#start(Path, List, List, Optional)}), Postern through {@code
   * postern_dns_resolver_address}; both with {@code smtp_dns_support_level = dnssec}.
   */
  static DifferentialWorld start(
      Path dir, String net, List<String> mainCf, List<Scenario> scenarios, Optional<DnsRecords> dns)
      throws Exception {
    DifferentialWorld w = new DifferentialWorld(dir, net);
    try {
      w.startAll(mainCf, scenarios, dns);
    } catch (Exception | AssertionError e) {
      w.close();
      throw e;
    }
    return w;
  }

  private void startAll(List<String> suiteMainCf, List<Scenario> scenarios, Optional<DnsRecords> dnsRecords)
      throws Exception {
    traversable(dir);
    TestPki pki = TestPki.create(dir.resolve("pki"));
    traversable(dir.resolve("pki"));
    List<Path> relayCert = pki.server(RelayListener.certName());
    List<String> fingerprints = new ArrayList<>(List.of(fingerprint(relayCert.get(0))));
    List<String> names = new ArrayList<>(List.of(RelayListener.certName()));
    Map<Receiver, Path> certs = new EnumMap<>(Receiver.class);
    for (Receiver r : Receiver.values()) {
      List<Path> cert = pki.server(r.presentedCertName());
      certs.put(r, cert.get(0));
      if (r != Receiver.WRONG_CERT) {
        fingerprints.add(fingerprint(cert.get(0)));
        names.add(r.certName());
      }
      if (r == Receiver.BOUNCES || scenarios.stream().anyMatch(s -> s.receiver() == r)
          || dnsRecords.map(d -> d.hosts().contains(r)).orElse(false)) {
        List<String> options = new ArrayList<>();
        if (r.offersStartTls()) {
          options.addAll(List.of("--tls", cert.get(0).toString(), cert.get(1).toString()));
        }
        options.addAll(r.options());
        receivers.put(r, AiosmtpdPeer.start(dir, r.address(net), r.port(), options.toArray(String[]::new)));
      }
    }
    Map<List<String>, String> transports = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      transports.computeIfAbsent(transportKey(s.service(), s.overrides()), o -> "d" + transports.size());
      s.relay().ifPresent(r -> transports.computeIfAbsent(transportKey("smtp", r.overrides()), o -> "d" + transports.size()));
    }
    List<String> mainCf =
        new ArrayList<>(
            List.of(
                "myhostname = sender.diff.test",
                "mydomain = diff.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "smtp_tls_security_level = may"));
    // The same trust and identities for the smtp and the lmtp client.
    for (String client : List.of("smtp", "lmtp")) {
      mainCf.addAll(List.of(
          client + "_tls_CAfile = " + pki.caCert(),
          client + "_tls_verify_cert_match = " + String.join(", ", names),
          client + "_tls_secure_cert_match = " + String.join(", ", names),
          client + "_tls_fingerprint_digest = sha256",
          client + "_tls_fingerprint_cert_match = " + String.join(", ", fingerprints)));
    }
    mainCf.addAll(suiteMainCf);
    Optional<Path> resolvConf = Optional.empty();
    if (dnsRecords.isPresent()) {
      resolvConf = Optional.of(startDns(dnsRecords.get(), certs));
      mainCf.add("smtp_dns_support_level = dnssec");
    }
    List<String> postfixMainCf = new ArrayList<>(mainCf);
    postfixMainCf.add("transport_maps = texthash:" + transportTable(Mta.POSTFIX, scenarios, transports));
    postfix = Postfix312.start(
        dir.resolve("postfix"), postfixMainCf, masterCf(Mta.POSTFIX, scenarios, transports, relayCert), resolvConf);
    List<String> posternMainCf = new ArrayList<>(mainCf);
    if (dnsRecords.isPresent()) {
      posternMainCf.add("postern_dns_resolver_address = " + net + ".53:53");
    }
    posternMainCf.add("transport_maps = texthash:" + transportTable(Mta.POSTERN, scenarios, transports));
    posternMainCf.add("defer_transports =");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", posternMainCf) + "\n");
    postern.appendMasterCf(String.join("\n", masterCf(Mta.POSTERN, scenarios, transports, relayCert)));
    postern.startAndAwaitSmtp();
    submitAll(scenarios);
  }

  /**
   * Starts the DNSSEC world with {@code d}'s records (placeholders filled in) and unbound also on
   * {@code NET.53:53}; returns the resolv.conf that names it ({@code options trust-ad}: glibc
   * passes the AD bit on only then).
   */
  private Path startDns(DnsRecords d, Map<Receiver, Path> certs) throws IOException, InterruptedException {
    List<String> records = new ArrayList<>();
    for (String line : d.records()) {
      String filled = line;
      for (Receiver r : Receiver.values()) {
        filled = filled.replace("{addr:" + r.label + "}", r.address(net));
        if (filled.contains("{tlsa:" + r.label + "}")) {
          filled = filled.replace("{tlsa:" + r.label + "}", DnssecWorld.daneEe(certs.get(r)));
        }
      }
      records.add(filled);
    }
    dns = DnssecWorld.start(dir.resolve("dns"), records, d.expired(), List.of(net + ".53@53"));
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver " + net + ".53\noptions trust-ad\n", StandardCharsets.US_ASCII);
    return resolvConf;
  }

  /**
   * {@code mta}'s transport table: each one-hop scenario's domain to its transport and receiver;
   * for a chain cell, the recipient {@code mta} sends to its transport and the other MTA's relay
   * listener, and the recipient the other MTA sends to the relay hop's transport and the receiver.
   */
  private Path transportTable(Mta mta, List<Scenario> scenarios, Map<List<String>, String> transports)
      throws IOException {
    StringBuilder table = new StringBuilder("bounces.diff.test smtp:" + Receiver.BOUNCES.nextHop(net) + "\n");
    for (Scenario s : scenarios) {
      String transport = transports.get(transportKey(s.service(), s.overrides()));
      if (s.relay().isEmpty()) {
        table.append(s.domain()).append(' ').append(transport).append(':')
            .append(s.mxDomain().orElse(s.receiver().nextHop(net))).append('\n');
        continue;
      }
      RelayHop hop = s.relay().get();
      table.append(s.recipient(mta)).append(' ').append(transport)
          .append(":[").append(hop.listener().address(net, mta.other())).append("]:25\n");
      table.append(s.recipient(mta.other())).append(' ').append(transports.get(transportKey("smtp", hop.overrides())))
          .append(':').append(s.receiver().nextHop(net)).append('\n');
    }
    Path file = dir.resolve("transport-" + mta.label());
    Files.writeString(file, table, StandardCharsets.US_ASCII);
    return file;
  }

  /** A transport: its service ({@code smtp} or {@code lmtp}), then its overrides. */
  private static List<String> transportKey(String service, List<String> overrides) {
    List<String> key = new ArrayList<>(List.of(service));
    key.addAll(overrides);
    return key;
  }

  /** The transports ({@code dN unix - - n - - smtp -o ...}) and {@code mta}'s relay listeners. */
  private List<String> masterCf(
      Mta mta, List<Scenario> scenarios, Map<List<String>, String> transports, List<Path> relayCert) {
    List<String> masterCf = new ArrayList<>();
    transports.forEach(
        (key, name) -> {
          masterCf.add(name + " unix - - n - - " + key.getFirst());
          key.subList(1, key.size()).forEach(o -> masterCf.add("  -o " + o));
        });
    scenarios.stream().flatMap(s -> s.relay().stream()).map(RelayHop::listener).distinct().forEach(l -> {
      masterCf.add(l.address(net, mta) + ":25 inet n - n - - smtpd");
      l.overrides(relayCert.get(0), relayCert.get(1)).forEach(o -> masterCf.add("  -o " + o));
    });
    return masterCf;
  }

  /** Postfix's sendmail is quick: one after another; Postern's start a JVM each: two at a time. */
  private void submitAll(List<Scenario> scenarios) throws Exception {
    for (Scenario s : scenarios) {
      postfix.sendmail(s.message(Mta.POSTFIX), s.submission().arguments(s.sender(Mta.POSTFIX), s.recipient(Mta.POSTFIX)));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<PosternInstance.Result>> results = new ArrayList<>();
      for (Scenario s : scenarios) {
        results.add(pool.submit(() -> postern.commandWithInput(
            s.message(Mta.POSTERN).getBytes(StandardCharsets.UTF_8), "sendmail",
            s.submission().arguments(s.sender(Mta.POSTERN), s.recipient(Mta.POSTERN)).toArray(String[]::new))));
      }
      for (Future<PosternInstance.Result> f : results) {
        PosternInstance.Result r = f.get();
        assertThat(r.status()).as("Postern sendmail: " + r.err()).isZero();
      }
    }
  }

  /** Both MTAs' observations of {@code s}, once each has logged its outcome. */
  Map<Mta, Observation> observe(Scenario s) throws InterruptedException {
    Map<Mta, Observation> out = new EnumMap<>(Mta.class);
    for (Mta mta : Mta.values()) {
      out.put(mta, observe(s, mta));
    }
    return out;
  }

  /**
   * What happened to the message {@code mta} sent for {@code s}: one-hop, its status line; a
   * chain, its status line as {@code client.*} and the relaying MTA's as the main one. Then what
   * reached the receiver and the bounce.
   */
  private Observation observe(Scenario s, Mta mta) throws InterruptedException {
    String recipient = s.recipient(mta);
    String status = statusLine(mta, recipient);
    Optional<String> client = Optional.empty();
    if (s.relay().isPresent()) {
      client = Optional.of(status);
      status = status.contains("status=sent ") ? statusLine(mta.other(), recipient) : "(not relayed)";
    }
    Optional<AiosmtpdPeer.Message> message = Optional.empty();
    Receiver at = s.receiver();
    if (status.contains("status=sent ")) {
      Commands.await(ARRIVAL, () -> receivedBy(recipient).isPresent());
      at = receivedBy(recipient).orElse(at);
      message = find(receivers.get(at), recipient);
    }
    Optional<AiosmtpdPeer.Message> bounce = Optional.empty();
    if (status.contains("status=bounced ") || client.filter(c -> c.contains("status=bounced ")).isPresent()) {
      bounce = await(receivers.get(Receiver.BOUNCES), s.sender(mta));
    }
    Optional<AiosmtpdPeer.Mail> mail = Optional.empty();
    if (message.isPresent()) {
      AiosmtpdPeer.Message got = message.get();
      String from = "FROM:<" + s.sender(mta) + ">";
      mail = receivers.get(at).mails().stream()
          .filter(m -> m.connection() == got.connection() && m.words().getFirst().equalsIgnoreCase(from))
          .findFirst();
    }
    Observation seen = Observation.of(status, message, mail, bounce, s.bodyMarker());
    if (client.isPresent()) {
      seen = seen.withStatus("client.", client.get()).withReceivedShape(message);
    }
    Observation named = seen.replacing(recipient, "RCPT@" + s.domain()).replacing(s.sender(mta), "SENDER@bounces.diff.test");
    return s.relay().map(h -> named.replacing(h.listener().address(net, mta.other()), "RELAY")).orElse(named);
  }

  /** The receiver (not the bounce receiver) that got a message for {@code recipient}, if any. */
  private Optional<Receiver> receivedBy(String recipient) {
    return receivers.keySet().stream()
        .filter(r -> r != Receiver.BOUNCES && find(receivers.get(r), recipient).isPresent())
        .findFirst();
  }

  /** {@code mta}'s delivery status line for {@code recipient}, the text after {@code to=<...>, }. */
  private String statusLine(Mta mta, String recipient) throws InterruptedException {
    Pattern line = Pattern.compile(": to=<" + Pattern.quote(recipient) + ">, (.*status=(?:sent|deferred|bounced) .*)");
    String[] found = new String[1];
    boolean logged = Commands.await(LIMIT, () -> {
      Matcher m = line.matcher(maillog(mta));
      if (m.find()) {
        found[0] = m.group(1);
      }
      return found[0] != null;
    });
    assertThat(logged).as(mta + " status line for " + recipient + " within " + LIMIT + ":\n" + maillog(mta)).isTrue();
    return found[0];
  }

  private static Optional<AiosmtpdPeer.Message> await(AiosmtpdPeer peer, String recipient) throws InterruptedException {
    Commands.await(ARRIVAL, () -> find(peer, recipient).isPresent());
    return find(peer, recipient);
  }

  private static Optional<AiosmtpdPeer.Message> find(AiosmtpdPeer peer, String recipient) {
    return peer.messages().stream().filter(m -> m.recipients().contains(recipient)).findFirst();
  }

  String maillog(Mta mta) {
    return mta == Mta.POSTFIX ? postfix.maillogText() : postern.maillogText();
  }

  /** The SHA-256 fingerprint of a PEM certificate, as {@code AB:CD:...}. */
  private static String fingerprint(Path cert) throws IOException, InterruptedException {
    PosternInstance.Result r = Commands.ok(
        List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert.toString()), null, LIMIT);
    String out = r.out().strip();
    return out.substring(out.indexOf('=') + 1);
  }

  /** Postfix's daemons run as {@code postfix}: the temporary directories must let them in. */
  private static void traversable(Path d) throws IOException {
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Override
  public void close() throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(postern);
    all.add(postfix);
    all.addAll(receivers.values());
    all.add(dns);
    Exception first = null;
    for (AutoCloseable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
