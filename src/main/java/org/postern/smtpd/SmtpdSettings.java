package org.postern.smtpd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.VerifyClient;
import org.postern.sasl.AuthEndpoint;
import org.postern.sasl.SecurityOptions;
import org.postern.tls.CipherLists;
import org.postern.tls.TlsConfigException;
import org.postern.tls.TlsHandshakeSettings;
import org.postern.tls.TlsParameters;
import org.postern.tls.TlsParameters.Setting;

/**
 * The smtpd(8) parameters, read once at start and frozen. Names and defaults are Postfix's, as
 * {@link MainConfig} returns them (expanded, with the registry's defaults).
 *
 * <p>Failure: a value that cannot be used throws {@link ConfigException} naming main.cf and the
 * parameter.
 */
public record SmtpdSettings(
    String myhostname,
    String mailName,
    String banner,
    Duration timeout,
    Duration starttlsTimeout,
    int recipientLimit,
    long messageSizeLimit,
    int softErrorLimit,
    int hardErrorLimit,
    int junkCommandLimit,
    int lineLengthLimit,
    Set<EhloKeyword> discardedKeywords,
    boolean disableVrfy,
    boolean heloRequired,
    boolean smtputf8Enable,
    boolean requiretlsEnable,
    TlsLevel tlsLevel,
    boolean tlsWrappermode,
    boolean tlsReceivedHeader,
    Path tlsCertFile,
    Path tlsKeyFile,
    List<Path> tlsChainFiles,
    Optional<TlsParameters> tlsParameters,
    BareNewline forbidBareNewline,
    Mynetworks mynetworks,
    AccessPolicy access,
    ClientLimits clientLimits,
    int processLimit,
    int tlsLoglevel,
    boolean requiretlsEsmtpHeader,
    Optional<ProxyFilter> proxyFilter,
    SaslSettings sasl,
    ReplyFooter rejectFooter,
    ClientMilters milters,
    ClientCerts clientCerts,
    UpstreamProxy upstreamProxy) {

  /** {@code smtpd_tls_security_level} values smtpd implements. */
  public enum TlsLevel {
    NONE,
    MAY,
    ENCRYPT;

    /** STARTTLS is offered. */
    boolean offered() {
      return this != NONE;
    }
  }

  /**
   * TLS client certificates: {@code smtpd_tls_ask_ccert}, {@code smtpd_tls_req_ccert}, the CAs
   * that verify them ({@code smtpd_tls_CAfile}, {@code smtpd_tls_CApath}) and {@code
   * smtpd_tls_fingerprint_digest}.
   */
  public record ClientCerts(boolean ask, boolean require, String caFile, String caPath,
      String digest) {
    /** A certificate is required only where TLS is ({@code smtpd_tls_security_level = encrypt}). */
    boolean required(TlsLevel level) {
      return require && level == TlsLevel.ENCRYPT;
    }

    /** Asked for when configured so, or when required. */
    boolean asked(TlsLevel level) {
      return ask || required(level);
    }
  }

  /** {@code smtpd_forbid_bare_newline} (Postfix 3.9 default: normalize). */
  public enum BareNewline {
    /** Accept LF alone as a line end, also in {@code LF.LF} as end of data. */
    NO,
    /** Accept LF alone as a line end, but end data only at {@code CRLF.CRLF}. */
    NORMALIZE,
    /** Answer 550 5.5.2 and hang up at the first LF without CR. */
    REJECT
  }

  /**
   * The anvil(8) limits smtpd enforces per client address: {@code
   * smtpd_client_connection_count_limit}, {@code smtpd_client_connection_rate_limit} per {@code
   * anvil_rate_time_unit} (0 means no limit), except for {@code
   * smtpd_client_event_limit_exceptions}.
   */
  public record ClientLimits(
      int connectionCountLimit, int connectionRateLimit, Duration rateTimeUnit, Mynetworks exceptions) {}

  /**
   * The before-queue content filter ({@code smtpd_proxy_filter}, SMTPD_PROXY_README): where it
   * listens, {@code smtpd_proxy_timeout} and the {@code smtpd_proxy_ehlo} name.
   */
  public record ProxyFilter(ProxyEndpoint endpoint, Duration timeout, String ehlo) {}

  public SmtpdSettings {
    discardedKeywords = Set.copyOf(discardedKeywords);
    tlsChainFiles = List.copyOf(tlsChainFiles);
    if (hardErrorLimit < 1 || softErrorLimit < 1 || processLimit < 1 || lineLengthLimit < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** TLS key material is configured. */
  boolean hasTlsKeys() {
    return !tlsChainFiles.isEmpty() || tlsCertFile != null;
  }

  /**
   * Reads the settings from {@code config}; every value is Postfix's parameter of that name.
   * {@code resolver} is trivial-rewrite's resolve service, which decides the address class of
   * every recipient the relay and recipient checks look at.
   */
  public static SmtpdSettings fromConfig(MainConfig config, AddressResolver resolver)
      throws ConfigException {
    return fromConfig(config, resolver, VerifyClient.UNAVAILABLE);
  }

  /**
   * As {@link #fromConfig(MainConfig, AddressResolver)}, with {@code verify} the address
   * verification service that {@code reject_unverified_recipient} and {@code
   * reject_unverified_sender} ask.
   */
  public static SmtpdSettings fromConfig(MainConfig config, AddressResolver resolver,
      VerifyClient verify) throws ConfigException {
    Reader r = new Reader(config);
    String certFile = config.get("smtpd_tls_cert_file").strip();
    String keyFile = config.get("smtpd_tls_key_file").strip();
    Mynetworks mynetworks = r.networks("mynetworks");
    Destinations destinations = new Destinations(resolver, r.bool("allow_untrusted_routing"));
    return new SmtpdSettings(
        config.get("myhostname"),
        config.get("mail_name"),
        config.get("smtpd_banner"),
        r.time("smtpd_timeout"),
        r.time("smtpd_starttls_timeout"),
        r.integer("smtpd_recipient_limit"),
        r.size("message_size_limit"),
        r.integer("smtpd_soft_error_limit"),
        r.integer("smtpd_hard_error_limit"),
        r.integer("smtpd_junk_command_limit"),
        r.integer("line_length_limit"),
        EhloKeyword.parseDiscardList(config.getList("smtpd_discard_ehlo_keywords")),
        r.bool("disable_vrfy_command"),
        r.bool("smtpd_helo_required"),
        r.bool("smtputf8_enable"),
        r.bool("requiretls_enable"),
        r.tlsLevel(),
        r.bool("smtpd_tls_wrappermode"),
        r.bool("smtpd_tls_received_header"),
        certFile.isEmpty() ? null : Path.of(certFile),
        keyFile.isEmpty() ? null : Path.of(keyFile),
        config.getList("smtpd_tls_chain_files").stream().map(Path::of).toList(),
        r.tlsParameters(),
        r.bareNewline(),
        mynetworks,
        AccessPolicy.fromConfig(config, destinations, verify),
        new ClientLimits(
            r.integer("smtpd_client_connection_count_limit"),
            r.integer("smtpd_client_connection_rate_limit"),
            r.time("anvil_rate_time_unit"),
            r.networks("smtpd_client_event_limit_exceptions")),
        r.integer("default_process_limit"),
        r.integer("smtpd_tls_loglevel"),
        r.bool("requiretls_esmtp_header"),
        r.proxyFilter(),
        r.sasl(),
        ReplyFooter.fromConfig(config),
        ClientMilters.fromConfig(config),
        new ClientCerts(r.bool("smtpd_tls_ask_ccert"), r.bool("smtpd_tls_req_ccert"),
            config.get("smtpd_tls_CAfile").strip(), config.get("smtpd_tls_CApath").strip(),
            config.get("smtpd_tls_fingerprint_digest")),
        r.upstreamProxy());
  }

  /** The protocols and ciphers of STARTTLS and wrapper mode. */
  private static TlsHandshakeSettings tlsHandshake(MainConfig config) {
    return new TlsHandshakeSettings(
        new Setting("smtpd_tls_protocols", config.get("smtpd_tls_protocols")),
        new Setting("smtpd_tls_mandatory_protocols", config.get("smtpd_tls_mandatory_protocols")),
        new Setting("smtpd_tls_ciphers", config.get("smtpd_tls_ciphers")),
        new Setting("smtpd_tls_mandatory_ciphers", config.get("smtpd_tls_mandatory_ciphers")),
        new Setting("smtpd_tls_exclude_ciphers", config.get("smtpd_tls_exclude_ciphers")),
        new Setting("smtpd_tls_mandatory_exclude_ciphers",
            config.get("smtpd_tls_mandatory_exclude_ciphers")),
        CipherLists.of(config));
  }

  /** Mandatory TLS, whose protocols and ciphers apply: {@code encrypt} or wrapper mode. */
  boolean tlsEnforced() {
    return tlsLevel == TlsLevel.ENCRYPT || tlsWrappermode;
  }

  /** Reads one parameter at a time, turning bad values into ConfigExceptions naming it. */
  private record Reader(MainConfig config) {
    private ConfigException bad(String name, String reason) {
      return new ConfigException(config.configDirectory().resolve("main.cf"), 0, name, reason);
    }

    private int integer(String name) throws ConfigException {
      try {
        return config.getInt(name);
      } catch (NumberFormatException e) {
        throw bad(name, "bad numerical value: \"" + config.get(name) + "\"");
      }
    }

    private long size(String name) throws ConfigException {
      try {
        return config.getSize(name);
      } catch (NumberFormatException e) {
        throw bad(name, "bad size value: \"" + config.get(name) + "\"");
      }
    }

    private boolean bool(String name) throws ConfigException {
      String v = config.get(name).strip().toLowerCase(Locale.ROOT);
      if (!Set.of("yes", "no", "true", "false").contains(v)) {
        throw bad(name, "bad boolean value: \"" + config.get(name) + "\"");
      }
      return config.getBoolean(name);
    }

    private Duration time(String name) throws ConfigException {
      try {
        Duration d = config.getTime(name);
        if (d.isZero() || d.isNegative()) {
          throw bad(name, "bad time value: \"" + config.get(name) + "\"");
        }
        return d;
      } catch (IllegalArgumentException e) {
        throw bad(name, "bad time value: \"" + config.get(name) + "\"");
      }
    }

    /**
     * The protocols and cipher suites of STARTTLS and wrapper mode (their mandatory forms at
     * {@code encrypt} and in wrapper mode); empty when TLS is off.
     */
    private Optional<TlsParameters> tlsParameters() throws ConfigException {
      boolean wrapper = bool("smtpd_tls_wrappermode");
      TlsLevel level = tlsLevel();
      if (!level.offered() && !wrapper) {
        return Optional.empty();
      }
      try {
        return Optional.of(tlsHandshake(config).forServer(level == TlsLevel.ENCRYPT || wrapper));
      } catch (TlsConfigException e) {
        throw new ConfigException(config.configDirectory().resolve("main.cf"), 0, null,
            e.getMessage());
      }
    }

    private TlsLevel tlsLevel() throws ConfigException {
      String v = config.get("smtpd_tls_security_level").strip().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "", "none" -> TlsLevel.NONE;
        case "may" -> TlsLevel.MAY;
        case "encrypt" -> TlsLevel.ENCRYPT;
        default -> throw bad("smtpd_tls_security_level", "Invalid TLS level \"" + v + "\"");
      };
    }

    private BareNewline bareNewline() throws ConfigException {
      String v = config.get("smtpd_forbid_bare_newline").strip().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "no", "false" -> BareNewline.NO;
        case "normalize", "yes", "true" -> BareNewline.NORMALIZE;
        case "reject" -> BareNewline.REJECT;
        default -> throw bad("smtpd_forbid_bare_newline", "bad value: \"" + v + "\"");
      };
    }

    private Optional<ProxyFilter> proxyFilter() throws ConfigException {
      String filter = config.get("smtpd_proxy_filter").strip();
      if (filter.isEmpty()) {
        return Optional.empty();
      }
      if (!config.getList("smtpd_proxy_options").isEmpty()) {
        // speed_adjust needs a spool for the whole message before the filter is contacted.
        throw bad("smtpd_proxy_options", "unsupported value: \"" + config.get("smtpd_proxy_options")
            + "\" (Postern supports only the default, empty)");
      }
      try {
        return Optional.of(new ProxyFilter(
            ProxyEndpoint.parse(filter), time("smtpd_proxy_timeout"), config.get("smtpd_proxy_ehlo").strip()));
      } catch (IllegalArgumentException e) {
        throw bad("smtpd_proxy_filter", e.getMessage());
      }
    }

    private UpstreamProxy upstreamProxy() throws ConfigException {
      try {
        return UpstreamProxy.of(config.get("smtpd_upstream_proxy_protocol"),
            time("smtpd_upstream_proxy_timeout"), config.getList("inet_protocols"));
      } catch (IllegalArgumentException e) {
        throw bad("smtpd_upstream_proxy_protocol", e.getMessage());
      }
    }

    private SaslSettings sasl() throws ConfigException {
      String service = config.get("smtpd_sasl_service").strip();
      if (!service.matches("[A-Za-z0-9._-]+")) {
        throw bad("smtpd_sasl_service", "bad service name: \"" + service + "\"");
      }
      return new SaslSettings(
          bool("smtpd_sasl_auth_enable"),
          config.get("smtpd_sasl_type").strip().toLowerCase(Locale.ROOT),
          endpoint(),
          service,
          securityOptions("smtpd_sasl_security_options"),
          securityOptions("smtpd_sasl_tls_security_options"),
          bool("smtpd_tls_auth_only"),
          bool("smtpd_sasl_authenticated_header"),
          bool("broken_sasl_auth_clients"),
          integer("smtpd_sasl_response_limit"),
          SaslSettings.AUTH_TIMEOUT);
    }

    private AuthEndpoint endpoint() throws ConfigException {
      try {
        return AuthEndpoint.parse(config.get("smtpd_sasl_path"), Path.of(config.get("queue_directory").strip()));
      } catch (IllegalArgumentException e) {
        throw bad("smtpd_sasl_path", e.getMessage());
      }
    }

    private SecurityOptions securityOptions(String name) throws ConfigException {
      try {
        return SecurityOptions.parse(config.getList(name));
      } catch (IllegalArgumentException e) {
        throw bad(name, e.getMessage());
      }
    }

    private Mynetworks networks(String name) throws ConfigException {
      try {
        return Mynetworks.parse(config.getList(name));
      } catch (IllegalArgumentException e) {
        throw bad(name, e.getMessage());
      }
    }
  }
}
