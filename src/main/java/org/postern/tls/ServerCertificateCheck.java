package org.postern.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The checks the SMTP client makes on a server certificate after the handshake, per security
 * level: PKIX trust against {@code smtp_tls_CAfile}/{@code smtp_tls_CApath} (or the JDK's trust
 * store when neither is set) for {@code verify} and {@code secure}; name matching of the leaf
 * certificate's DNS names (its common name when it has none) against the names the level asks
 * for; and {@code smtp_tls_fingerprint_digest} fingerprints of the leaf certificate or of its
 * public key for {@code fingerprint}.
 *
 * <p>Names: {@code example.com} matches the certificate name {@code example.com} or the wildcard
 * {@code *.com} never; a certificate wildcard {@code *.example.com} matches one label. A match
 * name with a leading dot ({@code .example.com}) matches any subdomain of it.
 *
 * <p>Failure: an unreadable CA file or directory, or an unknown digest, throws {@link
 * TlsConfigException} naming it; a chain that does not validate is simply not trusted.
 */
public final class ServerCertificateCheck {
  private final Set<TrustAnchor> anchors;
  private final String digest;

  private ServerCertificateCheck(Set<TrustAnchor> anchors, String digest) {
    this.anchors = Set.copyOf(anchors);
    this.digest = digest;
  }

  /**
   * Trust from {@code caFile} and the PEM files in {@code caPath} (either may be empty), or the
   * JDK's trust store when both are empty; fingerprints with {@code digestName} ({@code sha256}).
   */
  public static ServerCertificateCheck create(String caFile, String caPath, String digestName)
      throws TlsConfigException {
    return load(caFile, caPath, digestName, "smtp_tls_fingerprint_digest", true);
  }

  /**
   * Trust from {@code caFile} and {@code caPath} only, as smtpd verifies client certificates
   * ({@code smtpd_tls_CAfile}, {@code smtpd_tls_CApath}): with both empty nothing is trusted.
   */
  public static ServerCertificateCheck withoutDefaults(String caFile, String caPath,
      String digestName) throws TlsConfigException {
    return load(caFile, caPath, digestName, "smtpd_tls_fingerprint_digest", false);
  }

  private static ServerCertificateCheck load(String caFile, String caPath, String digestName,
      String digestParameter, boolean jdkDefault) throws TlsConfigException {
    String algorithm = digestAlgorithm(digestName, digestParameter);
    Set<TrustAnchor> anchors = new HashSet<>();
    if (!caFile.isBlank()) {
      addPem(anchors, Path.of(caFile));
    }
    if (!caPath.isBlank()) {
      try (Stream<Path> files = Files.list(Path.of(caPath))) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          addPem(anchors, f);
        }
      } catch (IOException e) {
        throw new TlsConfigException(caPath + ": cannot read CA directory: " + e.getMessage(), e);
      }
    }
    if (jdkDefault && caFile.isBlank() && caPath.isBlank()) {
      for (X509Certificate c : jdkTrustStore()) {
        anchors.add(new TrustAnchor(c, null));
      }
    }
    return new ServerCertificateCheck(anchors, algorithm);
  }

  private static void addPem(Set<TrustAnchor> anchors, Path file) throws TlsConfigException {
    try (var in = Files.newInputStream(file)) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        anchors.add(new TrustAnchor((X509Certificate) c, null));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsConfigException(file + ": cannot read CA certificates: " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] jdkTrustStore() throws TlsConfigException {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (var tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x.getAcceptedIssuers();
        }
      }
      return new X509Certificate[0];
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot read the JDK trust store: " + e.getMessage(), e);
    }
  }

  static String digestAlgorithm(String name, String parameter) throws TlsConfigException {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "md5" -> "MD5";
      case "sha1" -> "SHA-1";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      default ->
          throw new TlsConfigException(
              parameter + ": unsupported digest: \"" + name + "\"");
    };
  }

  /** The trust anchors' certificates, which a server names when it asks for a client's. */
  public List<X509Certificate> authorities() {
    return anchors.stream().map(TrustAnchor::getTrustedCert).toList();
  }

  /** True when {@code chain} (leaf first) validates to a configured trust anchor. */
  public boolean trusted(List<X509Certificate> chain) {
    if (chain.isEmpty() || anchors.isEmpty()) {
      return false;
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && isAnchor(path.getLast())) {
      path.removeLast();
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return true;
    } catch (GeneralSecurityException untrusted) {
      return false;
    }
  }

  private boolean isAnchor(X509Certificate c) {
    return anchors.stream().anyMatch(a -> c.equals(a.getTrustedCert()));
  }

  /** True when a DNS name of {@code leaf} matches one of {@code names}. */
  public static boolean nameMatches(X509Certificate leaf, List<String> names) {
    for (String certName : certificateNames(leaf)) {
      for (String wanted : names) {
        if (matches(certName.toLowerCase(Locale.ROOT), wanted.toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(String certName, String wanted) {
    if (wanted.startsWith(".")) {
      String bare = certName.startsWith("*.") ? certName.substring(1) : certName;
      return bare.endsWith(wanted) && bare.length() > wanted.length();
    }
    if (certName.startsWith("*.")) {
      int dot = wanted.indexOf('.');
      return dot > 0 && wanted.substring(dot).equals(certName.substring(1));
    }
    return certName.equals(wanted);
  }

  /** The DNS subjectAltNames of {@code leaf}, or its subject CN when it has none. */
  public static List<String> certificateNames(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      var sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (names.isEmpty()) {
      commonName(leaf).ifPresent(names::add);
    }
    return names;
  }

  /** The subject's CN, as logged ({@code subject_CN=}). */
  public static java.util.Optional<String> commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return java.util.Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }

  /** True when the certificate or public-key fingerprint of {@code leaf} is in {@code wanted}. */
  public boolean fingerprintMatches(X509Certificate leaf, List<String> wanted) {
    return fingerprintMatch(leaf, wanted).isPresent();
  }

  /**
   * What of {@code leaf} one of {@code wanted} is the fingerprint of: {@code certificate} or
   * {@code public key}; empty when none is.
   */
  public java.util.Optional<String> fingerprintMatch(X509Certificate leaf, List<String> wanted) {
    String cert;
    String key;
    try {
      cert = fingerprint(leaf.getEncoded()).replace(":", "");
      key = fingerprint(leaf.getPublicKey().getEncoded()).replace(":", "");
    } catch (GeneralSecurityException e) {
      return java.util.Optional.empty();
    }
    for (String w : wanted) {
      String normal = w.replace(":", "").toUpperCase(Locale.ROOT);
      if (normal.equals(cert)) {
        return java.util.Optional.of("certificate");
      }
      if (normal.equals(key)) {
        return java.util.Optional.of("public key");
      }
    }
    return java.util.Optional.empty();
  }

  /** The digest fingerprints are made with, as {@code smtp_tls_fingerprint_digest} names it. */
  public String digestName() {
    return digest.replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** {@code AB:CD:...} of {@code der} with the configured digest. */
  public String fingerprint(byte[] der) throws GeneralSecurityException {
    byte[] hash = MessageDigest.getInstance(digest).digest(der);
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
  }
}
