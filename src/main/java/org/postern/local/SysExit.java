package org.postern.local;

/**
 * The exit statuses of {@code <sysexits.h>} with the enhanced status and text Postfix gives each
 * when a command exits with it ({@code sys_exits(3)}). A 4.x status defers, any other bounces.
 */
enum SysExit {
  EX_USAGE(64, "5.3.0", "command line usage error"),
  EX_DATAERR(65, "5.6.0", "data format error"),
  EX_NOINPUT(66, "5.3.0", "cannot open input"),
  EX_NOUSER(67, "5.1.1", "user unknown"),
  EX_NOHOST(68, "5.1.2", "host name unknown"),
  EX_UNAVAILABLE(69, "5.3.0", "service unavailable"),
  EX_SOFTWARE(70, "5.3.0", "internal software error"),
  EX_OSERR(71, "4.3.0", "system resource problem"),
  EX_OSFILE(72, "5.3.0", "critical OS file missing"),
  EX_CANTCREAT(73, "5.2.0", "can't create user output file"),
  EX_IOERR(74, "5.3.0", "input/output error"),
  EX_TEMPFAIL(75, "4.3.0", "temporary failure"),
  EX_PROTOCOL(76, "5.5.0", "remote error in protocol"),
  EX_NOPERM(77, "5.7.0", "permission denied"),
  EX_CONFIG(78, "5.3.5", "local configuration error");

  private final int code;
  private final String dsn;
  private final String text;

  SysExit(int code, String dsn, String text) {
    this.code = code;
    this.dsn = dsn;
    this.text = text;
  }

  /** The entry for exit status {@code code}, if it is a sysexits code. */
  static java.util.Optional<SysExit> of(int code) {
    for (SysExit e : values()) {
      if (e.code == code) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }

  String dsn() {
    return dsn;
  }

  String text() {
    return text;
  }

  boolean soft() {
    return dsn.startsWith("4");
  }
}
