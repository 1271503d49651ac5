package org.postern.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postern.tls.TlsParameters.Setting;

/**
 * The protocol and cipher settings of one TLS role (smtpd, the SMTP client, the LMTP client), and
 * which of them a handshake uses, as Postfix decides:
 *
 * <ul>
 *   <li>opportunistic TLS (smtpd without {@code encrypt}, the client at {@code may}): {@code
 *       *_tls_protocols}, {@code *_tls_ciphers}, {@code *_tls_exclude_ciphers};
 *   <li>mandatory TLS (smtpd at {@code encrypt} or in wrapper mode, the client at {@code encrypt}
 *       and above): {@code *_tls_mandatory_protocols}, {@code *_tls_mandatory_ciphers}, and both
 *       {@code *_tls_exclude_ciphers} and {@code *_tls_mandatory_exclude_ciphers}; the client
 *       also excludes {@code eNULL} at {@code encrypt} and {@code aNULL} at the levels that check
 *       the server certificate.
 * </ul>
 *
 * <p>A client policy table entry's {@code protocols=}, {@code ciphers=} (a grade) and {@code
 * exclude=} replace the main.cf protocols, grade and exclusion lists for its destination.
 *
 * <p>The main.cf combinations are computed once, by {@link #validate}, so that a bad value stops
 * the program at start-up; policy table combinations are computed when first used and kept.
 *
 * <p>Failure: {@link TlsConfigException} naming the parameter (see {@link TlsParameters}).
 */
public final class TlsHandshakeSettings {
  private final Setting protocols;
  private final Setting mandatoryProtocols;
  private final Setting ciphers;
  private final Setting mandatoryCiphers;
  private final Setting exclude;
  private final Setting mandatoryExclude;
  private final CipherLists lists;
  private final Map<List<String>, TlsParameters> computed = new ConcurrentHashMap<>();

  public TlsHandshakeSettings(Setting protocols, Setting mandatoryProtocols, Setting ciphers,
      Setting mandatoryCiphers, Setting exclude, Setting mandatoryExclude, CipherLists lists) {
    this.protocols = protocols;
    this.mandatoryProtocols = mandatoryProtocols;
    this.ciphers = ciphers;
    this.mandatoryCiphers = mandatoryCiphers;
    this.exclude = exclude;
    this.mandatoryExclude = mandatoryExclude;
    this.lists = lists;
  }

  /** The server's parameters: mandatory ones when {@code enforce} (encrypt or wrapper mode). */
  public TlsParameters forServer(boolean enforce) throws TlsConfigException {
    return enforce ? mandatory("", Optional.empty(), Optional.empty(), Optional.empty())
        : opportunistic(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Computes the main.cf combinations of the client's levels, so bad values show at start-up. */
  public void validate() throws TlsConfigException {
    forClient(TlsSecurityLevel.MAY, ClientTlsPolicy.of(TlsSecurityLevel.MAY));
    forClient(TlsSecurityLevel.ENCRYPT, ClientTlsPolicy.of(TlsSecurityLevel.ENCRYPT));
    forClient(TlsSecurityLevel.VERIFY, ClientTlsPolicy.of(TlsSecurityLevel.VERIFY));
  }

  /**
   * The client's parameters for a session held to {@code level} (after DANE had its say) under
   * {@code policy}, whose {@code protocols=}, {@code ciphers=} and {@code exclude=} win.
   */
  public TlsParameters forClient(TlsSecurityLevel level, ClientTlsPolicy policy)
      throws TlsConfigException {
    Optional<Setting> p = policy.attribute("protocols").map(v -> new Setting("protocols", v));
    Optional<Setting> c = policy.attribute("ciphers").map(v -> new Setting("ciphers", v));
    Optional<Setting> e = policy.attribute("exclude").map(v -> new Setting("exclude", v));
    return switch (level) {
      case NONE, MAY -> opportunistic(p, c, e);
      case ENCRYPT -> mandatory("eNULL", p, c, e);
      case DANE, DANE_ONLY, FINGERPRINT, VERIFY, SECURE -> mandatory("aNULL", p, c, e);
    };
  }

  private TlsParameters opportunistic(
      Optional<Setting> p, Optional<Setting> c, Optional<Setting> e) throws TlsConfigException {
    return compute(p.orElse(protocols), c.orElse(ciphers),
        e.map(List::of).orElse(List.of(exclude)));
  }

  private TlsParameters mandatory(String also, Optional<Setting> p, Optional<Setting> c,
      Optional<Setting> e) throws TlsConfigException {
    List<Setting> exclusions = new ArrayList<>(e.map(List::of)
        .orElse(List.of(exclude, mandatoryExclude)));
    if (!also.isEmpty()) {
      exclusions.add(new Setting("security level exclusion", also));
    }
    return compute(p.orElse(mandatoryProtocols), c.orElse(mandatoryCiphers), exclusions);
  }

  private TlsParameters compute(Setting p, Setting c, List<Setting> exclusions)
      throws TlsConfigException {
    List<String> key = new ArrayList<>(List.of(p.value(), c.value()));
    exclusions.forEach(x -> key.add(x.value()));
    TlsParameters known = computed.get(key);
    if (known != null) {
      return known;
    }
    TlsParameters fresh = TlsParameters.of(p, c, exclusions, lists);
    computed.put(List.copyOf(key), fresh);
    return fresh;
  }
}
