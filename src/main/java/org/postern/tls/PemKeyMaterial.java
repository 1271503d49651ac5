package org.postern.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private key and its certificate chain read from PEM files, as Postfix's {@code
 * smtpd_tls_cert_file}/{@code smtpd_tls_key_file} and {@code smtpd_tls_chain_files} name them.
 *
 * <p>Keys must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA or EC, which is what
 * {@code openssl genpkey} and {@code openssl req -newkey} write. A chain file holds the key
 * followed by the server certificate and its issuers, in that order; the key may also sit in the
 * certificate file.
 *
 * <p>Failure: a missing file, a file without a certificate or key, a legacy ({@code BEGIN RSA
 * PRIVATE KEY}) or encrypted key, a key that is not the certificate's, or a key of another
 * algorithm throws {@link TlsConfigException}
 * naming the file.
 */
public record PemKeyMaterial(PrivateKey key, List<X509Certificate> chain) {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  public PemKeyMaterial {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    chain = List.copyOf(chain);
  }

  /** Reads a certificate file and a key file (which may be the same file). */
  public static PemKeyMaterial load(Path certFile, Path keyFile) throws TlsConfigException {
    List<X509Certificate> chain = certificates(certFile, read(certFile));
    if (chain.isEmpty()) {
      throw new TlsConfigException(certFile + ": no certificate found");
    }
    PrivateKey key = privateKey(keyFile, read(keyFile));
    requireMatch(key, chain.getFirst(), keyFile + " and " + certFile);
    return new PemKeyMaterial(key, chain);
  }

  /** Reads Postfix {@code smtpd_tls_chain_files}: the first key and all certificates, in order. */
  public static PemKeyMaterial loadChainFiles(List<Path> files) throws TlsConfigException {
    if (files.isEmpty()) {
      throw new TlsConfigException("smtpd_tls_chain_files: no files given");
    }
    PrivateKey key = null;
    List<X509Certificate> chain = new ArrayList<>();
    for (Path file : files) {
      String text = read(file);
      if (key == null && text.contains("PRIVATE KEY-----")) {
        key = privateKey(file, text);
      }
      chain.addAll(certificates(file, text));
    }
    if (key == null) {
      throw new TlsConfigException(files + ": no private key found");
    }
    if (chain.isEmpty()) {
      throw new TlsConfigException(files + ": no certificate found");
    }
    requireMatch(key, chain.getFirst(), files.toString());
    return new PemKeyMaterial(key, chain);
  }

  /**
   * Refuses a key that is not the certificate's, as Postfix refuses to start TLS with it: a
   * signature made with the key must verify with the certificate's public key.
   */
  private static void requireMatch(PrivateKey key, X509Certificate cert, String where)
      throws TlsConfigException {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "postern key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signed = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signed)) {
        return;
      }
    } catch (GeneralSecurityException mismatch) {
      // A key of another algorithm than the certificate's: the same answer as a wrong key.
    }
    throw new TlsConfigException(where + ": private key does not match the certificate");
  }

  private static String read(Path file) throws TlsConfigException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TlsConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file, String text)
      throws TlsConfigException {
    List<X509Certificate> certs = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate)
                  factory.generateCertificate(new ByteArrayInputStream(decode(file, m.group(2)))));
        }
      }
    } catch (CertificateException e) {
      throw new TlsConfigException(file + ": bad certificate: " + e.getMessage(), e);
    }
    return certs;
  }

  private static PrivateKey privateKey(Path file, String text) throws TlsConfigException {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("PRIVATE KEY")) {
        return pkcs8(file, decode(file, m.group(2)));
      }
      if (type.endsWith("PRIVATE KEY")) {
        throw new TlsConfigException(
            file + ": unsupported key format \"" + type + "\": convert with openssl pkcs8 -topk8 -nocrypt");
      }
    }
    throw new TlsConfigException(file + ": no private key found");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws TlsConfigException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // The PKCS#8 header names the algorithm; asking each factory is the JDK's way to read it.
      }
    }
    throw new TlsConfigException(file + ": private key is neither RSA nor EC");
  }

  private static byte[] decode(Path file, String base64) throws TlsConfigException {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new TlsConfigException(file + ": bad PEM encoding: " + e.getMessage(), e);
    }
  }
}
