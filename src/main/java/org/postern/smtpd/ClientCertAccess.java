package org.postern.smtpd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.postern.config.MainConfig;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.tls.ClientCertificate;
import org.postern.util.ParameterList;

/**
 * The restrictions on a TLS client's certificate, as Postfix's {@code smtpd_check.c} applies
 * them:
 *
 * <ul>
 *   <li>{@code permit_tls_all_clientcerts}: permits a client whose certificate verified against
 *       {@code smtpd_tls_CAfile}/{@code smtpd_tls_CApath}; otherwise as below.
 *   <li>{@code permit_tls_clientcerts}: permits a client whose certificate's public-key
 *       fingerprint, or else certificate fingerprint, is a key of {@code relay_clientcerts},
 *       verified or not.
 *   <li>{@code check_ccert_access type:table}: the certificate fingerprint, then the public-key
 *       fingerprint, as access table keys; the first result that is not DUNNO counts. A refusal
 *       names the certificate's CN: {@code 554 5.7.1 <CN>: Client certificate rejected: Access
 *       denied}. Postfix 3.5's explicit form {@code check_ccert_access { type:table, {
 *       search_order = pubkey_fingerprint } }} names the keys and their order; {@code
 *       cert_fingerprint} and {@code pubkey_fingerprint} are the names it allows.
 * </ul>
 *
 * <p>Fingerprints use {@code smtpd_tls_fingerprint_digest} ({@code AB:CD:...}). Without TLS or
 * without a certificate nothing matches; when no certificate was asked for ({@code
 * smtpd_tls_ask_ccert = no}) each use logs Postfix's warning that the restriction is requested
 * without it.
 *
 * <p>Failure: a search order with another name, a name twice, or another attribute than {@code
 * search_order} is an {@link IllegalArgumentException} at start (Postfix finds it at run time and
 * answers {@code 451 4.3.5}). A {@code relay_clientcerts} table that cannot answer gives {@code 451
 * 4.3.0 <name>: Temporary lookup failure}, as does a {@code check_ccert_access} table.
 */
final class ClientCertAccess {
  static final String CHECK_CCERT_ACCESS = "check_ccert_access";
  static final String PERMIT_TLS_CLIENTCERTS = "permit_tls_clientcerts";
  static final String PERMIT_TLS_ALL_CLIENTCERTS = "permit_tls_all_clientcerts";

  /** The keys of {@code check_ccert_access}, by their {@code search_order} names. */
  enum Key {
    CERT_FINGERPRINT("cert_fingerprint"),
    PUBKEY_FINGERPRINT("pubkey_fingerprint");

    final String postfixName;

    Key(String postfixName) {
      this.postfixName = postfixName;
    }

    String of(ClientCertificate c) {
      return this == CERT_FINGERPRINT ? c.fingerprint() : c.pubkeyFingerprint();
    }
  }

  private static final List<Key> DEFAULT_ORDER =
      List.of(Key.CERT_FINGERPRINT, Key.PUBKEY_FINGERPRINT);

  /** A {@code check_ccert_access} table with the order in which its keys are tried. */
  record SearchTable(LookupTable table, List<Key> order) implements LookupTable {
    @Override
    public String spec() {
      return table.spec();
    }

    @Override
    public MatchStyle matchStyle() {
      return table.matchStyle();
    }

    @Override
    public Optional<String> find(String key) throws TableException {
      return table.find(key);
    }
  }

  private final List<LookupTable> relayClientcerts;
  private final boolean askCcert;

  private ClientCertAccess(MainConfig c, Function<String, LookupTable> opener) {
    List<LookupTable> tables = new ArrayList<>();
    for (String spec : c.getList("relay_clientcerts")) {
      tables.add(opener.apply(spec));
    }
    this.relayClientcerts = List.copyOf(tables);
    this.askCcert = c.getBoolean("smtpd_tls_ask_ccert");
  }

  /**
   * The table of a {@code check_ccert_access} argument: {@code type:table}, or {@code {
   * type:table, { search_order = name... } }}, opened through {@code opener}.
   */
  static SearchTable table(String arg, Function<String, LookupTable> opener) {
    if (!arg.startsWith("{")) {
      return new SearchTable(opener.apply(arg), DEFAULT_ORDER);
    }
    List<String> items = ParameterList.split(ParameterList.stripBraces(arg));
    if (items.isEmpty() || items.size() > 2) {
      throw new IllegalArgumentException(CHECK_CCERT_ACCESS + ": expected { type:table, {"
          + " search_order = ... } }: \"" + arg + "\"");
    }
    List<Key> order = items.size() == 1 ? DEFAULT_ORDER : searchOrder(items.get(1));
    return new SearchTable(opener.apply(items.get(0)), order);
  }

