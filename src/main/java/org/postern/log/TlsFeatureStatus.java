package org.postern.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.tls.TlsSecurityLevel;
import org.postern.util.Spellings;

/**
 * The {@code tls=} field of a delivery status line ({@code smtp_log_tls_feature_status}): what the
 * TLS policy asked for and what the session achieved, feature by feature. The first feature is the
 * TLS security level; the second, present only when the message asked for REQUIRETLS, is {@code
 * requiretls}.
 *
 * <p>Each feature is written as Postfix's pol_stats writes it: the requested name; {@code :final}
 * when the achieved state differs ({@code may:none}, {@code requiretls:nocertmatch}); a leading {@code !} when the policy was violated and the connection not
 * used; a trailing {@code ?} when nothing was decided (no connection, lost connection,
 * configuration error). Features are joined with {@code /}: {@code dane/requiretls}.
 */
public record TlsFeatureStatus(SecurityLevel securityLevel, Optional<RequireTls> requireTls) {

  public TlsFeatureStatus {
    Objects.requireNonNull(securityLevel);
    Objects.requireNonNull(requireTls);
  }

  /** A message that did not ask for REQUIRETLS: the level alone. */
  public static TlsFeatureStatus of(SecurityLevel securityLevel) {
    return new TlsFeatureStatus(securityLevel, Optional.empty());
  }

  /** A message that asked for REQUIRETLS. */
  public static TlsFeatureStatus of(SecurityLevel securityLevel, RequireTls requireTls) {
    return new TlsFeatureStatus(securityLevel, Optional.of(requireTls));
  }

  /** The features in logging order. */
  public List<Feature> features() {
    List<Feature> features = new ArrayList<>(2);
    features.add(securityLevel);
    requireTls.ifPresent(features::add);
    return List.copyOf(features);
  }

