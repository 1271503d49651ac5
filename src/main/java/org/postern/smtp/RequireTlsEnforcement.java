package org.postern.smtp;

import java.util.Optional;
import org.postern.tls.TlsSecurityLevel;

/**
 * What a {@link RequireTlsAction} demands of one server, for a message that asked for REQUIRETLS
 * (REQUIRETLS.md §3). Two questions, asked by the SMTP/LMTP client at two moments: before
 * connecting, whether the configured TLS level can meet the action at all; after the TLS
 * handshake and EHLO, whether this session may carry the message and with REQUIRETLS on MAIL
 * FROM or not.
 *
 * <p>The security property: under {@code enforce} a message never leaves without TLS, a
 * certificate match and a server that announced REQUIRETLS; under
 * {@code opportunistic+starttls} never without TLS. A server stripped of STARTTLS or of the
 * REQUIRETLS keyword by a man in the middle is refused here, before MAIL FROM.
 *
 * <p>{@code disable} is not an action here: the client delivers such a message as one that did
 * not ask for REQUIRETLS (no {@code requiretls} feature in {@code tls=}, as Postfix 3.12).
 *
 * <p>Under {@code enforce} the server must also have been found securely (RFC 8689 section
 * 4.2.1): an MX host named by an MX answer without DNSSEC, and not listed by the domain's MTA-STS
 * policy, is refused before connecting ({@link #insecureMx}).
 *
 * <p>Failure: a refusal carries the enhanced status RFC 8689 gives ({@code 5.7.30} when STARTTLS
 * or the REQUIRETLS keyword is missing, {@code 5.7.10} when encryption or the certificate match
 * is missing or the server refused STARTTLS), ahead of the TLS level's own deferral, and Postfix
 * 3.12's text ("Sender requested REQUIRETLS, but ..."). The client treats it as a soft error while
 * other MX hosts remain. Asking about {@code disable} is a programming error.
 */
public final class RequireTlsEnforcement {
  /** RFC 8689 section 5: the server does not support REQUIRETLS. */
  public static final String REQUIRETLS_NEEDED = "5.7.30";
  /** RFC 3463/8689: the configured level or the session gives no (verified) encryption. */
  public static final String ENCRYPTION_NEEDED = "5.7.10";

  private static final String SENDER_REQUESTED = "Sender requested REQUIRETLS, but ";

  private RequireTlsEnforcement() {}

  /** Before connecting: connect, or skip this destination. */
  public sealed interface BeforeConnect {}

  /** The level can meet the action; the outcome is decided after the handshake. */
  public record Connect() implements BeforeConnect {}

  /** The level cannot meet the action: do not connect. */
  public record Skip(Violation violation) implements BeforeConnect {}

  /** After the TLS handshake and EHLO: deliver, or refuse this session. */
  public sealed interface AfterHandshake {}

  /** The session may carry the message; {@code sendRequireTls} puts REQUIRETLS on MAIL FROM. */
  public record Deliver(boolean sendRequireTls, RequireTlsFeature feature)
      implements AfterHandshake {}

  /** The session must not carry the message; try the next MX host, and never cache it. */
  public record Refuse(Violation violation) implements AfterHandshake {}

  /** What was missing, for the {@code tls=} field and the delivery status (text as logged). */
  public record Violation(RequireTlsFeature feature, String enhancedStatus, String text) {}

  /**
   * What the session turned out to be. {@code tls} is true after STARTTLS (or on an implicit-TLS
   * port); {@code certificateMatched} only with TLS, and for {@code dane} only when the session
   * stayed DANE; {@code requireTlsAnnounced} is the keyword in the EHLO reply received over TLS.
   */
  public record Session(boolean tls, boolean certificateMatched, boolean requireTlsAnnounced) {
    public Session {
      if (certificateMatched && !tls) {
        throw new IllegalArgumentException("certificate matched without TLS");
      }
    }
  }

  /**
   * Whether a destination at {@code level} (after DANE had its say) can be tried under {@code
   * action}; {@code host} names the server for the text. {@code enforce} needs a level that
   * matches certificates (so {@code none} is a missing match too, as in Postfix);
   * {@code opportunistic+starttls} needs one that encrypts.
   */
  public static BeforeConnect beforeConnect(RequireTlsAction action, TlsSecurityLevel level, String host) {
    if (action == RequireTlsAction.ENFORCE && !level.matchesCertificate()) {
      return new Skip(
          new Violation(
              RequireTlsFeature.NOCERTMATCH_VIOLATED,
              ENCRYPTION_NEEDED,
              SENDER_REQUESTED + "my configured TLS security level '" + level.postfixName()
                  + "' disables certificate matching. The last attempted server was " + host));
    }
    if (action == RequireTlsAction.OPPORTUNISTIC_STARTTLS && !level.usesTls()) {
      return new Skip(
          new Violation(
              RequireTlsFeature.NOENCRYPTION_VIOLATED,
              ENCRYPTION_NEEDED,
              SENDER_REQUESTED + "my configured TLS security level '" + level.postfixName()
                  + "' disables encryption. The last attempted server was " + host));
    }
    notDisable(action);
    return new Connect();
  }

