package org.postern.tls;

import org.postern.config.MainConfig;
import org.postern.tls.TlsParameters.Setting;

/**
 * The OpenSSL cipher strings behind the cipher grades: {@code tls_high_cipherlist}, {@code
 * tls_medium_cipherlist} and {@code tls_null_cipherlist}. Postfix's advice holds: do not change
 * them; use the {@code *_exclude_ciphers} parameters instead.
 */
public record CipherLists(Setting high, Setting medium, Setting nullList) {

  public static CipherLists of(MainConfig config) {
    return new CipherLists(
        new Setting("tls_high_cipherlist", config.get("tls_high_cipherlist")),
        new Setting("tls_medium_cipherlist", config.get("tls_medium_cipherlist")),
        new Setting("tls_null_cipherlist", config.get("tls_null_cipherlist")));
  }

  /** The cipher string of {@code grade}. */
  Setting of(CipherGrade grade) {
    return switch (grade) {
      case HIGH -> high;
      case MEDIUM -> medium;
      case NULL -> nullList;
    };
  }
}
