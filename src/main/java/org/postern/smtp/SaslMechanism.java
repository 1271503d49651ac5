package org.postern.smtp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postern.sasl.Mechanism;

/**
 * The SASL mechanisms the SMTP/LMTP client can use, in the order it prefers them when the server
 * offers several: CRAM-MD5 (no password on the wire), then PLAIN, then LOGIN. Each carries the
 * properties that {@code smtp_sasl_security_options} judges, as Cyrus SASL rates them: PLAIN and
 * LOGIN send the password ({@code plaintext}) and, like CRAM-MD5, are open to {@code dictionary}
 * and {@code active} attacks.
 *
 * <p>Failure: a challenge the mechanism cannot answer (a third LOGIN prompt, an empty CRAM-MD5
 * challenge) is an empty answer, which ends the exchange as Cyrus's "bad protocol / cancel".
 */
enum SaslMechanism {
  CRAM_MD5("CRAM-MD5", Set.of("dictionary", "active")),
  PLAIN("PLAIN", Set.of("plaintext", "dictionary", "active")),
  LOGIN("LOGIN", Set.of("plaintext", "dictionary", "active"));

  private final String name;
  private final Mechanism properties;

  SaslMechanism(String name, Set<String> properties) {
    this.name = name;
    this.properties = new Mechanism(name, properties);
  }

  /** The name on the AUTH command. */
  String mechanismName() {
    return name;
  }

  /** The name with its properties, for {@link org.postern.sasl.SecurityOptions#permits}. */
  Mechanism properties() {
    return properties;
  }

  static Optional<SaslMechanism> named(String word) {
    String upper = word.toUpperCase(Locale.ROOT);
    for (SaslMechanism m : values()) {
      if (m.name.equals(upper)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The initial response sent on the AUTH command line; empty when the server speaks first. */
  Optional<byte[]> initialResponse(SaslCredentials c) {
    if (this != PLAIN) {
      return Optional.empty();
    }
    return Optional.of(("\0" + c.username() + "\0" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The answer to the {@code step}th challenge (from 0), decoded; empty when this mechanism has
   * no answer to it.
   */
  Optional<byte[]> answer(int step, byte[] challenge, SaslCredentials c) {
    return switch (this) {
      case PLAIN -> Optional.empty();
      case LOGIN -> switch (step) {
        case 0 -> Optional.of(c.username().getBytes(StandardCharsets.UTF_8));
        case 1 -> Optional.of(c.password().getBytes(StandardCharsets.UTF_8));
        default -> Optional.empty();
      };
      case CRAM_MD5 -> step == 0 && challenge.length > 0
          ? Optional.of((c.username() + " " + hmacMd5(c.password(), challenge))
              .getBytes(StandardCharsets.UTF_8))
          : Optional.empty();
    };
  }

  private static String hmacMd5(String key, byte[] challenge) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
      return HexFormat.of().formatHex(mac.doFinal(challenge));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacMD5 is part of every Java runtime", e);
    }
  }
}
