package org.postern.config;

import java.nio.file.Path;

/**
 * Where a command finds main.cf and master.cf: {@code -c DIR}, else {@code $MAIL_CONFIG}, else
 * the embedded default configuration {@code $POSTERN_HOME/conf} (Postfix's order, with the
 * repository's conf/ standing in for /etc/postfix).
 */
public final class ConfigDirectory {
  private ConfigDirectory() {}

  /** The configuration directory for a command given {@code -c} as {@code flag} (or null). */
  public static Path resolve(String flag) {
    if (flag != null && !flag.isEmpty()) {
      return Path.of(flag).toAbsolutePath();
    }
    String env = System.getenv("MAIL_CONFIG");
    if (env != null && !env.isEmpty()) {
      return Path.of(env).toAbsolutePath();
    }
    return posternHome().resolve("conf");
  }

  /** The installation directory: {@code -Dpostern.home}, {@code $POSTERN_HOME}, or ".". */
  public static Path posternHome() {
    String home = System.getProperty("postern.home");
    if (home == null || home.isEmpty()) {
      home = System.getenv("POSTERN_HOME");
    }
    if (home == null || home.isEmpty()) {
      home = ".";
    }
    return Path.of(home).toAbsolutePath().normalize();
  }
}
