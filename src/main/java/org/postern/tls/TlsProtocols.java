package org.postern.tls;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.postern.util.Spellings;

/**
 * A Postfix TLS protocol list ({@code smtpd_tls_protocols}, {@code smtp_tls_mandatory_protocols},
 * a policy table's {@code protocols=}) as the JSSE protocol names it enables.
 *
 * <p>Grammar, as Postfix's TLS library reads it: words separated by comma, space or colon; a
 * protocol name ({@code SSLv2}, {@code SSLv3}, {@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2},
 * {@code TLSv1.3}, any case) includes it, {@code !name} excludes it, {@code >=version} and {@code
 * <=version} set a floor and a ceiling ({@code version} a protocol name other than SSLv2, {@code
 * None} for no bound, or a hexadecimal protocol number such as {@code 0x0303}). With no included
 * name every protocol not excluded is in; with some, only those. Postfix's default is {@code
 * >=TLSv1}.
 *
 * <p>Postern has no SSLv2; which of the others a handshake may use is then up to JSSE ({@code
 * jdk.tls.disabledAlgorithms} turns off SSLv3, TLSv1 and TLSv1.1 by default), which {@link
 * TlsParameters} checks.
 *
 * <p>Failure: an unknown name or version throws {@link TlsConfigException} naming the parameter.
 */
public record TlsProtocols(Set<Version> enabled) {
  private static final Pattern SEPARATORS = Pattern.compile("[,: \\t\\r\\n]+");
  private static final Pattern HEX = Pattern.compile("(?:0[xX])?[0-9a-fA-F]{1,8}");

  /** The protocol versions Postfix knows, with their wire numbers and JSSE names. */
  public enum Version {
    SSLV2("SSLv2", 0x0002, ""),
    SSLV3("SSLv3", 0x0300, "SSLv3"),
    TLSV1("TLSv1", 0x0301, "TLSv1"),
    TLSV1_1("TLSv1.1", 0x0302, "TLSv1.1"),
    TLSV1_2("TLSv1.2", 0x0303, "TLSv1.2"),
    TLSV1_3("TLSv1.3", 0x0304, "TLSv1.3");

    private final String postfixName;
    private final int number;
    private final String jsseName;

    Version(String postfixName, int number, String jsseName) {
      this.postfixName = postfixName;
      this.number = number;
      this.jsseName = jsseName;
    }

    /** The JSSE protocol name, empty for SSLv2, which JSSE does not have. */
    public String jsseName() {
      return jsseName;
    }

    static Optional<Version> named(String word) {
      return Spellings.find(values(), v -> v.postfixName.toLowerCase(Locale.ROOT),
          word.toLowerCase(Locale.ROOT));
    }
  }

  public TlsProtocols {
    enabled = enabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabled));
  }

  /** The protocols {@code value} of {@code parameter} allows. */
  public static TlsProtocols parse(String parameter, String value) throws TlsConfigException {
    EnumSet<Version> include = EnumSet.noneOf(Version.class);
    EnumSet<Version> exclude = EnumSet.noneOf(Version.class);
    int floor = 0;
    int ceiling = 0;
    for (String word : SEPARATORS.split(value.strip())) {
      if (word.isEmpty()) {
        continue;
      }
      if (word.startsWith(">=")) {
        floor = bound(parameter, word.substring(2));
      } else if (word.startsWith("<=")) {
        ceiling = bound(parameter, word.substring(2));
      } else if (word.startsWith("!")) {
        exclude.add(version(parameter, word.substring(1)));
      } else {
        include.add(version(parameter, word));
      }
    }
    EnumSet<Version> on = include.isEmpty() ? EnumSet.allOf(Version.class) : include;
    on.removeAll(exclude);
    int low = floor;
    int high = ceiling;
    on.removeIf(v -> (low != 0 && v.number < low) || (high != 0 && v.number > high));
    return new TlsProtocols(on);
  }

  private static Version version(String parameter, String word) throws TlsConfigException {
    return Version.named(word).orElseThrow(() -> new TlsConfigException(
        parameter + ": invalid TLS protocol name: \"" + word + "\""));
  }

  /** A {@code >=} or {@code <=} bound: a name, {@code None} (0), or a hexadecimal number. */
  private static int bound(String parameter, String word) throws TlsConfigException {
    if (word.equalsIgnoreCase("None")) {
      return 0;
    }
    Optional<Version> v = Version.named(word).filter(x -> x != Version.SSLV2);
    if (v.isPresent()) {
      return v.get().number;
    }
    if (HEX.matcher(word).matches()) {
      return Integer.parseUnsignedInt(word.replaceFirst("^0[xX]", ""), 16);
    }
    throw new TlsConfigException(parameter + ": invalid TLS protocol version: \"" + word + "\"");
  }

  /** The JSSE names of the enabled protocols, newest first. */
  public List<String> jsseNames() {
    List<String> out = new ArrayList<>();
    for (Version v : Version.values()) {
      if (enabled.contains(v) && !v.jsseName.isEmpty()) {
        out.addFirst(v.jsseName);
      }
    }
    return out;
  }

  /** True when TLS 1.2 or an older protocol is enabled, so that cipher grades matter. */
  public boolean belowTls13() {
    return enabled.stream().anyMatch(v -> v != Version.TLSV1_3 && !v.jsseName.isEmpty());
  }
}
