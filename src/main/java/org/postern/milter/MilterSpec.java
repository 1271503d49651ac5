package org.postern.milter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.postern.util.ParameterList;

/**
 * One milter of a {@code smtpd_milters} or {@code non_smtpd_milters} list: its endpoint ({@code
 * inet:host:port}, {@code unix:/path}, {@code local:/path}) and its settings, the global {@code
 * milter_*} values unless the list item overrides them in Postfix's syntax {@code { inet:host:port,
 * connect_timeout=10s, command_timeout=..., content_timeout=..., default_action=accept,
 * protocol=6 }}.
 *
 * <p>Failure: an unknown setting name, a bad time value or default action, or an endpoint without
 * a transport is IllegalArgumentException naming the item, at start-up.
 */
public record MilterSpec(
    String name,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration contentTimeout,
    DefaultAction defaultAction,
    String protocol) {

  public MilterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultAction, "defaultAction");
    Objects.requireNonNull(protocol, "protocol");
    Endpoint.parse(name);
  }

  /** The global milter_* settings that each milter of a list starts from. */
  public record Defaults(Duration connectTimeout, Duration commandTimeout,
      Duration contentTimeout, DefaultAction defaultAction, String protocol) {

    MilterSpec named(String endpoint) {
      return new MilterSpec(endpoint, connectTimeout, commandTimeout, contentTimeout,
          defaultAction, protocol);
    }
  }

  /** Splits a milter list; each item starts from {@code defaults}. */
  public static List<MilterSpec> parseList(String value, Defaults defaults) {
    List<MilterSpec> out = new ArrayList<>();
    for (String item : ParameterList.split(value)) {
      out.add(item.startsWith("{") ? parseGroup(item, defaults) : defaults.named(item));
    }
    return List.copyOf(out);
  }

  private static MilterSpec parseGroup(String item, Defaults defaults) {
    List<String> words = ParameterList.split(ParameterList.stripBraces(item));
    if (words.isEmpty()) {
      throw new IllegalArgumentException("empty milter setting: " + item);
    }
    MilterSpec spec = defaults.named(words.get(0));
    for (String word : words.subList(1, words.size())) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("milter " + words.get(0) + ": \"" + word
            + "\" is not a name=value setting");
      }
      spec = spec.with(word.substring(0, eq).strip(), word.substring(eq + 1).strip());
    }
    return spec;
  }

  private MilterSpec with(String setting, String value) {
    return switch (setting) {
      case "connect_timeout" -> new MilterSpec(name, time(value), commandTimeout, contentTimeout,
          defaultAction, protocol);
      case "command_timeout" -> new MilterSpec(name, connectTimeout, time(value), contentTimeout,
          defaultAction, protocol);
      case "content_timeout" -> new MilterSpec(name, connectTimeout, commandTimeout, time(value),
          defaultAction, protocol);
      case "default_action" -> new MilterSpec(name, connectTimeout, commandTimeout,
          contentTimeout, DefaultAction.parse(value), protocol);
      case "protocol" -> new MilterSpec(name, connectTimeout, commandTimeout, contentTimeout,
          defaultAction, value);
      default -> throw new IllegalArgumentException("milter " + name + ": unknown setting \""
          + setting + "\"");
    };
  }

  /** A per-milter time: digits and an optional unit s, m, h, d, w (seconds by default). */
  private Duration time(String value) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smhdw]?)")
        .matcher(value.toLowerCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("milter " + name + ": bad time value \"" + value + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "w" -> Duration.ofDays(7 * n);
      default -> Duration.ofSeconds(n);
    };
  }
}
