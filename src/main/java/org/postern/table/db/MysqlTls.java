package org.postern.table.db;

import java.util.Properties;
import org.postern.table.TableException;

/**
 * TLS from a mysql: table to its servers, as mysql_table(5) sets it: any of {@code tls_CAfile},
 * {@code tls_CApath}, {@code tls_cert_file}, {@code tls_key_file}, {@code tls_ciphers} or {@code tls_verify_cert = yes} turns TLS on; {@code tls_verify_cert = yes} also checks the server's name against its certificate
 * (MariaDB driver {@code sslMode=verify-full}), otherwise the connection is encrypted without
 * that check ({@code trust}). {@code tls_CAfile} is the CA the server certificate must chain to.
 *
 * <p>Failure: {@code tls_cert_file}/{@code tls_key_file} (client certificates) and {@code
 * tls_ciphers} (OpenSSL cipher names) cannot be given to the MariaDB driver; a table that sets
 * them does not open, rather than connect with less than the operator asked for.
 */
final class MysqlTls {
  private MysqlTls() {}

  static void configure(DbConfigFile cf, Properties p) throws TableException {
    for (String unsupported : new String[] {"tls_cert_file", "tls_key_file", "tls_ciphers"}) {
      if (cf.find(unsupported).isPresent()) {
        throw cf.problem(unsupported, "not supported with the MariaDB driver");
      }
    }
    boolean on = cf.find("tls_CAfile").isPresent() || cf.find("tls_CApath").isPresent()
        || cf.bool("tls_verify_cert", false);
    if (!on) {
      return;
    }
    p.setProperty("sslMode", cf.bool("tls_verify_cert", false) ? "verify-full" : "trust");
    cf.find("tls_CAfile").ifPresent(ca -> p.setProperty("serverSslCert", ca));
  }
}
