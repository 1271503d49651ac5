package org.postern.smtpd;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postern.sasl.DovecotAuthClient;
import org.postern.sasl.SaslServer;

/**
 * The SMTP AUTH state of one session (Postfix's {@code smtpd_sasl_glue}): the session's connection
 * to the auth server, opened at the first EHLO or AUTH and again after it failed, the mechanism
 * list EHLO announces, and who the client authenticated as ({@code sasl_method}, {@code
 * sasl_username}).
 *
 * <p>Failure: an auth server that cannot be reached is logged as Postfix logs it ({@code warning:
 * SASL: Connect to PATH failed: REASON}); EHLO then announces no AUTH and the AUTH command answers
 * {@code 454 4.7.0}. Unlike Postfix's smtpd, which exits with {@code fatal: no SASL authentication
 * mechanisms}, the session goes on.
 */
final class SmtpdSasl implements AutoCloseable {
  /** Opens a connection to the auth server; {@link DovecotAuthClient#connect} in production. */
  interface Connector {
    SaslServer connect() throws IOException;
  }

  private final SaslSettings settings;
  private final Connector connector;
  private final CheckState state;
  private SaslServer server;
  private String method;
  private String username;

  SmtpdSasl(SaslSettings settings, Connector connector, CheckState state) {
    this.settings = settings;
    this.connector = connector;
    this.state = state;
  }

  static Connector dovecot(SaslSettings settings) {
    return () -> DovecotAuthClient.connect(settings.endpoint(), settings.timeout());
  }

  SaslSettings settings() {
    return settings;
  }

  /** The connection, opened (again) if needed; empty after a logged connect failure. */
  Optional<SaslServer> server() {
    if (server != null && server.usable()) {
      return Optional.of(server);
    }
    close();
    try {
      server = connector.connect();
      return Optional.of(server);
    } catch (IOException e) {
      state.warning("SASL: Connect to " + settings.endpoint() + " failed: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The mechanisms EHLO announces (space-separated), filtered by the security options for the
   * session's TLS state; empty when there are none or the auth server is down.
   */
  Optional<String> mechanismList(boolean tls) {
    return server()
        .map(s -> settings.options(tls).filter(s.mechanisms()).stream()
            .map(m -> m.name())
            .collect(Collectors.joining(" ")))
        .filter(list -> !list.isEmpty());
  }

  /**
   * The auth server's spelling of {@code mechanism} (matched case-insensitively) if it is on offer
   * for the session's TLS state.
   */
  Optional<String> offered(SaslServer s, String mechanism, boolean tls) {
    return settings.options(tls).filter(s.mechanisms()).stream()
        .map(m -> m.name())
        .filter(name -> name.equalsIgnoreCase(mechanism))
        .findFirst();
  }

  void login(String saslMethod, String saslUsername) {
    method = saslMethod;
    username = saslUsername;
    state.saslMethod = saslMethod;
    state.saslUsername = saslUsername;
    state.saslAuthenticated = !saslMethod.equalsIgnoreCase("ANONYMOUS");
  }

  /** STARTTLS: what was learned before TLS is forgotten (RFC 3207). */
  void logout() {
    method = null;
    username = null;
    state.saslMethod = null;
    state.saslUsername = null;
    state.saslAuthenticated = false;
  }

  boolean authenticated() {
    return username != null;
  }

  Optional<String> method() {
    return Optional.ofNullable(method);
  }

  Optional<String> username() {
    return Optional.ofNullable(username);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
