package org.postern.tls;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSSE cipher suite as OpenSSL's cipher strings see it: its OpenSSL name ({@code
 * ECDHE-RSA-AES256-GCM-SHA384} for {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}), the OpenSSL
 * aliases it belongs to ({@code kECDHE}, {@code aRSA}, {@code AESGCM}, {@code AES256}, {@code
 * SHA384}, {@code HIGH}, {@code TLSv1.2}...) and its strength in bits for {@code @STRENGTH}.
 *
 * <p>Everything is read from the standard (IANA) name, which spells out key exchange,
 * authentication, cipher and MAC. OpenSSL's historic names are kept: {@code EDH-} for DHE suites
 * with DES or 3DES, {@code ADH-} and {@code AECDH-} for anonymous ones, {@code EXP-} for export
 * suites, no {@code RSA-} prefix for RSA key exchange. TLS 1.3 suites ({@code TLS_AES_128_GCM_SHA256})
 * have no key exchange in their name and are not subject to cipher strings (see {@link #tls13}).
 *
 * <p>Failure: a name this class cannot read ({@code TLS_EMPTY_RENEGOTIATION_INFO_SCSV}, a
 * future key exchange) gives an empty result from {@link #parse}; such a suite is never enabled
 * by a cipher grade.
 */
public record CipherSuite(
    String jsseName, String openSslName, Set<String> aliases, int strengthBits, boolean tls13) {

  private static final Pattern TLS13 =
      Pattern.compile("TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305|AES_128_CCM|AES_128_CCM_8)"
          + "_SHA(256|384)");
  private static final Pattern LEGACY =
      Pattern.compile("(?:TLS|SSL)_([A-Za-z0-9]+(?:_[A-Za-z0-9]+)??)(_EXPORT)?_WITH_(.+?)"
          + "(?:_(SHA|SHA256|SHA384|MD5))?");

  public CipherSuite {
    aliases = Set.copyOf(aliases);
  }

  /** The suite named {@code jsseName}, or empty when the name is not understood. */
  public static Optional<CipherSuite> parse(String jsseName) {
    if (TLS13.matcher(jsseName).matches()) {
      int bits = jsseName.contains("_128_") ? 128 : 256;
      return Optional.of(new CipherSuite(jsseName, jsseName, Set.of(), bits, true));
    }
    Matcher m = LEGACY.matcher(jsseName);
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<KeyExchange> kx = KeyExchange.of(m.group(1));
    Optional<Cipher> cipher = Cipher.of(m.group(3), m.group(2) != null);
    String mac = m.group(4) == null ? "" : m.group(4);
    if (kx.isEmpty() || cipher.isEmpty() || (mac.isEmpty() && !cipher.get().aead)) {
      return Optional.empty();
    }
    return Optional.of(legacy(jsseName, kx.get(), cipher.get(), mac));
  }

  private static CipherSuite legacy(String jsseName, KeyExchange kx, Cipher c, String mac) {
    Set<String> aliases = new HashSet<>(kx.aliases);
    aliases.addAll(c.aliases);
    switch (mac) {
      case "SHA" -> aliases.addAll(Set.of("SHA1", "SHA"));
      case "" -> { }
      default -> aliases.add(mac);
    }
    boolean tls12 = c.aead || mac.startsWith("SHA2") || mac.equals("SHA384");
    aliases.addAll(tls12 ? Set.of("TLSv1.2") : Set.of("SSLv3", "TLSv1", "TLSv1.0"));
    if (!c.strength.isEmpty()) {
      aliases.add(c.strength);
    }
    aliases.add(aliases.contains("eNULL") ? "COMPLEMENTOFALL" : "ALL");
    boolean legacyDhe = kx.dhe && c.name.startsWith("DES");
    String prefix = (c.export ? "EXP-" : "") + (legacyDhe ? kx.edhPrefix() : kx.prefix);
    String macPart = mac.isEmpty() || c.name.startsWith("CHACHA20") ? "" : "-" + mac;
    return new CipherSuite(jsseName, prefix + c.name + macPart, aliases, c.bits, false);
  }

  /** The key exchange and authentication half of a standard name ({@code ECDHE_RSA}). */
  private record KeyExchange(String prefix, boolean dhe, Set<String> aliases) {
    /** OpenSSL's older spelling of DHE suites with DES or 3DES: {@code EDH-RSA-DES-CBC3-SHA}. */
    String edhPrefix() {
      return "EDH-" + prefix.substring("DHE-".length());
    }

    static Optional<KeyExchange> of(String name) {
      return Optional.ofNullable(switch (name) {
        case "RSA" -> new KeyExchange("", false, Set.of("kRSA", "RSA", "aRSA"));
        case "DHE_RSA" -> new KeyExchange("DHE-RSA-", true,
            Set.of("kDHE", "kEDH", "DH", "DHE", "EDH", "aRSA"));
        case "DHE_DSS" -> new KeyExchange("DHE-DSS-", true,
            Set.of("kDHE", "kEDH", "DH", "DHE", "EDH", "aDSS", "DSS"));
        case "DH_anon" -> new KeyExchange("ADH-", false,
            Set.of("kDHE", "kEDH", "DH", "ADH", "aNULL"));
        case "DH_RSA" -> new KeyExchange("DH-RSA-", false, Set.of("kDH", "kDHr", "DH", "aDH"));
        case "DH_DSS" -> new KeyExchange("DH-DSS-", false, Set.of("kDH", "kDHd", "DH", "aDH"));
        case "ECDHE_RSA" -> new KeyExchange("ECDHE-RSA-", false,
            Set.of("kECDHE", "kEECDH", "ECDH", "ECDHE", "EECDH", "aRSA"));
        case "ECDHE_ECDSA" -> new KeyExchange("ECDHE-ECDSA-", false,
            Set.of("kECDHE", "kEECDH", "ECDH", "ECDHE", "EECDH", "aECDSA", "ECDSA"));
        case "ECDH_anon" -> new KeyExchange("AECDH-", false,
            Set.of("kECDHE", "kEECDH", "ECDH", "AECDH", "aNULL"));
        case "ECDH_RSA" -> new KeyExchange("ECDH-RSA-", false,
            Set.of("kECDH", "kECDHr", "ECDH", "aECDH"));
        case "ECDH_ECDSA" -> new KeyExchange("ECDH-ECDSA-", false,
            Set.of("kECDH", "kECDHe", "ECDH", "aECDH"));
        case "KRB5" -> new KeyExchange("KRB5-", false, Set.of("kKRB5", "aKRB5", "KRB5"));
        default -> null;
      });
    }
  }

  /**
   * The cipher half of a standard name ({@code AES_256_GCM}): its OpenSSL spelling, aliases,
   * OpenSSL strength class ({@code HIGH}, {@code MEDIUM}, {@code LOW}, {@code EXPORT}, none for
   * {@code NULL}) and bits.
   */
  private record Cipher(
      String name, Set<String> aliases, String strength, int bits, boolean aead, boolean export) {

    static Optional<Cipher> of(String name, boolean export) {
      Optional<Cipher> c = Optional.ofNullable(switch (name) {
        case "AES_128_CBC" -> cbc("AES128", "HIGH", 128, "AES", "AES128");
        case "AES_256_CBC" -> cbc("AES256", "HIGH", 256, "AES", "AES256");
        case "AES_128_GCM" -> aead("AES128-GCM", 128, "AES", "AES128", "AESGCM");
        case "AES_256_GCM" -> aead("AES256-GCM", 256, "AES", "AES256", "AESGCM");
        case "AES_128_CCM" -> aead("AES128-CCM", 128, "AES", "AES128", "AESCCM");
        case "AES_256_CCM" -> aead("AES256-CCM", 256, "AES", "AES256", "AESCCM");
        case "AES_128_CCM_8" -> aead("AES128-CCM8", 128, "AES", "AES128", "AESCCM", "AESCCM8");
        case "AES_256_CCM_8" -> aead("AES256-CCM8", 256, "AES", "AES256", "AESCCM", "AESCCM8");
        case "CHACHA20_POLY1305" -> aead("CHACHA20-POLY1305", 256, "CHACHA20");
        case "CAMELLIA_128_CBC" -> cbc("CAMELLIA128", "HIGH", 128, "CAMELLIA", "CAMELLIA128");
        case "CAMELLIA_256_CBC" -> cbc("CAMELLIA256", "HIGH", 256, "CAMELLIA", "CAMELLIA256");
        case "ARIA_128_GCM" -> aead("ARIA128-GCM", 128, "ARIA", "ARIA128", "ARIAGCM");
        case "ARIA_256_GCM" -> aead("ARIA256-GCM", 256, "ARIA", "ARIA256", "ARIAGCM");
        case "3DES_EDE_CBC" -> cbc("DES-CBC3", "MEDIUM", 112, "3DES");
        case "SEED_CBC" -> cbc("SEED", "MEDIUM", 128, "SEED");
        case "IDEA_CBC" -> cbc("IDEA", "MEDIUM", 128, "IDEA");
        case "RC4_128" -> new Cipher("RC4", Set.of("RC4"), "MEDIUM", 128, false, false);
        case "DES_CBC" -> cbc("DES-CBC", "LOW", 56, "DES");
        case "DES40_CBC", "DES_CBC_40" -> cbc("DES-CBC", "EXPORT", 40, "DES");
        case "RC4_40" -> new Cipher("RC4", Set.of("RC4"), "EXPORT", 40, false, true);
        case "RC2_CBC_40" -> cbc("RC2-CBC", "EXPORT", 40, "RC2");
        case "NULL" -> new Cipher("NULL", Set.of("eNULL", "NULL"), "", 0, false, false);
        default -> null;
      });
      return c.map(x -> x.strength.equals("EXPORT") || export ? x.exported() : x);
    }

    private Cipher exported() {
      Set<String> all = new HashSet<>(aliases);
      all.addAll(Set.of("EXP", "EXPORT", bits <= 40 ? "EXPORT40" : "EXPORT56"));
      return new Cipher(name, all, "EXPORT", Math.min(bits, 56), false, true);
    }

    private static Cipher cbc(String name, String strength, int bits, String... aliases) {
      Set<String> all = new HashSet<>(Set.of(aliases));
      all.add("CBC");
      return new Cipher(name, all, strength, bits, false, false);
    }

    private static Cipher aead(String name, int bits, String... aliases) {
      return new Cipher(name, Set.of(aliases), "HIGH", bits, true, false);
    }
  }
}
