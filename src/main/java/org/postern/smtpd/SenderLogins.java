package org.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringTokenizer;
import java.util.function.Function;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution;
import org.postern.deliver.Resolution.AddressClass;
import org.postern.table.AddressLookup;
import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * {@code smtpd_sender_login_maps} and the restrictions that bind a MAIL FROM address to the SASL
 * login that may use it, as Postfix's {@code smtpd_check.c} applies them:
 *
 * <ul>
 *   <li>{@code reject_authenticated_sender_login_mismatch}: a logged-in client must be one of the
 *       sender's owners; a sender without owners is refused too.
 *   <li>{@code reject_unauthenticated_sender_login_mismatch}: a client that is not logged in may
 *       not use a sender that has owners.
 *   <li>{@code reject_sender_login_mismatch}: both of the above.
 *   <li>{@code reject_known_sender_login_mismatch}: both, but a logged-in client may use a sender
 *       that has no owners.
 * </ul>
 *
 * <p>The owners are the table value for the resolved sender, asked as {@link AddressLookup} asks
 * ({@code user+ext@domain}, {@code user@domain}, for a local domain {@code user+ext} and {@code
 * user}, then {@code @domain}): logins separated by commas or white space, compared with the SASL
 * login name without regard to case. The refusals are {@code 553 5.7.1 <x@y>: Sender address
 * rejected: not owned by user alice} and {@code 553 5.7.1 <x@y>: Sender address rejected: not
 * logged in}. The null sender is never checked. With {@code smtpd_sasl_auth_enable = no} the
 * restrictions are ignored with a warning, as Postfix does; with an empty {@code
 * smtpd_sender_login_maps} they never refuse.
 *
 * <p>Failure: a table that cannot answer is a {@link TableException}, which {@link Restrictions}
 * turns into {@code 451 4.3.0 <x@y>: Temporary lookup failure}.
 */
final class SenderLogins {
  static final String REJECT_MISMATCH = "reject_sender_login_mismatch";
  static final String REJECT_AUTHENTICATED = "reject_authenticated_sender_login_mismatch";
  static final String REJECT_KNOWN = "reject_known_sender_login_mismatch";
  static final String REJECT_UNAUTHENTICATED = "reject_unauthenticated_sender_login_mismatch";

  /** Postfix's CHARS_COMMA_SP: what separates the owners in a table value. */
  private static final String SEPARATORS = String.valueOf(new char[] {',', ' ', '\t', '\r', '\n'});

  private final AddressLookup maps;
  private final boolean saslEnabled;
  private final String delimiters;
  private final String myorigin;

  private SenderLogins(MainConfig c, Function<String, LookupTable> opener) {
    List<LookupTable> tables = new ArrayList<>();
    for (String spec : c.getList("smtpd_sender_login_maps")) {
      tables.add(opener.apply(spec));
    }
    this.maps = new AddressLookup(tables);
    this.saslEnabled = c.getBoolean("smtpd_sasl_auth_enable");
    this.delimiters = c.get("recipient_delimiter");
    this.myorigin = c.get("myorigin").strip().toLowerCase(Locale.ROOT);
  }

  static SenderLogins fromConfig(MainConfig c, Function<String, LookupTable> opener) {
    return new SenderLogins(c, opener);
  }

  /** Whether the restrictions act at all; false means "ignored: no SASL support". */
  boolean saslEnabled() {
    return saslEnabled;
  }

  /**
   * The refusal text that restriction {@code name} gives {@code sender}, which resolved to {@code
   * r}, for a client logged in as {@code login} (null when not logged in); empty when the sender
   * may be used.
   */
  Optional<String> mismatch(String name, String sender, Resolution r, String login)
      throws TableException {
    if (maps.isEmpty()) {
      return Optional.empty();
    }
    boolean loggedIn = login != null;
    boolean checksLoggedIn = name.equals(REJECT_AUTHENTICATED) || name.equals(REJECT_MISMATCH)
        || name.equals(REJECT_KNOWN);
    boolean checksAnonymous = !name.equals(REJECT_AUTHENTICATED);
    if (loggedIn ? !checksLoggedIn : !checksAnonymous) {
      return Optional.empty();
    }
    Optional<String> owners = owners(r);
    String prefix = "<" + sender + ">: " + SmtpdCheck.SENDER + " rejected: ";
    if (!loggedIn) {
      return owners.map(o -> prefix + "not logged in");
    }
    if (owners.isEmpty()) {
      return name.equals(REJECT_KNOWN)
          ? Optional.empty()
          : Optional.of(prefix + "not owned by user " + login);
    }
    StringTokenizer names = new StringTokenizer(owners.get(), SEPARATORS);
    while (names.hasMoreTokens()) {
      if (names.nextToken().equalsIgnoreCase(login)) {
        return Optional.empty();
      }
    }
    return Optional.of(prefix + "not owned by user " + login);
  }

  private Optional<String> owners(Resolution r) throws TableException {
    String address = r.recipient().toLowerCase(Locale.ROOT);
    int at = address.lastIndexOf('@');
    boolean localDomain = r.addressClass() == AddressClass.LOCAL
        || at >= 0 && address.substring(at + 1).equals(myorigin);
    return maps.find(address, delimiters, localDomain);
  }
}
