package org.postern.sasl;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code smtpd_sasl_security_options} and {@code smtpd_sasl_tls_security_options}: which of the
 * auth server's mechanisms smtpd offers. A {@code no*} option withholds every mechanism with that
 * property; {@code forward_secrecy} and {@code mutual_auth} keep only mechanisms that have it.
 *
 * <p>Failure: an unknown word throws {@link IllegalArgumentException} naming it.
 */
public record SecurityOptions(Set<Option> options) {
  /** One option, with Postfix's spelling and the Dovecot {@code MECH} property it refers to. */
  public enum Option {
    NOPLAINTEXT("noplaintext", "plaintext", false),
    NOACTIVE("noactive", "active", false),
    NODICTIONARY("nodictionary", "dictionary", false),
    NOANONYMOUS("noanonymous", "anonymous", false),
    FORWARD_SECRECY("forward_secrecy", "forward-secrecy", true),
    MUTUAL_AUTH("mutual_auth", "mutual-auth", true);

    private final String word;
    private final String property;
    private final boolean required;

    Option(String word, String property, boolean required) {
      this.word = word;
      this.property = property;
      this.required = required;
    }

    public String word() {
      return word;
    }

    private boolean permits(Mechanism m) {
      return m.properties().contains(property) == required;
    }
  }

  public SecurityOptions {
    options = options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
  }

  /** Parses the words of the parameter (case-insensitive, as Postfix). */
  public static SecurityOptions parse(List<String> words) {
    Set<Option> out = EnumSet.noneOf(Option.class);
    for (String w : words) {
      String word = w.toLowerCase(Locale.ROOT);
      Option match = null;
      for (Option o : Option.values()) {
        if (o.word.equals(word)) {
          match = o;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException("unknown security option \"" + w + "\"");
      }
      out.add(match);
    }
    return new SecurityOptions(out);
  }

  public boolean permits(Mechanism m) {
    return options.stream().allMatch(o -> o.permits(m));
  }

  /** The mechanisms these options let smtpd offer, in the server's order. */
  public List<Mechanism> filter(List<Mechanism> offered) {
    return offered.stream().filter(this::permits).toList();
  }
}
