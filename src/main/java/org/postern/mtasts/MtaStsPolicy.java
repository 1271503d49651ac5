package org.postern.mtasts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.util.Spellings;

/**
 * An MTA-STS policy file (RFC 8461 section 3.2): the mode, how long the policy may be cached and
 * the MX host patterns mail may go to.
 *
 * <p>Parsing follows the grammar with the leniency the RFC asks of receivers of a policy: lines
 * end in LF or CRLF, blank lines and unknown fields are ignored, the first of a repeated {@code
 * version}, {@code mode} or {@code max_age} counts, a {@code max_age} above 31557600 seconds is
 * held to that. Values are case-sensitive ({@code STSv1}, {@code enforce}); an MX pattern is a
 * host name, optionally with a leading {@code *.} that stands for exactly one label.
 *
 * <p>Failure: a missing {@code version}, {@code mode} or {@code max_age}, a bad value, a line
 * without a colon, no {@code mx} in a policy that is not {@code none}, or a text over 64 KiB
 * throws {@link PolicyException} naming the line.
 */
public record MtaStsPolicy(Mode mode, Duration maxAge, List<String> mx) {
  /** The longest policy file accepted (RFC 8461 section 3.3 suggests 64 KiB). */
  static final int MAX_SIZE = 64 * 1024;
  /** The longest lifetime a policy may claim, one year (RFC 8461 section 3.2). */
  static final long MAX_AGE_LIMIT = 31_557_600L;

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
  private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** The {@code mode} values, spelled as in the policy file. */
  public enum Mode {
    ENFORCE("enforce"),
    TESTING("testing"),
    NONE("none");

    private final String text;

    Mode(String text) {
      this.text = text;
    }

    static Optional<Mode> of(String text) {
      return Spellings.find(values(), m -> m.text, text);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  public MtaStsPolicy {
    mx = List.copyOf(mx);
  }

  /** Parses a policy file's text. */
  static MtaStsPolicy parse(String text) throws PolicyException {
    if (text.length() > MAX_SIZE) {
      throw new PolicyException("policy larger than " + MAX_SIZE + " bytes");
    }
    String version = null;
    Mode mode = null;
    Duration maxAge = null;
    List<String> mx = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
      if (line.isBlank()) {
        continue;
      }
      String where = "line " + (n + 1);
      int colon = line.indexOf(':');
      if (colon < 0 || !KEY.matcher(line.substring(0, colon)).matches()) {
        throw new PolicyException(where + ": not a \"key: value\" field");
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "version" -> version = version != null ? version : value;
        case "mode" -> {
          if (mode == null) {
            mode = Mode.of(value).orElseThrow(
                () -> new PolicyException(where + ": invalid mode: \"" + value + "\""));
          }
        }
        case "max_age" -> {
          if (maxAge == null) {
            maxAge = maxAge(value, where);
          }
        }
        case "mx" -> mx.add(pattern(value, where));
        default -> { } // RFC 8461 section 3.2: unknown fields are ignored
      }
    }
    if (version == null || mode == null || maxAge == null) {
      throw new PolicyException("missing field: "
          + (version == null ? "version" : mode == null ? "mode" : "max_age"));
    }
    if (!version.equals("STSv1")) {
      throw new PolicyException("unsupported version: \"" + version + "\"");
    }
    if (mx.isEmpty() && mode != Mode.NONE) {
      throw new PolicyException("no mx field in a policy with mode " + mode);
    }
    return new MtaStsPolicy(mode, maxAge, mx);
  }

  private static Duration maxAge(String value, String where) throws PolicyException {
    if (!MAX_AGE.matcher(value).matches()) {
      throw new PolicyException(where + ": invalid max_age: \"" + value + "\"");
    }
    return Duration.ofSeconds(Math.min(Long.parseLong(value), MAX_AGE_LIMIT));
  }

  private static String pattern(String value, String where) throws PolicyException {
    String p = value.toLowerCase(Locale.ROOT);
    p = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    String host = p.startsWith("*.") ? p.substring(2) : p;
    String[] labels = host.split("\\.", -1);
    boolean ok = labels.length >= 2 && host.length() <= 253;
    for (String label : labels) {
      ok &= LABEL.matcher(label).matches();
    }
    if (!ok) {
      throw new PolicyException(where + ": invalid mx pattern: \"" + value + "\"");
    }
    return p;
  }

  /**
   * Whether {@code host} (an MX host name) matches one of the {@code mx} patterns (RFC 8461
   * section 4.1): equal ignoring case and a trailing dot, or one label in front of a {@code *.}
   * pattern's domain.
   */
  public boolean allowsMx(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    for (String p : mx) {
      if (p.startsWith("*.")) {
        String suffix = p.substring(1);
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot).equals(suffix)) {
          return true;
        }
      } else if (p.equals(h)) {
        return true;
      }
    }
    return false;
  }
}
