package org.postern.table.db;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.postern.table.TableException;
import org.postern.tls.PemKeyMaterial;
import org.postern.tls.TlsConfigException;

/**
 * TLS from a mysql: table to its servers, as mysql_table(5) sets it: any of {@code tls_CAfile},
 * {@code tls_CApath}, {@code tls_cert_file}, {@code tls_key_file} or {@code tls_verify_cert =
 * yes} turns TLS on; {@code tls_verify_cert = yes} also checks the server's name against its
 * certificate (MariaDB driver {@code sslMode=verify-full}), otherwise the connection is encrypted
 * without that check ({@code trust}). {@code tls_CAfile} is the CA the server certificate must
 * chain to. {@code tls_cert_file} and {@code tls_key_file} (PEM, as Postfix reads them) are the
 * client certificate: the driver reads only key stores, so they are copied once per process into
 * a PKCS #12 file readable by the owner alone, removed when the process exits.
 *
 * <p>Failure: {@code tls_ciphers} (OpenSSL cipher names) cannot be given to the MariaDB driver; a
 * table that sets it does not open, rather than connect with less than the operator asked for. A
 * client certificate without its key, or one that does not match it, does not open either.
 */
final class MysqlTls {
  /** The PKCS #12 copy of each cert+key pair, and its password. */
  private record KeyStoreFile(Path file, String password) {}

  private static final Map<String, KeyStoreFile> KEY_STORES = new ConcurrentHashMap<>();

  private MysqlTls() {}

  static void configure(DbConfigFile cf, Properties p) throws TableException {
    if (cf.find("tls_ciphers").isPresent()) {
      throw cf.problem("tls_ciphers", "not supported with the MariaDB driver");
    }
    boolean client = cf.find("tls_cert_file").isPresent() || cf.find("tls_key_file").isPresent();
    boolean on = client || cf.find("tls_CAfile").isPresent()
        || cf.find("tls_CApath").isPresent() || cf.bool("tls_verify_cert", false);
    if (!on) {
      return;
    }
    p.setProperty("sslMode", cf.bool("tls_verify_cert", false) ? "verify-full" : "trust");
    cf.find("tls_CAfile").ifPresent(ca -> p.setProperty("serverSslCert", ca));
    if (client) {
      KeyStoreFile store = keyStore(cf, cf.required("tls_cert_file"), cf.required("tls_key_file"));
      p.setProperty("keyStore", store.file().toString());
      p.setProperty("keyStorePassword", store.password());
      p.setProperty("keyStoreType", "PKCS12");
    }
  }

  private static KeyStoreFile keyStore(DbConfigFile cf, String cert, String key)
      throws TableException {
    String name = cert + "\0" + key;
    KeyStoreFile known = KEY_STORES.get(name);
    if (known != null) {
      return known;
    }
    try {
      PemKeyMaterial material = PemKeyMaterial.load(Path.of(cert), Path.of(key));
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", material.key(), password.toCharArray(),
          material.chain().toArray(Certificate[]::new));
      Path file = Files.createTempFile("postern-mysql-client-", ".p12",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      KeyStoreFile made = new KeyStoreFile(file, password);
      KEY_STORES.put(name, made);
      return made;
    } catch (TlsConfigException e) {
      throw cf.problem("tls_cert_file", e.getMessage());
    } catch (IOException | GeneralSecurityException e) {
      throw cf.problem("tls_cert_file", "cannot prepare the client certificate: " + e);
    }
  }
}
