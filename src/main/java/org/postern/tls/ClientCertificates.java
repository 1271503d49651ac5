package org.postern.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS server that asks clients for a certificate ({@code smtpd_tls_ask_ccert}): the trust
 * manager its handshakes use and what it makes of the certificate afterwards.
 *
 * <p>As with Postfix, the handshake never fails over a client certificate: a certificate that
 * does not verify, or none at all, is recorded as such and left to the access restrictions
 * ({@code permit_tls_clientcerts}, {@code check_ccert_access}) and to {@code
 * smtpd_tls_req_ccert}. The certificate request names the certificates of {@code
 * smtpd_tls_CAfile} and {@code smtpd_tls_CApath} as acceptable issuers. A chain is trusted when it
 * validates (PKIX, without revocation checks) to one of them and its leaf may serve a TLS client
 * (OpenSSL's purpose check, on the leaf only); with neither CA setting, none is.
 *
 * <p>Failure: an unreadable CA file or directory or an unknown digest throws {@link
 * TlsConfigException} at start; a certificate the JDK cannot encode has no fingerprint, which
 * matches no table entry.
 */
public final class ClientCertificates {
  /** id-kp-clientAuth (RFC 5280). */
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  /** Bits of the keyUsage extension (RFC 5280 section 4.2.1.3). */
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_AGREEMENT = 4;

  private final ServerCertificateCheck check;

  private ClientCertificates(ServerCertificateCheck check) {
    this.check = check;
  }

  /** Trust from {@code caFile} and {@code caPath}; fingerprints with {@code digest}. */
  public static ClientCertificates create(String caFile, String caPath, String digest)
      throws TlsConfigException {
    return new ClientCertificates(ServerCertificateCheck.withoutDefaults(caFile, caPath, digest));
  }

  /** The trust manager of the server's context: accepts every chain, names the CAs. */
  X509ExtendedTrustManager trustManager() {
    return new Recording(check.authorities().toArray(new X509Certificate[0]));
  }

  /** The client's certificate in {@code session}, if it sent one. */
  public Optional<ClientCertificate> peer(SSLSession session) {
    Certificate[] sent;
    try {
      sent = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException none) {
      return Optional.empty();
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate c : sent) {
      if (c instanceof X509Certificate x) {
        chain.add(x);
      }
    }
    if (chain.isEmpty()) {
      return Optional.empty();
    }
    X509Certificate leaf = chain.getFirst();
    String fingerprint;
    String pubkeyFingerprint;
    try {
      fingerprint = check.fingerprint(leaf.getEncoded());
      pubkeyFingerprint = check.fingerprint(leaf.getPublicKey().getEncoded());
    } catch (GeneralSecurityException e) {
      fingerprint = "";
      pubkeyFingerprint = "";
    }
    String subject = ServerCertificateCheck.commonName(leaf).orElse("");
    boolean trusted = check.trusted(chain) && forClients(leaf);
    return Optional.of(new ClientCertificate(subject, issuerName(leaf), trusted, fingerprint,
        pubkeyFingerprint));
  }

  /**
   * OpenSSL's "SSL client" purpose, which Postfix's verification applies: an extended key usage,
   * if present, must include clientAuth; a key usage, if present, digitalSignature or
   * keyAgreement. A server-only certificate from a trusted CA is therefore untrusted here too.
   */
  private static boolean forClients(X509Certificate leaf) {
    try {
      List<String> extended = leaf.getExtendedKeyUsage();
      if (extended != null && !extended.contains(CLIENT_AUTH)) {
        return false;
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    boolean[] usage = leaf.getKeyUsage();
    return usage == null || usage[DIGITAL_SIGNATURE]
        || usage.length > KEY_AGREEMENT && usage[KEY_AGREEMENT];
  }

  /** The issuer's CN, or its O when it has no CN (CA certificates often have none). */
  private static String issuerName(X509Certificate leaf) {
    String organization = "";
    try {
      for (Rdn rdn : new LdapName(leaf.getIssuerX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
        if (rdn.getType().equalsIgnoreCase("O")) {
          organization = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return "";
    }
    return organization;
  }

  /**
   * Lets every client chain through the handshake; trust is decided afterwards by {@link
   * #peer}. A server's trust manager is never asked about servers.
   */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509Certificate[] issuers;

    Recording(X509Certificate[] issuers) {
      this.issuers = issuers;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // Recorded, not judged: see the class comment.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // Recorded, not judged: see the class comment.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // Recorded, not judged: see the class comment.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a server context does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a server context does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server context does not check servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }
}
