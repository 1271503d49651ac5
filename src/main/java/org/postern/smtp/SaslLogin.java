package org.postern.smtp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.sasl.SecurityOptions;

/**
 * SMTP AUTH as a client (RFC 4954), Postfix's {@code smtp_sasl_helo_login}: after the last
 * EHLO/LHLO of a session (over TLS when STARTTLS was made, so credentials never precede it), pick
 * a mechanism from the server's {@code AUTH} list, filtered by {@code smtp_sasl_mechanism_filter}
 * and then by the security options of the session ({@code smtp_sasl_security_options} without
 * TLS, {@code smtp_sasl_tls_security_options} with it, {@code
 * smtp_sasl_tls_verified_security_options} when the certificate matched), and run the exchange.
 * A mechanism the options forbid is never started, so a {@code noplaintext} session never carries
 * a password.
 *
 * <p>The initial response goes on the AUTH line unless the line would pass 512 octets; then it
 * follows the server's empty challenge.
 *
 * <p>Failure: each is a {@link Refused} with Postfix's text. No usable mechanism after the filter
 * ({@code 4.7.0} "offered no compatible authentication mechanisms"), none allowed by the security
 * options ({@code 4.7.0} "no mechanism available"), a challenge that is not base64 or that the
 * mechanism cannot answer ({@code 4.7.0}), and the server's final refusal ("server X said: 535 ..."), whose {@code 5} becomes {@code 4} under
 * {@code smtp_sasl_auth_soft_bounce}. A lost connection or timeout is the caller's
 * {@link IOException}.
 */
final class SaslLogin {
  private static final int COMMAND_LIMIT = 512;

  /** What the exchange came to. */
  sealed interface Result {}

  /** The server accepted the credentials. */
  record Authenticated(String username, SaslMechanism mechanism) implements Result {}

  /**
   * The server refused, or there was nothing to try.
   *
   * @param diagnostic the server's reply for the DSN, when it gave one
   */
  record Refused(String dsn, String text, Optional<String> diagnostic) implements Result {}

  private final SaslSettings settings;
  private final SmtpConnection conn;
  private final Server server;
  private final Duration timeout;
  private final Consumer<String> warnings;

  SaslLogin(SaslSettings settings, SmtpConnection conn, Server server, Duration timeout,
      Consumer<String> warnings) {
    this.settings = settings;
    this.conn = conn;
    this.server = server;
    this.timeout = timeout;
    this.warnings = warnings;
  }

  /**
   * The server's {@code AUTH} words kept by {@code smtp_sasl_mechanism_filter}, in the server's
   * order; every word when the filter is empty.
   */
  static List<String> filtered(String offered, List<String> filter) {
    List<String> out = new ArrayList<>();
    for (String word : offered.strip().split("\\s+")) {
      if (!word.isEmpty() && (filter.isEmpty() || matches(filter, word))) {
        out.add(word);
      }
    }
    return out;
  }

  /** Postfix's string list: the first entry that names the word decides; {@code !} negates. */
  private static boolean matches(List<String> filter, String word) {
    for (String entry : filter) {
      boolean negated = entry.startsWith("!");
      if ((negated ? entry.substring(1) : entry).equalsIgnoreCase(word)) {
        return !negated;
      }
    }
    return false;
  }

  /** The mechanism Postern prefers among {@code offered} that {@code options} permit. */
  static Optional<SaslMechanism> choose(List<String> offered, SecurityOptions options) {
    List<SaslMechanism> known = new ArrayList<>();
    for (String word : offered) {
      SaslMechanism.named(word).filter(m -> options.permits(m.properties())).ifPresent(known::add);
    }
    return known.stream().min(Enum::compareTo);
  }

  Result authenticate(
      List<String> mechanisms, SaslCredentials credentials, SecurityOptions options)
      throws IOException {
    if (mechanisms.isEmpty()) {
      return new Refused("4.7.0", "SASL authentication failed: server " + server.namaddr()
          + " offered no compatible authentication mechanisms for this type of connection"
          + " security", Optional.empty());
    }
    Optional<SaslMechanism> chosen = choose(mechanisms, options);
    if (chosen.isEmpty()) {
      // What Postfix logs from Cyrus SASL in this case, ahead of the status line.
      warnings.accept("SASL authentication failure: No worthy mechs found");
      return cannot("no mechanism available");
    }
    SaslMechanism m = chosen.get();
    Optional<String> initial = m.initialResponse(credentials).map(SaslLogin::encode);
    Optional<String> deferred = Optional.empty();
    if (initial.isPresent()
        && "AUTH ".length() + m.mechanismName().length() + 1 + initial.get().length() + 2
            <= COMMAND_LIMIT) {
      conn.writeLine("AUTH " + m.mechanismName() + " " + initial.get());
    } else {
      conn.writeLine("AUTH " + m.mechanismName());
      deferred = initial;
    }
    conn.flush();
    ServerReply r = conn.read(timeout);
    int answered = 0;
    // Each mechanism answers a bounded number of challenges, then gives up: no loop guard needed.
    while (r.code() / 100 == 3) {
      String challenge = r.lines().isEmpty() ? "" : r.lines().getFirst().strip();
      String answer;
      if (deferred.isPresent()) {
        if (!challenge.isEmpty()) {
          // Postfix names the withheld response here; that is the password, so the challenge.
          return new Refused("4.7.0", "SASL authentication failed; non-empty initial "
              + m.mechanismName() + " challenge from server " + server.namaddr() + ": "
              + challenge, Optional.empty());
        }
        answer = deferred.get();
        deferred = Optional.empty();
      } else {
        Optional<byte[]> decoded = decode(challenge);
        if (decoded.isEmpty()) {
          return cannot("bad protocol / cancel");
        }
        Optional<byte[]> next = m.answer(answered++, decoded.get(), credentials);
        if (next.isEmpty()) {
          return cannot("bad protocol / cancel");
        }
        answer = encode(next.get());
      }
      conn.writeLine(answer);
      conn.flush();
      r = conn.read(timeout);
    }
    if (r.positive()) {
      return new Authenticated(credentials.username(), m);
    }
    String dsn = settings.softBounce() && r.permanentFailure()
        ? "4" + r.dsn().substring(1)
        : r.dsn();
    return new Refused(dsn, "SASL authentication failed; server " + server.namaddr() + " said: "
        + r.text(), Optional.of("smtp; " + r.text()));
  }

  private Refused cannot(String why) {
    return new Refused("4.7.0", "SASL authentication failed; cannot authenticate to server "
        + server.namaddr() + ": " + why, Optional.empty());
  }

  private static String encode(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static Optional<byte[]> decode(String s) {
    try {
      return Optional.of(Base64.getDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
