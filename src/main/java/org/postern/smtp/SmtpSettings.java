package org.postern.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.postern.config.MainConfig;
import org.postern.dns.InetProtocols;
import org.postern.mtasts.MtaStsLookup;
import org.postern.tls.CipherLists;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsHandshakeSettings;
import org.postern.tls.TlsParameters.Setting;

/**
 * The parameters the SMTP or LMTP client reads, taken from main.cf (with master.cf {@code -o}
 * overrides already applied) once at start-up.
 */
record SmtpSettings(
    Protocol protocol,
    String myhostname,
    String heloName,
    Timeouts timeouts,
    int mxAddressLimit,
    int mxSessionLimit,
    String defaultPort,
    InetProtocols inetProtocols,
    List<String> fallbackRelays,
    String tlsSecurityLevel,
    String tlsPolicyMaps,
    String caFile,
    String caPath,
    String fingerprintDigest,
    List<String> fingerprintCertMatch,
    TlsHandshakeSettings tlsHandshake,
    boolean logTlsFeatureStatus,
    List<String> verifyCertMatch,
    List<String> secureCertMatch,
    String requireTlsPolicy,
    String dnsSupportLevel,
    String daneInsecureMxPolicy,
    boolean connectionCacheOnDemand,
    Duration connectionCacheTimeLimit,
    Duration reuseTimeLimit,
    int reuseCountLimit,
    BindAddresses bindAddresses,
    AddressOrder.Preference addressPreference,
    boolean randomizeAddresses,
    boolean balanceInetProtocols,
    boolean cnameOverridesServername,
    boolean enforceStsMxPatterns,
    List<String> connectionCacheDestinations,
    boolean tlsConnectionReuse,
    MtaSts mtaSts,
    SaslSettings sasl,
    ClientKeys clientKeys,
    Optional<Duration> tlsSessionCache) {

  /**
   * The certificate the client presents when a server asks ({@code smtp_tls_cert_file} and {@code
   * smtp_tls_key_file}, {@code smtp_tls_eccert_file} and {@code smtp_tls_eckey_file}, or {@code
   * smtp_tls_chain_files}, which wins when set; {@code lmtp_*} for LMTP).
   */
  record ClientKeys(Protocol protocol, String certFile, String keyFile, List<String> chainFiles,
      String eccertFile, String eckeyFile) {

    /** The key material to present; empty when none is configured. */
    List<PemKeyMaterial> load(Consumer<String> warnings) throws TlsConfigException {
      if (!chainFiles.isEmpty()) {
        if (!certFile.isEmpty() || !eccertFile.isEmpty()) {
          warnings.accept("Both " + protocol.parameter("tls_chain_files") + " and one or more of"
              + " the legacy " + protocol.parameter("tls_cert_file") + " or "
              + protocol.parameter("tls_eccert_file") + " are non-empty; the legacy parameters"
              + " will be ignored");
        }
        return List.of(PemKeyMaterial.loadChainFiles(chainFiles.stream().map(Path::of).toList()));
      }
      List<PemKeyMaterial> keys = new ArrayList<>();
      if (!certFile.isEmpty()) {
        keys.add(PemKeyMaterial.load(Path.of(certFile),
            Path.of(keyFile.isEmpty() ? certFile : keyFile)));
      }
      if (!eccertFile.isEmpty()) {
        keys.add(PemKeyMaterial.load(Path.of(eccertFile),
            Path.of(eckeyFile.isEmpty() ? eccertFile : eckeyFile)));
      }
      return keys;
    }
  }

  /** The Postern-only MTA-STS parameters ({@code postern_mta_sts_*}); never on for LMTP. */
  record MtaSts(boolean enable, String cacheDirectory, Duration fetchTimeout) {}

  /** The MTA-STS lookup's settings: {@code postern_mta_sts_*} and {@code inet_protocols}. */
  MtaStsLookup.Settings mtaStsLookup() {
    return new MtaStsLookup.Settings(Path.of(mtaSts.cacheDirectory()), mtaSts.fetchTimeout(),
        inetProtocols);
  }

  /** Per-stage time limits; zero means none. */
  record Timeouts(
      Duration connect,
      Duration helo,
      Duration starttls,
      Duration mail,
      Duration rcpt,
      Duration dataInit,
      Duration dataXfer,
      Duration dataDone,
      Duration quit) {}

  static SmtpSettings of(MainConfig c, Protocol p) {
    Timeouts t =
        new Timeouts(
            c.getTime(p.parameter("connect_timeout")),
            c.getTime(p.heloTimeoutParameter()),
            time(c, p, "starttls_timeout"),
            c.getTime(p.parameter("mail_timeout")),
            c.getTime(p.parameter("rcpt_timeout")),
            c.getTime(p.parameter("data_init_timeout")),
            c.getTime(p.parameter("data_xfer_timeout")),
            c.getTime(p.parameter("data_done_timeout")),
            c.getTime(p.parameter("quit_timeout")));
    return new SmtpSettings(
        p,
        c.get("myhostname"),
        c.get(p.heloNameParameter()),
        t,
        c.getInt(p.parameter("mx_address_limit")),
        c.getInt(p.parameter("mx_session_limit")),
        c.get(p.parameter("tcp_port")),
        InetProtocols.parse(c.getList("inet_protocols")),
        p == Protocol.SMTP ? c.getList("smtp_fallback_relay") : List.of(),
        c.get(p.parameter("tls_security_level")),
        c.get(p.parameter("tls_policy_maps")),
        c.get(p.parameter("tls_CAfile")),
        c.get(p.parameter("tls_CApath")),
        c.get(p.parameter("tls_fingerprint_digest")),
        c.getList(p.parameter("tls_fingerprint_cert_match")),
        tlsHandshake(c, p),
        c.getBoolean(p.parameter("log_tls_feature_status")),
        c.getList(p.parameter("tls_verify_cert_match")),
        c.getList(p.parameter("tls_secure_cert_match")),
        c.get(p.parameter("requiretls_policy")),
        c.get(p.parameter("dns_support_level")),
        own(c, p, "tls_dane_insecure_mx_policy"),
        c.getBoolean(p.parameter("connection_cache_on_demand")),
        time(c, p, "connection_cache_time_limit"),
        c.getTime(p.parameter("connection_reuse_time_limit")),
        c.getInt(p.parameter("connection_reuse_count_limit")),
        BindAddresses.parse(p.parameter("bind_address"), c.get(p.parameter("bind_address")),
            p.parameter("bind_address6"), own(c, p, "bind_address6"),
            c.getBoolean(ownName(c, p, "bind_address_enforce"))),
        AddressOrder.Preference.parse(p.parameter("address_preference"),
            c.get(p.parameter("address_preference"))),
        c.getBoolean(ownName(c, p, "randomize_addresses")),
        c.getBoolean(ownName(c, p, "balance_inet_protocols")),
        c.getBoolean(p.parameter("cname_overrides_servername")),
        c.getBoolean(p.parameter("tls_enforce_sts_mx_patterns")),
        c.getList(p.parameter("connection_cache_destinations")),
        c.getBoolean(p.parameter("tls_connection_reuse")),
        new MtaSts(p == Protocol.SMTP && c.getBoolean("postern_mta_sts_enable"),
            c.get("postern_mta_sts_cache_directory"),
            c.getTime("postern_mta_sts_fetch_timeout")),
        SaslSettings.of(c, p),
        new ClientKeys(p, c.get(p.parameter("tls_cert_file")).strip(),
            c.get(p.parameter("tls_key_file")).strip(), c.getList(p.parameter("tls_chain_files")),
            c.get(p.parameter("tls_eccert_file")).strip(),
            c.get(p.parameter("tls_eckey_file")).strip()),
        tlsSessionCache(c, p));
  }

  /**
   * How long a TLS session stays resumable, when the client keeps them at all: Postfix resumes
   * only with {@code smtp_tls_session_cache_database} set and {@code
   * smtp_tls_session_cache_timeout} above zero (at least 2 minutes, at most 100 days). Postern's
   * clients share one process, so the sessions stay in its memory and the table is not written.
   */
  private static Optional<Duration> tlsSessionCache(MainConfig c, Protocol p) {
    Duration timeout = c.getTime(p.parameter("tls_session_cache_timeout"));
    if (c.get(p.parameter("tls_session_cache_database")).isBlank() || !timeout.isPositive()) {
      return Optional.empty();
    }
    Duration min = Duration.ofMinutes(2);
    Duration max = Duration.ofDays(100);
    return Optional.of(timeout.compareTo(min) < 0 ? min : timeout.compareTo(max) > 0 ? max : timeout);
  }

  /** The protocols and ciphers of STARTTLS per security level; checked at start-up. */
  private static TlsHandshakeSettings tlsHandshake(MainConfig c, Protocol p) {
    return new TlsHandshakeSettings(
        setting(c, p.parameter("tls_protocols")),
        setting(c, p.parameter("tls_mandatory_protocols")),
        setting(c, p.parameter("tls_ciphers")),
        setting(c, p.parameter("tls_mandatory_ciphers")),
        setting(c, p.parameter("tls_exclude_ciphers")),
        setting(c, p.parameter("tls_mandatory_exclude_ciphers")),
        CipherLists.of(c));
  }

  private static Setting setting(MainConfig c, String name) {
    return new Setting(name, c.get(name));
  }

  /** The address order of {@code smtp_address_preference} and its companions. */
  AddressOrder addressOrder(Random random) {
    return new AddressOrder(addressPreference, randomizeAddresses, balanceInetProtocols,
        mxAddressLimit, random);
  }

  /** A parameter the LMTP client may lack: then Postfix uses smtp_'s. */
  private static String own(MainConfig c, Protocol p, String suffix) {
    return c.get(ownName(c, p, suffix));
  }

  private static String ownName(MainConfig c, Protocol p, String suffix) {
    String own = p.parameter(suffix);
    return c.spec(own).isPresent() ? own : "smtp_" + suffix;
  }

  /** The LMTP client has no parameter of its own for some stages: Postfix shares smtp_'s. */
  private static Duration time(MainConfig c, Protocol p, String suffix) {
    String own = p.parameter(suffix);
    return Optional.of(own)
        .filter(n -> c.spec(n).isPresent())
        .map(c::getTime)
        .orElseGet(() -> c.getTime("smtp_" + suffix));
  }
}
