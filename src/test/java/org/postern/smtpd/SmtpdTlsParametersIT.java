package org.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;

/**
 * smtpd's protocol and cipher settings against Debian's {@code openssl s_client} on real
 * sockets: {@code smtpd_tls_protocols} for STARTTLS at {@code may}, {@code
 * smtpd_tls_mandatory_protocols} at {@code encrypt} and in wrapper mode, the cipher exclusion
 * lists, and the refusal of values Java's TLS cannot use.
 */
class SmtpdTlsParametersIT {
  private static final String ADDRESS = "127.0.81.1";

  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir, "EC");
  }

  /** What s_client reported: whether the handshake completed, and with which protocol. */
  private record Handshake(boolean done, String output) {
    boolean negotiated(String protocol) {
      return done && output.contains("Protocol version: " + protocol);
    }
  }

  private static Smtpd start(Map<String, String> overrides, List<String> log) throws Exception {
    Map<String, String> params = new HashMap<>();
    params.put("compatibility_level", "3.11");
    params.put("myhostname", "mx.test");
    params.put("mydestination", "mx.test");
    params.put("mynetworks", ADDRESS + "/32");
    params.put("smtpd_tls_security_level", "may");
    params.put("smtpd_tls_cert_file", certs.cert.toString());
    params.put("smtpd_tls_key_file", certs.key.toString());
    params.putAll(overrides);
    Smtpd smtpd = new Smtpd(TestSmtpdSettings.from(MainConfig.of(Path.of("."), params)),
        new RecordingMessageSink(), new InetSocketAddress(ADDRESS, 0), Duration.ofSeconds(5),
        SmtpdFixture.CLOCK, log::add);
    smtpd.start();
    return smtpd;
  }

  private static Handshake sClient(Smtpd smtpd, boolean starttls, String... options)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-connect",
        ADDRESS + ":" + smtpd.localAddress().getPort()));
    if (starttls) {
      cmd.addAll(List.of("-starttls", "smtp"));
    }
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Handshake(p.exitValue() == 0 && out.contains("CONNECTION ESTABLISHED"), out);
  }

  private static void stop(Smtpd smtpd) throws InterruptedException {
    smtpd.stop();
  }

  @Test
  void starttls_protocolsTls13_refusesTls12Client() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    Smtpd smtpd = start(Map.of("smtpd_tls_protocols", ">=TLSv1.3"), log);
    try {
      Handshake tls12 = sClient(smtpd, true, "-tls1_2");
      Handshake tls13 = sClient(smtpd, true, "-tls1_3");

      assertThat(tls12.done()).as(tls12.output()).isFalse();
      assertThat(tls13.negotiated("TLSv1.3")).as(tls13.output()).isTrue();
      assertThat(log).anyMatch(l -> l.startsWith("SSL_accept error from "));
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void starttls_mayLevel_ignoresMandatoryProtocols() throws Exception {
    Smtpd smtpd = start(Map.of("smtpd_tls_mandatory_protocols", ">=TLSv1.3"), new ArrayList<>());
    try {
      Handshake tls12 = sClient(smtpd, true, "-tls1_2");

      assertThat(tls12.negotiated("TLSv1.2")).as(tls12.output()).isTrue();
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void starttls_encryptLevel_usesMandatoryProtocols() throws Exception {
    Smtpd smtpd = start(Map.of("smtpd_tls_security_level", "encrypt",
        "smtpd_tls_mandatory_protocols", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.2",
        "smtpd_tls_protocols", "<=TLSv1.2"), new ArrayList<>());
    try {
      Handshake tls12 = sClient(smtpd, true, "-tls1_2");
      Handshake tls13 = sClient(smtpd, true, "-tls1_3");

      assertThat(tls12.done()).as(tls12.output()).isFalse();
      assertThat(tls13.negotiated("TLSv1.3")).as(tls13.output()).isTrue();
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void wrapperMode_usesMandatoryProtocols() throws Exception {
    Smtpd smtpd = start(Map.of("smtpd_tls_wrappermode", "yes",
        "smtpd_tls_mandatory_protocols", ">=TLSv1.3"), new ArrayList<>());
    try {
      Handshake tls12 = sClient(smtpd, false, "-tls1_2");
      Handshake tls13 = sClient(smtpd, false, "-tls1_3");

      assertThat(tls12.done()).as(tls12.output()).isFalse();
      assertThat(tls13.negotiated("TLSv1.3")).as(tls13.output()).isTrue();
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void starttls_excludedCipher_notOffered() throws Exception {
    Smtpd smtpd = start(Map.of("smtpd_tls_exclude_ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256, CBC",
        "smtpd_tls_mandatory_exclude_ciphers", "CHACHA20"), new ArrayList<>());
    try {
      Handshake excluded = sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
      Handshake cbc = sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384");
      Handshake kept = sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384");
      Handshake mandatoryOnly =
          sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");

      assertThat(excluded.done()).as(excluded.output()).isFalse();
      assertThat(cbc.done()).as(cbc.output()).isFalse();
      assertThat(kept.done()).as(kept.output()).isTrue();
      assertThat(kept.output()).contains("ECDHE-ECDSA-AES256-GCM-SHA384");
      assertThat(mandatoryOnly.done()).as(mandatoryOnly.output()).isTrue();
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void starttls_encryptLevel_appliesMandatoryGradeAndExclusions() throws Exception {
    Smtpd smtpd = start(Map.of("smtpd_tls_security_level", "encrypt",
        "smtpd_tls_mandatory_ciphers", "high",
        "smtpd_tls_mandatory_exclude_ciphers", "AES256"), new ArrayList<>());
    try {
      Handshake aes256 = sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384");
      Handshake aes128 = sClient(smtpd, true, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");

      assertThat(aes256.done()).as(aes256.output()).isFalse();
      assertThat(aes128.done()).as(aes128.output()).isTrue();
    } finally {
      stop(smtpd);
    }
  }

  @Test
  void settings_protocolsJavaCannotUse_refusedNamingParameter() {
    assertThatThrownBy(() -> start(Map.of("smtpd_tls_protocols", "TLSv1, TLSv1.1"),
        new ArrayList<>()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("main.cf: smtpd_tls_protocols = TLSv1, TLSv1.1: no TLS protocol"
            + " version that Java's TLS implementation can use (JSSE has TLSv1.3, TLSv1.2)");
    assertThatThrownBy(() -> start(Map.of("smtpd_tls_wrappermode", "yes",
        "smtpd_tls_mandatory_ciphers", "high", "smtpd_tls_exclude_ciphers", "aNULL, kRC4"),
        new ArrayList<>()))
        .hasMessageContaining("smtpd_tls_exclude_ciphers: unknown cipher name or alias: \"kRC4\"");
  }
}
