package org.postern.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.util.ParameterList;

/**
 * The TLS policy for one next hop, as {@code smtp_tls_security_level} or an {@code
 * smtp_tls_policy_maps} answer gives it: a level and optional {@code attr=value} attributes
 * ({@code secure match=nexthop:dot-nexthop}, {@code fingerprint match=AB:CD:...|EF:...}).
 *
 * <p>{@code match=} lists are split as Postfix splits them: on {@code |} for {@code fingerprint}
 * (the fingerprints contain colons), on {@code :} for {@code verify} and {@code secure}. Other
 * attributes ({@code ciphers}, {@code protocols}, {@code servername}...) are kept for later use;
 * a policy plugin's attributes ({@code policy_type} and its companions) make up {@link
 * ExternalPolicy}, checked as Postfix 3.12 checks them.
 *
 * <p>Failure: an unknown level, an attribute without {@code =} or a plugin attribute that is
 * invalid (see {@link ExternalPolicy}) throws {@link TlsConfigException} naming {@code source}
 * (the parameter or table).
 */
public record ClientTlsPolicy(TlsSecurityLevel level, List<String> match,
    Map<String, String> attributes, Optional<ExternalPolicy> external) {

  public ClientTlsPolicy {
    match = List.copyOf(match);
    attributes = Map.copyOf(attributes);
  }

  /** A policy that did not come from a plugin. */
  public ClientTlsPolicy(TlsSecurityLevel level, List<String> match,
      Map<String, String> attributes) {
    this(level, match, attributes, Optional.empty());
  }

  /** This policy with {@code match} in place of its own match list. */
  public ClientTlsPolicy withMatch(List<String> newMatch) {
    return new ClientTlsPolicy(level, newMatch, attributes, external);
  }

  /** A level without attributes. */
  public static ClientTlsPolicy of(TlsSecurityLevel level) {
    return new ClientTlsPolicy(level, List.of(), Map.of());
  }

  /**
   * Parses {@code text}, a level and attributes separated by whitespace or commas; as in Postfix,
   * an attribute in braces may hold whitespace ({@code {policy_string = mode: enforce}}).
   */
  public static ClientTlsPolicy parse(String text, String source) throws TlsConfigException {
    String[] words = words(text, source);
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
    Map<String, String> single = new LinkedHashMap<>();
    List<String> strings = new ArrayList<>();
    List<String> patterns = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new TlsConfigException(
            source + ": malformed TLS policy attribute: \"" + words[i] + "\"");
      }
      String name = words[i].substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = words[i].substring(eq + 1).strip();
      if (name.equals("match")) {
        String separator = level == TlsSecurityLevel.FINGERPRINT ? "\\|" : ":";
        for (String m : value.split(separator)) {
          if (!m.isBlank()) {
            match.add(m.strip());
          }
        }
      } else if (name.equals("policy_string")) {
        strings.add(value);
      } else if (name.equals("mx_host_pattern")) {
        patterns.add(value);
      } else if (ExternalPolicy.NAMES.contains(name)) {
        if (single.put(name, value) != null) {
          throw new TlsConfigException(
              source + ": attribute \"" + name + "\" is specified multiple times");
        }
      } else {
        attributes.put(name, value);
      }
    }
    return new ClientTlsPolicy(level, match, attributes,
        external(single, strings, patterns, source));
  }

  private static String[] words(String text, String source) throws TlsConfigException {
    try {
      return ParameterList.split(text).stream()
          .map(w -> w.startsWith("{")
              ? ParameterList.stripBraces(w).replaceAll("\\s+", " ")
              : w)
          .toArray(String[]::new);
    } catch (IllegalArgumentException e) {
      throw new TlsConfigException(source + ": malformed attribute/value pair: " + e.getMessage());
    }
  }

  private static Optional<ExternalPolicy> external(Map<String, String> single,
      List<String> strings, List<String> patterns, String source) throws TlsConfigException {
    String type = single.get("policy_type");
    if (type == null) {
      if (!single.isEmpty() || !strings.isEmpty() || !patterns.isEmpty()) {
        throw new TlsConfigException(source + ": built-in policy has unexpected attribute"
            + " policy_ttl, policy_domain, policy_string, mx_host_pattern or policy_failure");
      }
      return Optional.empty();
    }
    if (!ExternalPolicy.TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      throw unexpected(source, "policy_type", type);
    }
    String failure = single.get("policy_failure");
    if (failure != null && !ExternalPolicy.FAILURES.contains(failure.toLowerCase(Locale.ROOT))) {
      throw unexpected(source, "policy_failure", failure);
    }
    String ttl = single.get("policy_ttl");
    if (ttl != null && !ttl.matches("[0-9]{1,9}")) {
      throw new TlsConfigException(
          source + ": attribute \"policy_ttl\" has a malformed value: \"" + ttl + "\"");
    }
    return Optional.of(new ExternalPolicy(type.toLowerCase(Locale.ROOT),
        Optional.ofNullable(single.get("policy_domain")), strings, patterns,
        Optional.ofNullable(failure).map(f -> f.toLowerCase(Locale.ROOT))));
  }

  private static TlsConfigException unexpected(String source, String name, String value) {
    return new TlsConfigException(
        source + ": attribute \"" + name + "\" has an unexpected value: \"" + value + "\"");
  }

  /** This policy with its level lowered to {@code may} ({@code TLS-Required: no}). */
  public ClientTlsPolicy cappedAtMay() {
    return level == TlsSecurityLevel.NONE ? this : of(TlsSecurityLevel.MAY);
  }

  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }
}
