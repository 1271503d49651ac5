package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DANE (RFC 7672) end to end: Postern at {@code smtp_tls_security_level = dane} (and {@code
 * dane-only} per destination from {@code smtp_tls_policy_maps}) resolves through a validating
 * unbound ({@link DnssecWorld}) and delivers to aiosmtpd peers on 127.0.61.x:25. Each case asserts
 * what the peer received, what stayed in the queue, and the exact {@code tls=} field of the
 * delivery status line, as Postfix 3.12 writes it (the level DANE settled on is logged, not the
 * configured one): {@code dane} for a matching DANE-EE or DANE-TA record, {@code halfdane} when
 * the MX answer was not signed, {@code may} without TLSA records, {@code encrypt} when none is
 * usable, {@code unknown?} deferrals for a bogus TLSA answer and never a downgrade, no {@code tls=}
 * field at all for a bogus MX answer (no policy was looked up), {@code unknown?} for {@code
 * dane-only} instead of a downgrade, {@code !dane} for a certificate that matches no record. A
 * REQUIRETLS message under {@code smtp_requiretls_policy = enforce} leaves with {@code
 * tls=dane/requiretls} for a DANE-verified server and is returned for a halfdane one; its {@code
 * requiretls:} line names the TLSA record that matched.
 */
class DaneIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String SENDER = "root@client.test";
  private static final Pattern TLS = Pattern.compile(", tls=([^,]+), ");

  @TempDir static Path dir;
  private static DnssecWorld world;
  private static TestPki pki;
  private static final List<AiosmtpdPeer> peers = new ArrayList<>();
  private static AiosmtpdPeer ee;
  private static AiosmtpdPeer ta;
  private static AiosmtpdPeer half;
  private static AiosmtpdPeer noTlsa;
  private static AiosmtpdPeer unusable;
  private static AiosmtpdPeer wrong;
  private static AiosmtpdPeer bogus;
  private static AiosmtpdPeer onlyInsecure;
  private static AiosmtpdPeer onlyNoTlsa;
  private static AiosmtpdPeer eeOtherName;
  private static AiosmtpdPeer taOtherName;
  private static PosternInstance postern;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir.resolve("pki"));
    List<String> records = new ArrayList<>();
    ee = peer(records, "mx-ee", 11, "ee", Tlsa.EE);
    ta = peer(records, "mx-ta", 12, "ta", Tlsa.TA);
    half = peer(records, "mx-half", 13, null, Tlsa.EE);
    noTlsa = peer(records, "mx-notlsa", 14, "notlsa", Tlsa.NONE);
    unusable = peer(records, "mx-unusable", 15, "unusable", Tlsa.PKIX_EE);
    wrong = peer(records, "mx-wrong", 16, "wrong", Tlsa.WRONG);
    bogus = peer(records, "mx-bogus", 17, "bogus", Tlsa.EE);
    onlyInsecure = peer(records, "mx-only", 18, null, Tlsa.EE);
    onlyNoTlsa = peer(records, "mx-only-notlsa", 19, "only", Tlsa.NONE);
    eeOtherName = peer(records, "mx-ee-name", 20, "eename", Tlsa.EE, "unrelated.example");
    taOtherName = peer(records, "mx-ta-name", 21, "taname", Tlsa.TA, "other.example");
    records.add("insecure.dane.test. IN MX 10 mx-half.dane.test.");
    records.add("only.insecure.dane.test. IN MX 10 mx-only.dane.test.");
    records.add("bogusmx.dane.test. IN MX 10 mx-bogus.dane.test.");
    world =
        DnssecWorld.start(
            dir.resolve("dns"),
            records,
            Set.of("_25._tcp.mx-bogus.dane.test.", "bogusmx.dane.test."));
    List<Path> client = pki.server("client.test");
    postern =
        PosternInstance.create(
            dir.resolve("postern"),
            String.join(
                "\n",
                "myhostname = client.test",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.0/8",
                "local_recipient_maps =",
                "inet_protocols = ipv4",
                "defer_transports =",
                "postern_dns_resolver_address = " + world.address(),
                "smtp_dns_support_level = dnssec",
                "smtp_tls_security_level = dane",
                "smtp_tls_policy_maps = inline:{ {only.insecure.dane.test = dane-only}"
                    + " {only.dane.test = dane-only} }",
                "smtp_requiretls_policy = enforce",
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + client.get(0),
                "smtpd_tls_key_file = " + client.get(1),
                ""));
    postern.startAndAwaitSmtp();
  }

  /** What the zone publishes at {@code _25._tcp} of a peer's host name. */
  private enum Tlsa { EE, TA, PKIX_EE, WRONG, NONE }

  private static AiosmtpdPeer peer(
      List<String> records, String name, int host, String domain, Tlsa tlsa) throws Exception {
    return peer(records, name, host, domain, tlsa, name + ".dane.test");
  }

  /**
   * A TLS + REQUIRETLS peer {@code name}.dane.test on 127.0.61.{@code host} with a certificate
   * for {@code certName}, its A and TLSA records, and the MX record of {@code domain}.dane.test
   * pointing at it (when not null).
   */
  private static AiosmtpdPeer peer(
      List<String> records, String name, int host, String domain, Tlsa tlsa, String certName)
      throws Exception {
    String fqdn = name + ".dane.test";
    List<Path> cert = pki.server(certName);
    Path chain = cert.get(0);
    String address = "127.0.61." + host;
    records.add(fqdn + ". IN A " + address);
    String data =
        switch (tlsa) {
          case EE -> DnssecWorld.daneEe(cert.get(0));
          case TA -> DnssecWorld.daneTa(pki.caCert());
          case PKIX_EE -> DnssecWorld.daneEe(cert.get(0)).replaceFirst("^3 ", "1 ");
          case WRONG -> DnssecWorld.wrongTlsa();
          case NONE -> null;
        };
    if (data != null) {
      records.add("_25._tcp." + fqdn + ". IN TLSA " + data);
    }
    if (tlsa == Tlsa.TA) {
      // DANE-TA matches a certificate the server sends: leaf, then the CA.
      chain = dir.resolve(name + ".chain.pem");
      Files.writeString(chain, Files.readString(cert.get(0)) + Files.readString(pki.caCert()));
    }
    if (domain != null) {
      records.add(domain + ".dane.test. IN MX 10 " + fqdn + ".");
    }
    AiosmtpdPeer p =
        AiosmtpdPeer.start(
            dir, address, 25, "--tls", chain.toString(), cert.get(1).toString(), "--requiretls");
    peers.add(p);
    return p;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (postern != null) {
        postern.close();
      }
    } finally {
      for (AiosmtpdPeer p : peers) {
        p.close();
      }
      if (world != null) {
        world.close();
      }
    }
  }

  @Test
  void daneEe_signedMxMatchingTlsa_sentTlsDane() throws Exception {
    String line = sent("plain@ee.dane.test", ee);

    assertThat(tls(line)).isEqualTo("dane");
    assertThat(line).contains("relay=mx-ee.dane.test[127.0.61.11]:25");
    assertThat(received(ee, "plain@ee.dane.test").requireTls()).isFalse();
  }

  @Test
  void daneTa_caDigestAndMxNameInCertificate_sentTlsDane() throws Exception {
    String line = sent("someone@ta.dane.test", ta);

    assertThat(tls(line)).isEqualTo("dane");
    assertThat(line).contains("relay=mx-ta.dane.test[127.0.61.12]:25");
  }

  /** RFC 7672 section 3.1.1: DANE-EE(3) ignores the names in the certificate. */
  @Test
  void daneEe_certificateForAnotherName_sentTlsDane() throws Exception {
    assertThat(tls(sent("someone@eename.dane.test", eeOtherName))).isEqualTo("dane");
  }

  /** RFC 7672 section 3.2.3: DANE-TA(2) needs the MX host or next-hop name in the certificate. */
  @Test
  void daneTa_certificateForAnotherName_deferredNothingDelivered() throws Exception {
    String line = deferred("someone@taname.dane.test", taOtherName);

    assertThat(tls(line)).isEqualTo("!dane");
    assertThat(line).contains("dsn=4.7.5,").contains("status=deferred (Server certificate not verified)");
  }

  @Test
  void insecureMx_signedHostWithTlsa_sentTlsDaneHalfdane() throws Exception {
    String line = sent("plain@insecure.dane.test", half);

    assertThat(tls(line)).isEqualTo("halfdane");
    assertThat(line).contains("relay=mx-half.dane.test[127.0.61.13]:25");
  }

  /** RFC 7672 section 2.2: a secure "no TLSA records" answer leaves opportunistic TLS. */
  @Test
  void signedMxWithoutTlsa_sentTlsDaneMay() throws Exception {
    assertThat(tls(sent("someone@notlsa.dane.test", noTlsa))).isEqualTo("may");
  }

  /** Only a PKIX-EE(1) record: TLSA records exist but none is usable, so TLS is mandatory. */
  @Test
  void unusableTlsa_sentTlsDaneEncrypt() throws Exception {
    assertThat(tls(sent("someone@unusable.dane.test", unusable))).isEqualTo("encrypt");
  }

  @Test
  void wrongTlsa_deferredNothingDelivered() throws Exception {
    String line = deferred("someone@wrong.dane.test", wrong);

    assertThat(tls(line)).isEqualTo("!dane");
    assertThat(line)
        .contains("relay=mx-wrong.dane.test[127.0.61.16]:25")
        .contains("dsn=4.7.5,")
        .contains("Server certificate not verified");
    assertThat(wrong.connectionCount()).as("the handshake happened").isPositive();
  }

  /** A TLSA answer whose signature expired: SERVFAIL from the validator, never a downgrade. */
  @Test
  void bogusTlsa_deferredTlsDaneUndecided_noConnection() throws Exception {
    heldBeforeConnecting("someone@bogus.dane.test", bogus, "unknown?", "4.7.5");
  }

  @Test
  void bogusMx_deferredTlsDaneUndecided_noConnection() throws Exception {
    heldBeforeConnecting("someone@bogusmx.dane.test", bogus, null, "4.4.3");
  }

  /** What {@code dane} delivers as halfdane, {@code dane-only} holds: the MX was not signed. */
  @Test
  void daneOnly_insecureMx_deferredNoConnection() throws Exception {
    heldBeforeConnecting("someone@only.insecure.dane.test", onlyInsecure, "unknown?", "4.7.5");
  }

  /** What {@code dane} delivers as may, {@code dane-only} holds: no TLSA records. */
  @Test
  void daneOnly_noTlsa_deferredNoConnection() throws Exception {
    heldBeforeConnecting("someone@only.dane.test", onlyNoTlsa, "unknown?", "4.7.5");
  }

  @Test
  void requireTls_enforceDaneVerifiedPeer_sentTlsDaneRequiretls() throws Exception {
    String id =
        Submit.requireTls(postern, pki.caCert(), SENDER, "secret@ee.dane.test", "rt", "SECRET");

    String line = statusLine(id, "secret@ee.dane.test");
    assertThat(tls(line)).isEqualTo("dane/requiretls");
    assertThat(line).contains("relay=mx-ee.dane.test[127.0.61.11]:25").contains("status=sent");
    assertThat(postern.logLines(Pattern.compile(id + ": requiretls: "))).singleElement().asString()
        .endsWith(id + ": requiretls: to=<secret@ee.dane.test>,"
            + " relay=mx-ee.dane.test[127.0.61.11]:25, check=dane (TLSA 3 1 1 matched depth 0)");
    AiosmtpdPeer.Message m = received(ee, "secret@ee.dane.test");
    assertThat(m.tls()).isTrue();
    assertThat(m.requireTls()).as("REQUIRETLS on MAIL FROM").isTrue();
  }

  /** A halfdane MX does not count as a certificate match: enforce returns the message. */
  @Test
  void requireTls_enforceHalfdaneMx_bouncedNotDelivered() throws Exception {
    String rcpt = "secret@insecure.dane.test";
    String id = Submit.requireTls(postern, pki.caCert(), SENDER, rcpt, "rt", "SECRET-HALF");

    String line = statusLine(id, rcpt);
    assertThat(tls(line)).isEqualTo("halfdane/!requiretls:nocertmatch");
    assertThat(line).contains("dsn=5.7.10, status=bounced");
    // The TLSA record matched, but the MX host was found without DNSSEC: no certificate match.
    assertThat(postern.logLines(Pattern.compile(id + ": requiretls: "))).singleElement().asString()
        .endsWith(", check=dane (TLSA 3 1 1 matched depth 0, MX host not DNSSEC-validated)");
    String notice =
        postern.awaitLog(
            Pattern.compile(id + ": sender non-delivery notification: ([0-9A-Za-z]+)"), LIMIT);
    postern.awaitLog(
        Pattern.compile(notice + ": to=<root@client\\.test>, relay=local, .*status=sent"), LIMIT);
    assertThat(half.messages()).noneMatch(m -> m.recipients().contains(rcpt));
    assertThat(half.messages()).noneMatch(m -> m.text().contains("SECRET-HALF"));
    assertThat(postern.queueIds("deferred")).doesNotContain(id);
  }

  /** swaks to {@code rcpt}; the status line, once sent and received by {@code peer} over TLS. */
  private static String sent(String rcpt, AiosmtpdPeer peer) throws Exception {
    String line = statusLine(Submit.swaks(postern, SENDER, rcpt), rcpt);
    assertThat(line).contains("dsn=2.0.0, status=sent");
    assertThat(received(peer, rcpt).tls()).as("TLS at the peer").isTrue();
    return line;
  }

  /** swaks to {@code rcpt}; the status line, once deferred, in the queue and not at the peer. */
  private static String deferred(String rcpt, AiosmtpdPeer peer) throws Exception {
    String id = Submit.swaks(postern, SENDER, rcpt);
    String line = statusLine(id, rcpt);
    assertThat(line).contains("status=deferred");
    assertThat(Commands.await(LIMIT, () -> postern.queueFilesQuietly("deferred").stream()
            .anyMatch(p -> p.getFileName().toString().equals(id))))
        .as(id + " in the deferred queue")
        .isTrue();
    assertThat(peer.messages()).isEmpty();
    return line;
  }

  /** Deferred with {@code tls} and {@code dsn} before any connection to {@code peer}. */
  /** {@code tls} null: the line has no tls= field (the failure came before any TLS policy). */
  private static void heldBeforeConnecting(String rcpt, AiosmtpdPeer peer, String tls, String dsn)
      throws Exception {
    String line = deferred(rcpt, peer);
    if (tls == null) {
      assertThat(line).doesNotContain(", tls=");
    } else {
      assertThat(tls(line)).isEqualTo(tls);
    }
    assertThat(line).contains("relay=none").contains("dsn=" + dsn + ",");
    assertThat(peer.connectionCount()).as("connections to the MX host").isZero();
  }

  /** The status line of {@code id} for {@code rcpt}. */
  private static String statusLine(String id, String rcpt) throws InterruptedException {
    return postern.awaitLog(
        Pattern.compile("(" + id + ": to=<" + Pattern.quote(rcpt)
            + ">, .*status=(?:sent|deferred|bounced).*)"),
        LIMIT);
  }

  private static String tls(String line) {
    Matcher m = TLS.matcher(line);
    assertThat(m.find()).as("a tls= field in: " + line).isTrue();
    return m.group(1);
  }

  private static AiosmtpdPeer.Message received(AiosmtpdPeer peer, String rcpt)
      throws InterruptedException {
    assertThat(
            Commands.await(
                LIMIT, () -> peer.messages().stream().anyMatch(m -> m.recipients().contains(rcpt))))
        .as("a message for " + rcpt + " at the peer")
        .isTrue();
    return peer.messages().stream().filter(m -> m.recipients().contains(rcpt)).findFirst().get();
  }
}
