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
import org.postern.it.PosternInstance;
import org.postern.it.TestPki;

/**
 * The world a differential suite runs in, once per test class: a test CA, the {@link Receiver}s
 * its scenarios use (and the bounce receiver), and the two sender MTAs, Postfix 3.12 and Postern,
 * with the same main.cf lines and the same master.cf transports (one per distinct list of
 * scenario overrides, {@code dN unix - - n - - smtp -o ...}). Every scenario is submitted to
 * both at start, with each MTA's own sendmail; {@link #observe} then waits for each MTA's delivery
 * status line and what reached the receivers, and returns both {@link Observation}s.
 *
 * <p>Common main.cf: {@code myhostname = sender.diff.test}, IPv4, {@code transport_maps} (a
 * texthash file routing each scenario domain to its transport and receiver, and {@code
 * bounces.diff.test} to the bounce receiver), {@code smtp_tls_CAfile}, and as the certificate
 * identities the names ({@code smtp_tls_verify_cert_match}, {@code smtp_tls_secure_cert_match})
 * and SHA-256 fingerprints ({@code smtp_tls_fingerprint_cert_match}) of the correct receivers, so
 * that {@link Receiver#WRONG_CERT} matches none.
 *
 * <p>Failure: a peer that does not start, or a status line, message or bounce that does not
 * appear within the limit, fails the test with the MTA's maillog.
 */
final class DifferentialWorld implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(180);
  /** How long to wait for a message or bounce that the status line says should exist. */
  private static final Duration ARRIVAL = Duration.ofSeconds(60);

  private final Path dir;
  private final Map<Receiver, AiosmtpdPeer> receivers = new EnumMap<>(Receiver.class);
  private Postfix312 postfix;
  private PosternInstance postern;

  private DifferentialWorld(Path dir) {
    this.dir = dir;
  }

  /** Starts everything for {@code scenarios} with the suite's {@code mainCf} lines, and submits them. */
  static DifferentialWorld start(Path dir, List<String> mainCf, List<Scenario> scenarios) throws Exception {
    DifferentialWorld w = new DifferentialWorld(dir);
    try {
      w.startAll(mainCf, scenarios);
    } catch (Exception | AssertionError e) {
      w.close();
      throw e;
    }
    return w;
  }

  private void startAll(List<String> suiteMainCf, List<Scenario> scenarios) throws Exception {
    traversable(dir);
    TestPki pki = TestPki.create(dir.resolve("pki"));
    traversable(dir.resolve("pki"));
    List<String> fingerprints = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Receiver r : Receiver.values()) {
      List<Path> cert = pki.server(r.presentedCertName());
      if (r != Receiver.WRONG_CERT) {
        fingerprints.add(fingerprint(cert.get(0)));
        names.add(r.certName());
      }
      if (r == Receiver.BOUNCES || scenarios.stream().anyMatch(s -> s.receiver() == r)) {
        List<String> options = new ArrayList<>();
        if (r.offersStartTls()) {
          options.addAll(List.of("--tls", cert.get(0).toString(), cert.get(1).toString()));
        }
        options.addAll(r.options());
        receivers.put(r, AiosmtpdPeer.start(dir, r.address, 25, options.toArray(String[]::new)));
      }
    }
    Map<List<String>, String> transports = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder("bounces.diff.test smtp:" + Receiver.BOUNCES.nextHop() + "\n");
    for (Scenario s : scenarios) {
      String t = transports.computeIfAbsent(s.overrides(), o -> "d" + transports.size());
      table.append(s.domain()).append(' ').append(t).append(':').append(s.receiver().nextHop()).append('\n');
    }
    Path transportFile = dir.resolve("transport");
    Files.writeString(transportFile, table, StandardCharsets.US_ASCII);
    List<String> mainCf =
        new ArrayList<>(
            List.of(
                "myhostname = sender.diff.test",
                "mydomain = diff.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "inet_protocols = ipv4",
                "transport_maps = texthash:" + transportFile,
                "smtp_tls_CAfile = " + pki.caCert(),
                "smtp_tls_security_level = may",
                "smtp_tls_verify_cert_match = " + String.join(", ", names),
                "smtp_tls_secure_cert_match = " + String.join(", ", names),
                "smtp_tls_fingerprint_digest = sha256",
                "smtp_tls_fingerprint_cert_match = " + String.join(", ", fingerprints)));
    mainCf.addAll(suiteMainCf);
    List<String> masterCf = new ArrayList<>();
    transports.forEach(
        (overrides, name) -> {
          masterCf.add(name + " unix - - n - - smtp");
          overrides.forEach(o -> masterCf.add("  -o " + o));
        });
    postfix = Postfix312.start(dir.resolve("postfix"), mainCf, masterCf);
    List<String> posternMainCf = new ArrayList<>(mainCf);
    posternMainCf.add("defer_transports =");
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", posternMainCf) + "\n");
    postern.appendMasterCf(String.join("\n", masterCf));
    postern.startAndAwaitSmtp();
    submitAll(scenarios);
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

  private Observation observe(Scenario s, Mta mta) throws InterruptedException {
    Pattern line = Pattern.compile(": to=<" + Pattern.quote(s.recipient(mta)) + ">, (.*status=(?:sent|deferred|bounced) .*)");
    String[] found = new String[1];
    boolean logged = Commands.await(LIMIT, () -> {
      Matcher m = line.matcher(maillog(mta));
      if (m.find()) {
        found[0] = m.group(1);
      }
      return found[0] != null;
    });
    assertThat(logged).as(mta + " status line for " + s.recipient(mta) + " within " + LIMIT + ":\n" + maillog(mta)).isTrue();
    String status = found[0];
    Optional<AiosmtpdPeer.Message> message = Optional.empty();
    if (status.contains("status=sent ")) {
      message = await(receivers.get(s.receiver()), s.recipient(mta));
    }
    Optional<AiosmtpdPeer.Message> bounce = Optional.empty();
    if (status.contains("status=bounced ")) {
      bounce = await(receivers.get(Receiver.BOUNCES), s.sender(mta));
    }
    Optional<AiosmtpdPeer.Mail> mail = Optional.empty();
    if (message.isPresent()) {
      AiosmtpdPeer.Message got = message.get();
      String from = "FROM:<" + s.sender(mta) + ">";
      mail = receivers.get(s.receiver()).mails().stream()
          .filter(m -> m.connection() == got.connection() && m.words().getFirst().equalsIgnoreCase(from))
          .findFirst();
    }
    return Observation.of(status, message, mail, bounce, s.bodyMarker())
        .replacing(s.recipient(mta), "RCPT@" + s.domain())
        .replacing(s.sender(mta), "SENDER@bounces.diff.test");
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
