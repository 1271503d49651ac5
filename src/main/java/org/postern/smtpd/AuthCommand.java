package org.postern.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.postern.sasl.AuthStep;
import org.postern.sasl.Base64Text;
import org.postern.sasl.DovecotAuthClient;
import org.postern.sasl.SaslServer;

/**
 * The AUTH command (RFC 4954) with Postfix's checks, order and replies: {@code 503 5.5.1 Error:
 * authentication not enabled}, {@code 503 5.5.1 Error: MAIL transaction in progress}, {@code 504
 * 5.5.4 Encryption required for requested authentication mechanism} ({@code smtpd_tls_auth_only}),
 * {@code 503 5.5.1 Error: already authenticated}, {@code 501 5.5.4 Syntax: AUTH mechanism}; then
 * the exchange: {@code 334} challenges, {@code *} from the client aborts with {@code 501 5.7.0},
 * and the outcome {@code 235 2.7.0 Authentication successful}, {@code 535 5.7.8 Error:
 * authentication failed: REASON} or {@code 454 4.7.0 Temporary authentication failure: REASON}.
 *
 * <p>Failure: every refusal is logged as Postfix logs it ({@code warning: NAME[ADDR]: SASL PLAIN
 * authentication failed: REASON, sasl_username=USER}); the auth server going away mid-exchange is
 * a 454 and the session goes on.
 */
final class AuthCommand {
  /** An initial response of {@code =} is an empty one (RFC 4954 section 4). */
  record Parsed(String mechanism, Optional<String> initialResponse) {}

  private final SmtpdSession session;
  private final SmtpdSettings settings;
  private final TransactionCommands commands;
  private final Optional<SmtpdSasl> sasl;

  AuthCommand(SmtpdSession session, SmtpdSettings settings, TransactionCommands commands, Optional<SmtpdSasl> sasl) {
    this.session = session;
    this.settings = settings;
    this.commands = commands;
    this.sasl = sasl;
  }

  static Parsed parse(CommandLine cmd) throws ReplyException {
    List<String> words = cmd.words();
    if (words.isEmpty() || words.size() > 2) {
      throw new ReplyException(501, "5.5.4", "Syntax: AUTH mechanism");
    }
    Optional<String> initial = words.size() == 2
        ? Optional.of(words.get(1).equals("=") ? "" : words.get(1))
        : Optional.empty();
    return new Parsed(CommandLine.printable(words.get(0)), initial);
  }

  void execute(CommandLine cmd) throws IOException, ReplyException {
    if (settings.heloRequired() && !session.heloSeen()) {
      throw new ReplyException(503, "5.5.1", "Error: send HELO/EHLO first");
    }
    if (sasl.isEmpty() || settings.discardedKeywords().contains(EhloKeyword.AUTH)) {
      throw new ReplyException(503, "5.5.1", "Error: authentication not enabled");
    }
    SmtpdSasl s = sasl.get();
    if (commands.inTransaction()) {
      throw new ReplyException(503, "5.5.1", "Error: MAIL transaction in progress");
    }
    if (s.settings().tlsAuthOnly() && !session.tlsActive()) {
      throw new ReplyException(504, "5.5.4", "Encryption required for requested authentication mechanism");
    }
    if (s.authenticated()) {
      throw new ReplyException(503, "5.5.1", "Error: already authenticated");
    }
    Parsed p = parse(cmd);
    AuthStep outcome = exchange(s, p);
    CheckState state = session.checkState();
    switch (outcome) {
      case AuthStep.Success ok -> {
        s.login(p.mechanism(), CommandLine.printable(ok.username()));
        session.writer().reply(Reply.of(235, "2.7.0", "Authentication successful"));
      }
      case AuthStep.Failure f -> {
        String reason = reason(f.reason());
        warnFailed(state, p.mechanism(), reason, f.username());
        throw new ReplyException(535, "5.7.8", "Error: authentication failed: " + reason);
      }
      case AuthStep.TemporaryFailure t -> {
        String reason = reason(t.reason());
        warnFailed(state, p.mechanism(), reason, "");
        throw new ReplyException(454, "4.7.0", "Temporary authentication failure: " + reason);
      }
      case AuthStep.Challenge c -> throw new IllegalStateException("challenge after the exchange");
    }
  }

  /** Runs the request to its end; a 501 or 500 from the client side ends it as a ReplyException. */
  private AuthStep exchange(SmtpdSasl s, Parsed p) throws IOException, ReplyException {
    Optional<SaslServer> server = s.server();
    if (server.isEmpty()) {
      return new AuthStep.TemporaryFailure("Can't connect to authentication server");
    }
    boolean tls = session.tlsActive();
    Optional<String> mechanism = s.offered(server.get(), p.mechanism(), tls);
    if (mechanism.isEmpty()) {
      return new AuthStep.Failure("Invalid authentication mechanism", "");
    }
    if (p.initialResponse().isPresent() && !Base64Text.valid(p.initialResponse().get())) {
      return new AuthStep.Failure("Invalid base64 data in initial response", "");
    }
    DovecotAuthClient.Request request = new DovecotAuthClient.Request(
        mechanism.get(), s.settings().service(), session.serverAddress(),
        session.checkState().clientAddress, tls, p.initialResponse());
    try {
      AuthStep step = server.get().begin(request);
      while (step instanceof AuthStep.Challenge c) {
        session.writer().reply(Reply.plain(334, c.base64()));
        String response = readResponse(s.settings().responseLimit());
        if (response.equals("*")) {
          session.checkState().warning(
              session.checkState().namaddr() + ": SASL " + p.mechanism() + " authentication aborted");
          throw new ReplyException(501, "5.7.0", "Authentication aborted");
        }
        if (!Base64Text.valid(response)) {
          return new AuthStep.Failure("Invalid base64 data in continued response", "");
        }
        step = server.get().proceed(response);
      }
      return step;
    } catch (ClientIoException e) {
      throw e.clientFailure();
    } catch (IOException e) {
      return new AuthStep.TemporaryFailure("Connection lost to authentication server");
    }
  }

  /** The client's answer to a challenge; client I/O errors end the session as usual. */
  private String readResponse(int limit) throws IOException, ReplyException {
    SmtpInput.Line line;
    try {
      session.writer().flush();
      line = session.input().readLine(limit);
    } catch (IOException e) {
      throw new ClientIoException(e);
    }
    if (line.ending() == SmtpInput.Ending.NONE) {
      session.input().skipLine();
      throw new ReplyException(500, "5.5.6", "SASL response limit exceeded");
    }
    return new String(line.bytes(), StandardCharsets.ISO_8859_1).strip();
  }

  private static String reason(String r) {
    return r.isEmpty() ? "(reason unavailable)" : r;
  }

  private static void warnFailed(CheckState state, String mechanism, String reason, String user) {
    state.warning(state.namaddr() + ": SASL " + mechanism + " authentication failed: " + reason
        + ", sasl_username=" + (user.isEmpty() ? "(unavailable)" : CommandLine.printable(user)));
  }

  /** A client read failure inside the exchange, kept apart from the auth server's failures. */
  static final class ClientIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final IOException failure;

    ClientIoException(IOException failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }

    /** The client's own failure, for the session's timeout and lost-connection handling. */
    IOException clientFailure() {
      return failure;
    }
  }
}
