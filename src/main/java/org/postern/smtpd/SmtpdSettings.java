package org.postern.smtpd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.util.ParameterList;

/**
 * The smtpd(8) parameters, read once at start and frozen. Names and defaults are Postfix's; an
 * empty value means the default (see {@link #fromConfig}).
 *
 * <p>Failure: a value that cannot be used throws {@link ConfigException} naming main.cf and the
 * parameter.
 */
public record SmtpdSettings(
    String myhostname,
    String mailName,
    String banner,
    Duration timeout,
    int recipientLimit,
    long messageSizeLimit,
    int softErrorLimit,
    int hardErrorLimit,
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
    BareNewline forbidBareNewline,
    Mynetworks mynetworks,
    RelayCheck relayCheck,
    int processLimit) {

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

  /** {@code smtpd_forbid_bare_newline} (Postfix 3.9 default: normalize). */
  public enum BareNewline {
    /** Accept LF alone as a line end, also in {@code LF.LF} as end of data. */
    NO,
    /** Accept LF alone as a line end, but end data only at {@code CRLF.CRLF}. */
    NORMALIZE,
    /** Answer 550 5.5.2 and hang up at the first LF without CR. */
    REJECT
  }

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
   * Reads the settings. Empty values take Postfix's defaults: myhostname the host's canonical
   * name; mail_name "Postern"; smtpd_banner "$myhostname ESMTP $mail_name"; smtpd_timeout 300s;
   * smtpd_recipient_limit 1000; message_size_limit 10240000; smtpd_soft_error_limit 10;
   * smtpd_hard_error_limit 20; line_length_limit 2048; disable_vrfy_command no;
   * smtpd_helo_required no; smtputf8_enable yes; requiretls_enable yes;
   * smtpd_tls_security_level none; smtpd_tls_wrappermode no; smtpd_tls_received_header no;
   * smtpd_tls_key_file $smtpd_tls_cert_file; smtpd_forbid_bare_newline normalize; mynetworks
   * "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128" (mynetworks_style=host on loopback);
   * mydestination "$myhostname, localhost.$mydomain, localhost"; relay_domains empty;
   * smtpd_relay_restrictions "permit_mynetworks, permit_sasl_authenticated,
   * defer_unauth_destination"; allow_untrusted_routing no; default_process_limit 100.
   */
  public static SmtpdSettings fromConfig(MainConfig config) throws ConfigException {
    Reader r = new Reader(config);
    String myhostname = r.string("myhostname", defaultHostname());
    String mailName = r.string("mail_name", "Postern");
    String mydomain =
        r.string("mydomain", myhostname.contains(".") ? myhostname.substring(myhostname.indexOf('.') + 1) : "localdomain");
    String banner =
        expand(r.string("smtpd_banner", "$myhostname ESMTP $mail_name"), myhostname, mydomain, mailName);
    String certFile = r.string("smtpd_tls_cert_file", "");
    String keyFile = r.string("smtpd_tls_key_file", certFile);
    List<String> mydestination =
        expandAll(r.list("mydestination", "$myhostname, localhost.$mydomain, localhost"), myhostname, mydomain, mailName);
    List<String> relayDomains = expandAll(r.list("relay_domains", ""), myhostname, mydomain, mailName);
    return new SmtpdSettings(
        myhostname,
        mailName,
        banner,
        r.time("smtpd_timeout", "300s"),
        r.integer("smtpd_recipient_limit", 1000),
        r.size("message_size_limit", 10240000L),
        r.integer("smtpd_soft_error_limit", 10),
        r.integer("smtpd_hard_error_limit", 20),
        r.integer("line_length_limit", 2048),
        EhloKeyword.parseDiscardList(r.list("smtpd_discard_ehlo_keywords", "")),
        r.bool("disable_vrfy_command", false),
        r.bool("smtpd_helo_required", false),
        r.bool("smtputf8_enable", true),
        r.bool("requiretls_enable", true),
        r.tlsLevel(),
        r.bool("smtpd_tls_wrappermode", false),
        r.bool("smtpd_tls_received_header", false),
        certFile.isEmpty() ? null : Path.of(certFile),
        keyFile.isEmpty() ? null : Path.of(keyFile),
        r.list("smtpd_tls_chain_files", "").stream().map(Path::of).toList(),
        r.bareNewline(),
        r.mynetworks(),
        new RelayCheck(
            r.restrictions(),
            mydestination,
            relayDomains,
            r.bool("allow_untrusted_routing", false)),
        r.integer("default_process_limit", 100));
  }

  private static String defaultHostname() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static List<String> expandAll(List<String> values, String host, String domain, String name) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.add(expand(v, host, domain, name).toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** The few $names these defaults use; full expansion is MainConfig's job once it has it. */
  private static String expand(String value, String host, String domain, String name) {
    return value
        .replace("${myhostname}", host)
        .replace("$myhostname", host)
        .replace("${mydomain}", domain)
        .replace("$mydomain", domain)
        .replace("${mail_name}", name)
        .replace("$mail_name", name);
  }

  /** Reads one parameter at a time, turning bad values into ConfigExceptions. */
  private record Reader(MainConfig config) {
    private String string(String name, String dflt) {
      String v = config.get(name).strip();
      return v.isEmpty() ? dflt : v;
    }

    private List<String> list(String name, String dflt) {
      return ParameterList.split(string(name, dflt));
    }

    private ConfigException bad(String name, String reason) {
      return new ConfigException(config.configDirectory().resolve("main.cf"), 0, name, reason);
    }

    private int integer(String name, int dflt) throws ConfigException {
      String v = string(name, Integer.toString(dflt));
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw bad(name, "bad numerical value: \"" + v + "\"");
      }
    }

    private long size(String name, long dflt) throws ConfigException {
      String v = string(name, Long.toString(dflt));
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw bad(name, "bad numerical value: \"" + v + "\"");
      }
    }

    private boolean bool(String name, boolean dflt) throws ConfigException {
      String v = string(name, dflt ? "yes" : "no").toLowerCase(Locale.ROOT);
      return switch (v) {
        case "yes", "true" -> true;
        case "no", "false" -> false;
        default -> throw bad(name, "bad boolean value: \"" + v + "\"");
      };
    }

    private Duration time(String name, String dflt) throws ConfigException {
      String v = string(name, dflt);
      try {
        char last = v.charAt(v.length() - 1);
        boolean bare = Character.isDigit(last);
        long n = Long.parseLong(bare ? v : v.substring(0, v.length() - 1));
        long unit =
            switch (bare ? 's' : Character.toLowerCase(last)) {
              case 's' -> 1;
              case 'm' -> 60;
              case 'h' -> 3600;
              case 'd' -> 86400;
              case 'w' -> 604800;
              default -> throw new NumberFormatException("unit");
            };
        if (n <= 0) {
          throw new NumberFormatException("not positive");
        }
        return Duration.ofSeconds(n * unit);
      } catch (RuntimeException e) {
        throw bad(name, "bad time value: \"" + v + "\"");
      }
    }

    private TlsLevel tlsLevel() throws ConfigException {
      String v = string("smtpd_tls_security_level", "none").toLowerCase(Locale.ROOT);
      return switch (v) {
        case "none" -> TlsLevel.NONE;
        case "may" -> TlsLevel.MAY;
        case "encrypt" -> TlsLevel.ENCRYPT;
        default -> throw bad("smtpd_tls_security_level", "Invalid TLS level \"" + v + "\"");
      };
    }

    private BareNewline bareNewline() throws ConfigException {
      String v = string("smtpd_forbid_bare_newline", "normalize").toLowerCase(Locale.ROOT);
      return switch (v) {
        case "no", "false" -> BareNewline.NO;
        case "normalize", "yes", "true" -> BareNewline.NORMALIZE;
        case "reject" -> BareNewline.REJECT;
        default -> throw bad("smtpd_forbid_bare_newline", "bad value: \"" + v + "\"");
      };
    }

    private Mynetworks mynetworks() throws ConfigException {
      try {
        return Mynetworks.parse(list("mynetworks", "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128"));
      } catch (IllegalArgumentException e) {
        throw bad("mynetworks", e.getMessage());
      }
    }

    private List<RelayCheck.Restriction> restrictions() throws ConfigException {
      List<RelayCheck.Restriction> out = new ArrayList<>();
      for (String word :
          list(
              "smtpd_relay_restrictions",
              "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")) {
        out.add(
            RelayCheck.Restriction.named(word)
                .orElseThrow(() -> bad("smtpd_relay_restrictions", "unsupported restriction \"" + word + "\"")));
      }
      return out;
    }
  }
}