  private static List<Key> searchOrder(String braced) {
    String attribute = ParameterList.stripBraces(braced);
    int eq = attribute.indexOf('=');
    if (eq < 0 || !attribute.substring(0, eq).strip().equals("search_order")) {
      throw new IllegalArgumentException(CHECK_CCERT_ACCESS + ": unknown attribute in \""
          + braced + "\": only search_order is allowed");
    }
    List<Key> order = new ArrayList<>();
    for (String name : ParameterList.split(attribute.substring(eq + 1))) {
      Key key = Arrays.stream(Key.values()).filter(k -> k.postfixName.equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(CHECK_CCERT_ACCESS
              + ": unexpected search_order name \"" + name + "\" (cert_fingerprint or"
              + " pubkey_fingerprint)"));
      if (order.contains(key)) {
        throw new IllegalArgumentException(CHECK_CCERT_ACCESS + ": duplicate search_order name \""
            + name + "\"");
      }
      order.add(key);
    }
    if (order.isEmpty()) {
      throw new IllegalArgumentException(CHECK_CCERT_ACCESS + ": empty search_order");
    }
    return List.copyOf(order);
  }

  static ClientCertAccess fromConfig(MainConfig c, Function<String, LookupTable> opener) {
    return new ClientCertAccess(c, opener);
  }

  /** {@code permit_tls_clientcerts} ({@code all} false) or {@code permit_tls_all_clientcerts}. */
  SmtpdCheck.Status permit(SmtpdCheck check, boolean all, String replyName)
      throws SmtpdCheck.Abort {
    CheckState state = check.state;
    if (state.tls.isEmpty()) {
      return SmtpdCheck.Status.DUNNO;
    }
    Optional<ClientCertificate> cert = state.tls.get().clientCertificate();
    if (cert.isEmpty()) {
      warnIfNotAsked(state, all ? PERMIT_TLS_ALL_CLIENTCERTS : PERMIT_TLS_CLIENTCERTS);
      return SmtpdCheck.Status.DUNNO;
    }
    if (all && cert.get().trusted()) {
      return SmtpdCheck.Status.OK;
    }
    for (String print : List.of(cert.get().pubkeyFingerprint(), cert.get().fingerprint())) {
      if (!print.isEmpty() && relayListed(check, print, replyName)) {
        return SmtpdCheck.Status.OK;
      }
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private boolean relayListed(SmtpdCheck check, String print, String replyName)
      throws SmtpdCheck.Abort {
    try {
      for (LookupTable table : relayClientcerts) {
        if (table.find(print).isPresent()) {
          return true;
        }
      }
      return false;
    } catch (TableException e) {
      check.state.warning("relay_clientcerts: lookup error for fingerprint '" + print + "': "
          + e.getMessage());
      throw check.abort(451, "4.3.0", "<" + replyName + ">: Temporary lookup failure");
    }
  }

  /** {@code check_ccert_access}: each fingerprint in turn until a result decides. */
  SmtpdCheck.Status check(SmtpdCheck check, AccessResult results, LookupTable table,
      String defaultAcl) throws SmtpdCheck.Abort {
    List<Key> order = table instanceof SearchTable s ? s.order() : DEFAULT_ORDER;
    CheckState state = check.state;
    Optional<ClientCertificate> cert = state.tls.flatMap(Envelope.Tls::clientCertificate);
    if (cert.isEmpty()) {
      warnIfNotAsked(state, CHECK_CCERT_ACCESS);
      return SmtpdCheck.Status.DUNNO;
    }
    String name = cert.get().subjectCn();
    for (Key key : order) {
      String print = key.of(cert.get());
      if (print.isEmpty()) {
        continue;
      }
      Optional<String> value;
      try {
        value = table.find(print);
      } catch (TableException e) {
        state.warning(e.getMessage());
        throw check.abort(451, "4.3.0", "<" + name + ">: Temporary lookup failure");
      }
      if (value.isPresent()) {
        SmtpdCheck.Status s = results.apply(table.spec(), value.get(), print, name,
            SmtpdCheck.CLIENT_CERTIFICATE, defaultAcl);
        if (s != SmtpdCheck.Status.DUNNO) {
          return s;
        }
      }
    }
    return SmtpdCheck.Status.DUNNO;
  }

  private void warnIfNotAsked(CheckState state, String restriction) {
    if (!askCcert) {
      state.warning(restriction + " is requested, but \"smtpd_tls_ask_ccert = no\"");
    }
  }
}