  /** The text after {@code tls=}, for example {@code dane/!requiretls:nocertmatch}. */
  public String format() {
    StringBuilder out = new StringBuilder();
    for (Feature f : features()) {
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(f.text());
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return format();
  }

  /** Postfix's POL_STAT states of an activated feature. */
  public enum Status {
    /** The policy for this feature was met (possibly by a permitted downgrade). */
    COMPLIANT,
    /** The policy was not met and the connection was not used for this message. */
    VIOLATION,
    /** No decision was reached. */
    UNDECIDED
  }

  /**
   * TLS security levels as logged: the configurable levels plus {@code halfdane} ({@code dane}
   * for an MX host found without DNSSEC) and {@code unknown} (no level could be determined: a TLS
   * policy lookup error, or {@code dane-only} without usable TLSA records).
   */
  public enum Level {
    UNKNOWN("unknown"),
    NONE("none"),
    MAY("may"),
    ENCRYPT("encrypt"),
    FINGERPRINT("fingerprint"),
    HALFDANE("halfdane"),
    DANE("dane"),
    DANE_ONLY("dane-only"),
    VERIFY("verify"),
    SECURE("secure");

    private final String postfixName;

    Level(String postfixName) {
      this.postfixName = postfixName;
    }

    /** The logged form of a configured level. */
    public static Level of(TlsSecurityLevel level) {
      return Spellings.find(values(), l -> l.postfixName, level.postfixName()).orElseThrow(
          () -> new IllegalArgumentException("no logged form for TLS level " + level));
    }

    @Override
    public String toString() {
      return postfixName;
    }
  }

  /** Why a REQUIRETLS delivery fell short, as logged after {@code requiretls:}. */
  public enum RequireTlsDetail {
    /** The server certificate was not matched (or the level does not match certificates). */
    NOCERTMATCH("nocertmatch"),
    /** The server did not offer STARTTLS, or the handshake failed. */
    NOSTARTTLS("nostarttls"),
    /** The TLS level disabled encryption; no connection was made. */
    NOENCRYPTION("noencryption"),
    /** The server did not announce REQUIRETLS. */
    NONE("none");

    private final String postfixName;

    RequireTlsDetail(String postfixName) {
      this.postfixName = postfixName;
    }

    @Override
    public String toString() {
      return postfixName;
    }
  }

  /** One {@code tls=} feature: a name, an optional achieved name, a status. */
  public sealed interface Feature permits SecurityLevel, RequireTls {
    String name();

    /** The achieved state when it differs from the requested one. */
    Optional<String> finalName();

    Status status();

    /** This feature as logged: {@code !requiretls:nocertmatch}, {@code may:none}, {@code may?}. */
    default String text() {
      return (status() == Status.VIOLATION ? "!" : "")
          + name()
          + finalName().map(n -> ":" + n).orElse("")
          + (status() == Status.UNDECIDED ? "?" : "");
    }
  }

  /** The first feature: the TLS security level asked for, and the one reached if different. */
  public record SecurityLevel(Level requested, Optional<Level> reached, Status status)
      implements Feature {
    public SecurityLevel {
      Objects.requireNonNull(requested);
      Objects.requireNonNull(status);
      reached = reached.filter(r -> r != requested);
      if (status == Status.UNDECIDED && reached.isPresent()) {
        throw new IllegalArgumentException(
            "undecided TLS level " + requested + " cannot have reached " + reached.get());
      }
    }

    /** {@code dane}: the level was met. */
    public static SecurityLevel compliant(Level level) {
      return new SecurityLevel(level, Optional.empty(), Status.COMPLIANT);
    }

    /** {@code may:none}: a permitted downgrade. */
    public static SecurityLevel downgraded(Level requested, Level reached) {
      return new SecurityLevel(requested, Optional.of(reached), Status.COMPLIANT);
    }

    /** {@code !dane-only}: the level was not met; the connection was not used. */
    public static SecurityLevel violated(Level level) {
      return new SecurityLevel(level, Optional.empty(), Status.VIOLATION);
    }

    /** {@code !dane-only:encrypt}: not met, showing what the session could reach. */
    public static SecurityLevel violated(Level requested, Level reached) {
      return new SecurityLevel(requested, Optional.of(reached), Status.VIOLATION);
    }

    /** {@code may?}: no decision. */
    public static SecurityLevel undecided(Level level) {
      return new SecurityLevel(level, Optional.empty(), Status.UNDECIDED);
    }

    @Override
    public String name() {
      return requested.toString();
    }

    @Override
    public Optional<String> finalName() {
      return reached.map(Level::toString);
    }
  }

  /** The second feature, present when the message asked for REQUIRETLS. */
  public record RequireTls(Optional<RequireTlsDetail> detail, Status status) implements Feature {
    public RequireTls {
      Objects.requireNonNull(detail);
      Objects.requireNonNull(status);
      if (status == Status.UNDECIDED && detail.isPresent()) {
        throw new IllegalArgumentException(
            "undecided requiretls cannot have detail " + detail.get());
      }
    }

    /** {@code requiretls}: all requirements met, REQUIRETLS sent. */
    public static RequireTls compliant() {
      return new RequireTls(Optional.empty(), Status.COMPLIANT);
    }

    /**
     * {@code requiretls:nocertmatch}, {@code requiretls:none}: a shortfall a relaxed action
     * permits.
     */
    public static RequireTls permitted(RequireTlsDetail detail) {
      return new RequireTls(Optional.of(detail), Status.COMPLIANT);
    }

    /** {@code !requiretls:nostarttls}: the policy forbids this connection. */
    public static RequireTls violated(RequireTlsDetail detail) {
      return new RequireTls(Optional.of(detail), Status.VIOLATION);
    }

    /** {@code requiretls?}: no decision. */
    public static RequireTls undecided() {
      return new RequireTls(Optional.empty(), Status.UNDECIDED);
    }

    @Override
    public String name() {
      return "requiretls";
    }

    @Override
    public Optional<String> finalName() {
      return detail.map(RequireTlsDetail::toString);
    }
  }
}
