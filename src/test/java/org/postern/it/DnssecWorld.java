package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A DNSSEC-signed test world for DANE (RFC 7672). Debian's nsd is authoritative on 127.0.0.1 and
 * a free port for {@value #SIGNED}, signed with ldns-signzone (a KSK and a ZSK from ldns-keygen,
 * ECDSA P-256, NSEC), and for {@value #INSECURE}, an unsigned zone delegated from it without a DS
 * record: an insecure delegation the validator proves with the parent's signed NSEC. Debian's
 * unbound is the validating resolver ({@code validator iterator}) on another free port, with the
 * KSK's DS as its only trust anchor and stub zones pointing at nsd; Postern reaches it through
 * {@code postern_dns_resolver_address} with {@code smtp_dns_support_level = dnssec}.
 *
 * <p>The test gives the records as zone file lines with absolute owner names; each goes to the
 * zone its owner is in. Owner names passed as {@code expired} get the RRSIGs of a second signing
 * whose validity ended in 2020: unbound finds those answers bogus and returns SERVFAIL, as a
 * validating resolver does for a broken signature. {@link #daneEe}, {@link #daneTa} and {@link
 * #wrongTlsa} compute TLSA record data from certificates.
 *
 * <p>Start-up waits until nsd answers authoritatively and unbound answers for the signed zone with
 * the AD bit (and for the unsigned one without); otherwise the test fails with both logs.
 */
public final class DnssecWorld implements AutoCloseable {
  public static final String SIGNED = "dane.test.";
  public static final String INSECURE = "insecure.dane.test.";
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private final Path dir;
  private final Process nsd;
  private Unbound unbound;

  private DnssecWorld(Path dir, Process nsd) {
    this.dir = dir;
    this.nsd = nsd;
  }

  /** Signs and serves {@code records}; the RRSIGs of the names in {@code expired} have expired. */
  static DnssecWorld start(Path dir, List<String> records, Set<String> expired)
      throws IOException, InterruptedException {
    return start(dir, records, expired, List.of());
  }

  /**
   * As {@link #start(Path, List, Set)}, with unbound also listening on each of {@code interfaces}
   * ({@code 127.0.90.53@53}): a program that reads only /etc/resolv.conf needs port 53.
   */
  public static DnssecWorld start(Path dir, List<String> records, Set<String> expired, List<String> interfaces)
      throws IOException, InterruptedException {
    return start(new Zones(SIGNED, INSECURE), dir, records, expired, interfaces);
  }

  /**
   * A world whose signed zone is {@code test.} itself (and {@code insecure.test.} the unsigned
   * delegation): for tests whose names are all under {@code .test} and that need their MX answers
   * to carry the AD bit, as RFC 8689 asks of a REQUIRETLS delivery under {@code enforce}.
   */
  static DnssecWorld signedTest(Path dir, List<String> records)
      throws IOException, InterruptedException {
    return start(new Zones("test.", "insecure.test."), dir, records, Set.of(), List.of());
  }

  /** The signed zone and the unsigned zone delegated from it. */
  private record Zones(String signed, String insecure) {}

  private static DnssecWorld start(Zones z, Path dir, List<String> records, Set<String> expired,
      List<String> interfaces) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> signed = new ArrayList<>(apex(z, z.signed()));
    signed.add("ns." + z.signed() + " IN A 127.0.0.1");
    signed.add(z.insecure() + " IN NS ns." + z.signed());
    List<String> insecure = new ArrayList<>(apex(z, z.insecure()));
    for (String r : records) {
      String owner = r.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
      if (within(owner, z.insecure())) {
        insecure.add(r);
      } else if (within(owner, z.signed())) {
        signed.add(r);
      } else {
        throw new IllegalArgumentException("record outside " + z.signed() + ": " + r);
      }
    }
    String ksk = tool(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", z.signed()).strip();
    String zsk = tool(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", z.signed()).strip();
    Path signedZone = sign(z, dir, signed, expired, ksk, zsk);
    Path insecureZone = write(dir.resolve(z.insecure() + "zone"), z.insecure(), insecure);
    int nsdPort = PosternInstance.freePort();
    Process nsd = startNsd(z, dir, nsdPort, signedZone, insecureZone);
    DnssecWorld world = new DnssecWorld(dir, nsd);
    try {
      world.awaitAnswer(nsdPort, z.signed(), "nsd authoritative for " + z.signed(), false, true);
      world.unbound = startUnbound(z, dir.resolve("unbound"), nsdPort, trustAnchor(dir, ksk), interfaces);
      int port = world.unboundPort();
      world.awaitAnswer(port, z.signed(), "unbound validating " + z.signed() + " (AD bit)", true, true);
      world.awaitAnswer(
          port, z.insecure(), "unbound answering " + z.insecure() + " (no AD bit)", true, false);
    } catch (IOException | RuntimeException | AssertionError | InterruptedException e) {
      world.close();
      throw e;
    }
    return world;
  }

  /** The value for {@code postern_dns_resolver_address}. */
  String address() {
    return unbound.address();
  }

  /** nsd's and unbound's logs, for failure messages. */
  public String logs() {
    String nsdLog;
    try {
      Path log = dir.resolve("nsd.log");
      nsdLog = Files.isRegularFile(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      nsdLog = "(nsd.log unreadable: " + e + ")";
    }
    return "nsd:\n" + nsdLog + "\nunbound:\n" + (unbound == null ? "" : unbound.log());
  }

  /** DANE-EE(3) SPKI(1) SHA2-256(1) for the certificate in {@code certPem}. */
  public static String daneEe(Path certPem) throws IOException {
    return "3 1 1 " + sha256(certificate(certPem).getPublicKey().getEncoded());
  }

  /** DANE-TA(2) Cert(0) SHA2-256(1) for the CA certificate in {@code caPem}. */
  static String daneTa(Path caPem) throws IOException {
    try {
      return "2 0 1 " + sha256(certificate(caPem).getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(caPem + ": " + e.getMessage(), e);
    }
  }

  /** A well-formed DANE-EE(3) record that matches no key of any test certificate. */
  public static String wrongTlsa() {
    return "3 1 1 " + sha256("no server has this key".getBytes(StandardCharsets.US_ASCII));
  }

  private static X509Certificate certificate(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(pem + ": not a certificate: " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static boolean within(String name, String zone) {
    return name.equals(zone) || name.endsWith("." + zone);
  }

  private static List<String> apex(Zones z, String zone) {
    return List.of(
        zone + " IN SOA ns." + z.signed() + " hostmaster." + z.signed() + " 1 3600 600 86400 300",
        zone + " IN NS ns." + z.signed());
  }

  private static Path write(Path file, String origin, List<String> lines) throws IOException {
    List<String> zone = new ArrayList<>(List.of("$ORIGIN " + origin, "$TTL 300"));
    zone.addAll(lines);
    Files.writeString(file, String.join("\n", zone) + "\n", StandardCharsets.US_ASCII);
    return file;
  }

  /**
   * Signs the zone twice with the same keys, the second time valid only in January 2020, and
   * keeps the expired RRSIGs (other than those over NSEC) for the {@code expired} owner names.
   */
  private static Path sign(
      Zones z, Path dir, List<String> records, Set<String> expired, String ksk, String zsk)
      throws IOException, InterruptedException {
    Path zone = write(dir.resolve(z.signed() + "zone"), z.signed(), records);
    Path good = dir.resolve(z.signed() + "good");
    Path old = dir.resolve(z.signed() + "expired");
    tool(dir, "ldns-signzone", "-o", z.signed(), "-f", good.toString(), zone.toString(), zsk, ksk);
    tool(dir, "ldns-signzone", "-o", z.signed(), "-i", "20200101", "-e", "20200201", "-f",
        old.toString(), zone.toString(), zsk, ksk);
    Set<String> bogus = new HashSet<>();
    expired.forEach(n -> bogus.add(n.toLowerCase(Locale.ROOT)));
    Map<String, String> oldSignatures = new HashMap<>();
    for (String line : Files.readAllLines(old)) {
      signatureKey(line).ifPresent(k -> oldSignatures.put(k, line));
    }
    List<String> out = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    for (String line : Files.readAllLines(good)) {
      String k = signatureKey(line).orElse("");
      String owner = k.isEmpty() ? "" : k.substring(0, k.indexOf(' '));
      boolean replace = !k.endsWith(" NSEC") && bogus.contains(owner);
      if (replace) {
        replaced.add(owner);
      }
      out.add(replace ? oldSignatures.get(k) : line);
    }
    bogus.removeAll(replaced);
    if (!bogus.isEmpty()) {
      throw new IllegalArgumentException("expired names without records in " + z.signed() + ": "
          + bogus);
    }
    Path signed = dir.resolve(z.signed() + "signed");
    Files.writeString(signed, String.join("\n", out) + "\n", StandardCharsets.US_ASCII);
    return signed;
  }

  /** {@code owner TYPE} for an RRSIG line of ldns-signzone's output: the RRset it covers. */
  private static Optional<String> signatureKey(String line) {
    String[] f = line.strip().split("\\s+");
    if (f.length > 4 && f[3].equals("RRSIG")) {
      return Optional.of(f[0].toLowerCase(Locale.ROOT) + " " + f[4]);
    }
    return Optional.empty();
  }

  /** The KSK's DS record as ldns-keygen wrote it, on one line for unbound's trust-anchor. */
  private static String trustAnchor(Path dir, String ksk) throws IOException {
    return Files.readString(dir.resolve(ksk + ".ds")).strip().replaceAll("\\s+", " ");
  }

  /** Runs a tool in {@code dir}; its standard output, or a failure with everything it said. */
  private static String tool(Path dir, String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(List.of(argv) + " still running after " + LIMIT);
    }
    assertThat(p.exitValue()).as(List.of(argv) + " in " + dir + ":\n" + out).isZero();
    return out;
  }

  private static Process startNsd(Zones z, Path dir, int port, Path signed, Path insecure)
      throws IOException, InterruptedException {
    List<String> conf =
        List.of(
            "server:",
            "  ip-address: 127.0.0.1@" + port,
            "  port: " + port,
            "  do-ip6: no",
            "  username: \"\"",
            "  chroot: \"\"",
            "  zonesdir: \"" + dir + "\"",
            "  database: \"\"",
            "  zonelistfile: \"" + dir.resolve("zone.list") + "\"",
            "  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"",
            "  xfrdir: \"" + dir + "\"",
            "  pidfile: \"" + dir.resolve("nsd.pid") + "\"",
            "  logfile: \"" + dir.resolve("nsd.log") + "\"",
            "  server-count: 1",
            "  verbosity: 1",
            "remote-control:",
            "  control-enable: no",
            "zone:",
            "  name: \"" + z.signed() + "\"",
            "  zonefile: \"" + signed + "\"",
            "zone:",
            "  name: \"" + z.insecure() + "\"",
            "  zonefile: \"" + insecure + "\"");
    Path file = dir.resolve("nsd.conf");
    Files.writeString(file, String.join("\n", conf) + "\n", StandardCharsets.US_ASCII);
    tool(dir, "/usr/sbin/nsd-checkconf", file.toString());
    return new ProcessBuilder("/usr/sbin/nsd", "-d", "-c", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nsd.out").toFile())
        .start();
  }

  private static Unbound startUnbound(Zones z, Path dir, int nsdPort, String trustAnchor, List<String> interfaces)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(dir, port, "validator iterator"));
    interfaces.forEach(i -> conf.add("  interface: " + i));
    conf.addAll(
        List.of(
            "  do-not-query-localhost: no",
            "  trust-anchor: \"" + trustAnchor + "\"",
            "  val-log-level: 2"));
    if (!z.signed().equals("test.")) {
      conf.add("  local-zone: \"test.\" static");
    }
    conf.add("  local-zone: \"" + z.signed() + "\" transparent");
    for (String zone : List.of(z.signed(), z.insecure())) {
      conf.addAll(
          List.of("stub-zone:", "  name: \"" + zone + "\"", "  stub-addr: 127.0.0.1@" + nsdPort));
    }
    return Unbound.launch(dir, port, conf);
  }

  private int unboundPort() {
    String a = unbound.address();
    return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
  }

  /**
   * Waits until the server on {@code port} answers {@code zone SOA} with NOERROR, and with the AD
   * bit (a {@code recursive} query to unbound) or the AA bit (to nsd) as {@code secure} says.
   */
  private void awaitAnswer(int port, String zone, String what, boolean recursive, boolean secure)
      throws InterruptedException {
    String[] last = {"no answer"};
    boolean ok =
        Commands.await(
            LIMIT,
            () -> {
              if (!nsd.isAlive()) {
                last[0] = "nsd exited with " + nsd.exitValue();
                return false;
              }
              try {
                Message reply = query(port, zone, recursive);
                last[0] = reply.toString();
                int flag = recursive ? Flags.AD : Flags.AA;
                return reply.getRcode() == Rcode.NOERROR
                    && reply.getHeader().getFlag(flag) == secure;
              } catch (IOException e) {
                last[0] = e.toString();
                return false;
              }
            });
    assertThat(ok)
        .as(what + " on 127.0.0.1:" + port + "; last reply:\n" + last[0] + "\n" + logs())
        .isTrue();
  }

  private static Message query(int port, String zone, boolean recursive) throws IOException {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    r.setTimeout(Duration.ofSeconds(2));
    r.setEDNS(0, 0, org.xbill.DNS.ExtendedFlags.DO);
    Message q = Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN));
    q.getHeader().setFlag(Flags.AD);
    if (!recursive) {
      q.getHeader().unsetFlag(Flags.RD);
    }
    return r.send(q);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      if (unbound != null) {
        unbound.close();
      }
    } finally {
      nsd.destroy();
      if (!nsd.waitFor(10, TimeUnit.SECONDS)) {
        nsd.destroyForcibly();
        nsd.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
