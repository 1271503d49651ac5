package org.postern.tls;

import java.util.Locale;

/**
 * A Postfix cipher grade ({@code smtpd_tls_ciphers}, {@code smtp_tls_mandatory_ciphers}, a policy
 * table's {@code ciphers=}): which {@code tls_*_cipherlist} gives the base cipher list. As in
 * Postfix 3.8 and later, {@code low} and {@code export} are spellings of {@code medium} ({@code
 * tls_low_cipherlist} and {@code tls_export_cipherlist} are ignored). Names are case-insensitive.
 *
 * <p>Failure: another name throws {@link TlsConfigException} naming the parameter.
 */
public enum CipherGrade {
  HIGH,
  MEDIUM,
  NULL;

  static CipherGrade parse(String parameter, String value) throws TlsConfigException {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "high" -> HIGH;
      case "medium", "low", "export" -> MEDIUM;
      case "null" -> NULL;
      default -> throw new TlsConfigException(
          parameter + ": invalid cipher grade: \"" + value.strip() + "\"");
    };
  }
}
