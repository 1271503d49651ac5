package org.postern.table.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.PEMFileKeyManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import java.io.File;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.postern.table.TableException;
import org.postern.table.db.DbConfigFile;

/**
 * Opens the connection of an ldap: table as ldap_table(5) sets it up: the {@code server_host}
 * list tried in order until one answers (fail-over), {@code ldaps://} or {@code start_tls = yes}
 * for TLS, then a simple bind with {@code bind_dn}/{@code bind_pw} unless {@code bind = no}.
 * TLS follows Postfix's {@code tls_*} parameters: {@code tls_require_cert = no} (the default)
 * accepts any server certificate, as OpenLDAP's TLS_NEVER does; {@code yes} checks the chain
 * against {@code tls_ca_cert_file}/{@code tls_ca_cert_dir} (PEM) and the host name; {@code
 * tls_cert}/{@code tls_key} present a client certificate. The library speaks LDAPv3 only;
 * {@code version = 2}, Postfix's default, is accepted and v3 is spoken, which every current
 * server takes.
 *
 * <p>Failure: {@code bind = sasl} and unreadable certificate or key files are a {@link
 * TableException} when the table is opened; a server list of which none connects, a failed
 * STARTTLS or a refused bind is a TableException from {@link #connect}, which the lookup turns
 * into Postfix's temporary failure.
 */
final class LdapConnector {
  /** ldap_table(5) {@code bind}. */
  enum Bind {
    NONE,
    SIMPLE;

    static Bind parse(String value) throws TableException {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "no", "none" -> NONE;
        case "yes", "simple" -> SIMPLE;
        case "sasl" -> throw new TableException("bind = sasl is not supported; use bind = simple"
            + " over ldaps:// or start_tls = yes");
        default -> throw new TableException("unsupported parameter value: bind = " + value);
      };
    }
  }

  private final String label;
  private final List<LdapServer> servers;
  private final Duration timeout;
  private final Bind bind;
  private final String bindDn;
  private final String bindPw;
  private final boolean startTls;
  private final SSLContext tls;
  private final boolean verifyHostName;

  private LdapConnector(String label, List<LdapServer> servers, Duration timeout, Bind bind,
      String bindDn, String bindPw, boolean startTls, SSLContext tls, boolean verifyHostName) {
    this.label = label;
    this.servers = servers;
    this.timeout = timeout;
    this.bind = bind;
    this.bindDn = bindDn;
    this.bindPw = bindPw;
    this.startTls = startTls;
    this.tls = tls;
    this.verifyHostName = verifyHostName;
  }

  /** The connector of table {@code label} as {@code cf} configures it. */
  static LdapConnector configure(String label, DbConfigFile cf, Duration timeout,
      Consumer<String> warnings) throws TableException {
    int port = cf.integer("server_port", 389, 1, 65535);
    List<LdapServer> servers = LdapServer.parse(cf.string("server_host", "localhost"), port);
    int version = cf.integer("version", 2, 2, Integer.MAX_VALUE);
    if (version > 3) {
      warnings.accept(label + ": Unknown version " + version + ", using 3");
    }
    if (!cf.string("tls_cipher_suite", "").isEmpty()) {
      warnings.accept(label + ": tls_cipher_suite is an OpenSSL cipher list and is ignored;"
          + " the JDK's TLS defaults apply");
    }
    boolean requireCert = cf.bool("tls_require_cert", false);
    boolean startTls = cf.bool("start_tls", false);
    boolean usesTls = startTls || servers.stream().anyMatch(LdapServer::ldaps);
    SSLContext tls = usesTls ? sslContext(cf, requireCert) : null;
    return new LdapConnector(label, servers, timeout, Bind.parse(cf.string("bind", "yes")),
        cf.string("bind_dn", ""), cf.string("bind_pw", ""), startTls, tls, requireCert);
  }

  private static SSLContext sslContext(DbConfigFile cf, boolean requireCert)
      throws TableException {
    try {
      TrustManager trust = requireCert ? trustManager(cf) : new TrustAllTrustManager();
      String cert = cf.string("tls_cert", "");
      String key = cf.string("tls_key", "");
      KeyManager keys = cert.isEmpty() || key.isEmpty()
          ? null : new PEMFileKeyManager(new File(cert), new File(key));
      return new SSLUtil(keys, trust).createSSLContext();
    } catch (GeneralSecurityException e) {
      throw new TableException("TLS setup: " + e.getMessage(), e);
    }
  }

  /** The CAs of tls_ca_cert_file (first, as Postfix prefers it) and tls_ca_cert_dir. */
  private static TrustManager trustManager(DbConfigFile cf) throws GeneralSecurityException {
    List<File> files = new ArrayList<>();
    for (String name : List.of("tls_ca_cert_file", "tls_ca_cert_dir")) {
      String value = cf.string(name, "");
      if (!value.isEmpty()) {
        files.add(new File(value));
      }
    }
    return files.isEmpty() ? null : new PEMFileTrustManager(files);
  }

  /**
   * A connected (and bound) connection to the first server in {@code server_host} order that
   * answers; each failure is passed to {@code warnings} as Postfix warns.
   */
  LDAPConnection connect(Consumer<String> warnings) throws TableException {
    LDAPException last = null;
    for (LdapServer server : servers) {
      try {
        return connect(server);
      } catch (LDAPException e) {
        warnings.accept(label + ": Unable to connect to LDAP server " + server + ": "
            + e.getResultCode().intValue() + " (" + text(e) + ")");
        last = e;
      }
    }
    throw new TableException(label + ": no LDAP server answered; last: " + text(last), last);
  }

  private LDAPConnection connect(LdapServer server) throws LDAPException {
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis((int) timeout.toMillis());
    options.setResponseTimeoutMillis(timeout.toMillis());
    if (verifyHostName) {
      options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
    }
    LDAPConnection c = server.ldaps()
        ? new LDAPConnection(tls.getSocketFactory(), options, server.host(), server.port())
        : new LDAPConnection(options, server.host(), server.port());
    try {
      if (startTls && !server.ldaps()) {
        ExtendedResult r = c.processExtendedOperation(new StartTLSExtendedRequest(tls));
        if (r.getResultCode() != ResultCode.SUCCESS) {
          throw new LDAPException(r.getResultCode(), "STARTTLS: " + r.getDiagnosticMessage());
        }
      }
      if (bind == Bind.SIMPLE) {
        c.bind(new SimpleBindRequest(bindDn, bindPw));
      }
      return c;
    } catch (LDAPException e) {
      c.close();
      throw e;
    }
  }

  static String text(LDAPException e) {
    if (e == null) {
      return "none";
    }
    String diagnostic = e.getDiagnosticMessage();
    return e.getResultCode().getName()
        + (diagnostic == null || diagnostic.isEmpty() ? "" : ": " + diagnostic);
  }
}
