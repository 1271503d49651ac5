package org.postern.deliver;

import java.util.Optional;

/**
 * The {@code <sysexits.h>} exit statuses and what Postfix makes of them (its {@code sys_exits}
 * table): the enhanced status code and the text. A 4.x.x code defers, anything else bounces.
 * The local and pipe agents read a command's exit status with it.
 */
public enum SysExit {
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

  /** The code Postfix gives an exit status outside the table. */
  public static final String UNKNOWN_DSN = "5.3.0";

  private final int status;
  private final String dsn;
  private final String text;

  SysExit(int status, String dsn, String text) {
    this.status = status;
    this.dsn = dsn;
    this.text = text;
  }

  public String dsn() {
    return dsn;
  }

  public String text() {
    return text;
  }

  /** A 4.x.x status: the delivery is deferred, not bounced. */
  public boolean soft() {
    return dsn.startsWith("4");
  }

  /** The entry for exit status {@code status}, if it is a sysexits code. */
  public static Optional<SysExit> of(int status) {
    for (SysExit e : values()) {
      if (e.status == status) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