  /**
   * RFC 8689 section 4.2.1: under {@code enforce}, server {@code namaddr} found through an MX
   * lookup must have been found securely: the MX answer carried the AD bit ({@code mxSecure}, also
   * true when no MX lookup named the server), or an MTA-STS policy of the domain lists the host
   * ({@code mtaStsListed}). Otherwise its name, and any certificate match against it, rests on
   * DNS an attacker could have forged: refused before connecting with the status and text of a
   * certificate that did not match. Relaxed actions ask nothing of the MX lookup.
   */
  public static Optional<Violation> insecureMx(
      RequireTlsAction action, boolean mxSecure, boolean mtaStsListed, String namaddr) {
    notDisable(action);
    if (action != RequireTlsAction.ENFORCE || mxSecure || mtaStsListed) {
      return Optional.empty();
    }
    return Optional.of(noMatchingCertificate(namaddr));
  }

  /** Whether {@code action} forbids plaintext: {@code enforce} and {@code opportunistic+starttls}. */
  public static boolean requiresTls(RequireTlsAction action) {
    return action == RequireTlsAction.ENFORCE || action == RequireTlsAction.OPPORTUNISTIC_STARTTLS;
  }

  /**
   * Server {@code namaddr} ({@code host[addr]}) answered STARTTLS with {@code reply}: an action
   * that requires TLS refuses the server with {@code 5.7.10} (that refusal takes precedence over
   * the TLS level's own deferral).
   */
  public static Optional<Violation> starttlsRefused(RequireTlsAction action, String namaddr, String reply) {
    notDisable(action);
    if (!requiresTls(action)) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            RequireTlsFeature.NOSTARTTLS_VIOLATED,
            ENCRYPTION_NEEDED,
            SENDER_REQUESTED + "host " + namaddr + " refused to start TLS: " + reply));
  }

  /**
   * The certificate of server {@code namaddr} failed the check of the TLS level itself ({@code
   * verify}, {@code secure}, {@code fingerprint}, {@code dane}); {@code trusted} when its chain was
   * trusted (only the name or fingerprint did not match). {@code enforce} refuses the server with
   * {@code 5.7.10} instead of the level's deferral; a relaxed action logs the mismatch as permitted
   * and leaves the deferral to the level.
   */
  public static CertificateFailure certificateFailed(RequireTlsAction action, String namaddr, boolean trusted) {
    return switch (action) {
      case ENFORCE ->
          new CertificateFailure(
              Optional.of(
                  new Violation(
                      RequireTlsFeature.NOCERTMATCH_VIOLATED,
                      ENCRYPTION_NEEDED,
                      SENDER_REQUESTED + "no " + (trusted ? "matching" : "trusted")
                          + " server certificate was found. The last attempted server was " + namaddr)),
              RequireTlsFeature.NOCERTMATCH_VIOLATED);
      case OPPORTUNISTIC_STARTTLS, OPPORTUNISTIC ->
          new CertificateFailure(Optional.empty(), RequireTlsFeature.NOCERTMATCH_PERMITTED);
      case DISABLE -> throw disable();
    };
  }

  /** What a failed certificate check means for REQUIRETLS: a refusal, or only the logged feature. */
  public record CertificateFailure(Optional<Violation> refusal, RequireTlsFeature feature) {}

  /** Whether {@code session} with server {@code namaddr} may carry the message under {@code action}. */
  public static AfterHandshake afterHandshake(RequireTlsAction action, Session session, String namaddr) {
    return switch (action) {
      case ENFORCE -> enforce(session, namaddr);
      case OPPORTUNISTIC_STARTTLS ->
          session.tls() ? relaxed(session) : refuseNoStarttls(namaddr);
      case OPPORTUNISTIC ->
          session.tls()
              ? relaxed(session)
              : new Deliver(false, RequireTlsFeature.NONE_PERMITTED);
      case DISABLE -> throw disable();
    };
  }

  private static AfterHandshake enforce(Session session, String namaddr) {
    if (!session.tls()) {
      return refuseNoStarttls(namaddr);
    }
    if (!session.certificateMatched()) {
      return new Refuse(noMatchingCertificate(namaddr));
    }
    if (!session.requireTlsAnnounced()) {
      return new Refuse(
          new Violation(
              RequireTlsFeature.NONE_VIOLATED,
              REQUIRETLS_NEEDED,
              SENDER_REQUESTED + "no server was found that supports REQUIRETLS. The last attempted server was "
                  + namaddr));
    }
    return new Deliver(true, RequireTlsFeature.REQUIRETLS);
  }

  private static Violation noMatchingCertificate(String namaddr) {
    return new Violation(
        RequireTlsFeature.NOCERTMATCH_VIOLATED,
        ENCRYPTION_NEEDED,
        SENDER_REQUESTED + "no matching server certificate was found. The last attempted server was "
            + namaddr);
  }

  /** TLS is up and the action does not insist on more: use what the server offers. */
  private static AfterHandshake relaxed(Session session) {
    if (!session.requireTlsAnnounced()) {
      return new Deliver(false, RequireTlsFeature.NONE_PERMITTED);
    }
    return new Deliver(
        true,
        session.certificateMatched()
            ? RequireTlsFeature.REQUIRETLS
            : RequireTlsFeature.NOCERTMATCH_PERMITTED);
  }

  private static Refuse refuseNoStarttls(String namaddr) {
    return new Refuse(
        new Violation(
            RequireTlsFeature.NOSTARTTLS_VIOLATED,
            REQUIRETLS_NEEDED,
            SENDER_REQUESTED + "TLS service was not offered by host " + namaddr));
  }

  private static void notDisable(RequireTlsAction action) {
    if (action == RequireTlsAction.DISABLE) {
      throw disable();
    }
  }

  private static IllegalArgumentException disable() {
    return new IllegalArgumentException(
        "smtp_requiretls_policy action disable: deliver as a message without REQUIRETLS");
  }
}
