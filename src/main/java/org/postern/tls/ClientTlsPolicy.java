package org.postern.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS policy for one next hop, as {@code smtp_tls_security_level} or an {@code
 * smtp_tls_policy_maps} answer gives it: a level and optional {@code attr=value} attributes
 * ({@code secure match=nexthop:dot-nexthop}, {@code fingerprint match=AB:CD:...|EF:...}).
 *
 * <p>{@code match=} lists are split as Postfix splits them: on {@code |} for {@code fingerprint}
 * (the fingerprints contain colons), on {@code :} for {@code verify} and {@code secure}. Other
 * attributes ({@code ciphers}, {@code protocols}, {@code servername}...) are kept for later use.
 *
 * <p>Failure: an unknown level or an attribute without {@code =} throws {@link
 * TlsConfigException} naming {@code source} (the parameter or table).
 */
public record ClientTlsPolicy(
    TlsSecurityLevel level, List<String> match, Map<String, String> attributes) {

  public ClientTlsPolicy {
    match = List.copyOf(match);
    attributes = Map.copyOf(attributes);
  }

  /** A level without attributes. */
  public static ClientTlsPolicy of(TlsSecurityLevel level) {
    return new ClientTlsPolicy(level, List.of(), Map.of());
  }

  /** Parses {@code text}, a level and attributes separated by whitespace or commas. */
  public static ClientTlsPolicy parse(String text, String source) throws TlsConfigException {
    String[] words = text.strip().split("[\\s,]+");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new TlsConfigException(source + ": empty TLS policy");
    }
    TlsSecurityLevel level =
        TlsSecurityLevel.parse(words[0])
            .orElseThrow(
                () ->
                    new TlsConfigException(
                        source + ": invalid TLS security level: \"" + words[0] + "\""));
    List<String> match = new ArrayList<>();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new TlsConfigException(
            source + ": malformed TLS policy attribute: \"" + words[i] + "\"");
      }
      String name = words[i].substring(0, eq).toLowerCase(Locale.ROOT);
      String value = words[i].substring(eq + 1);
      if (name.equals("match")) {
        String separator = level == TlsSecurityLevel.FINGERPRINT ? "\\|" : ":";
        for (String m : value.split(separator)) {
          if (!m.isBlank()) {
            match.add(m.strip());
          }
        }
      } else {
        attributes.put(name, value);
      }
    }
    return new ClientTlsPolicy(level, match, attributes);
  }

  /** This policy with its level lowered to {@code may} ({@code TLS-Required: no}). */
  public ClientTlsPolicy cappedAtMay() {
    return level == TlsSecurityLevel.NONE ? this : of(TlsSecurityLevel.MAY);
  }

  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }
}
