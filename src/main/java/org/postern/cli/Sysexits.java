package org.postern.cli;

/** Exit statuses from sysexits.h, as Postfix's commands use them. */
final class Sysexits {
  static final int EX_OK = 0;
  static final int EX_USAGE = 64;
  static final int EX_DATAERR = 65;
  static final int EX_NOINPUT = 66;
  static final int EX_NOUSER = 67;
  static final int EX_UNAVAILABLE = 69;
  static final int EX_SOFTWARE = 70;
  static final int EX_OSERR = 71;
  static final int EX_CANTCREAT = 73;
  static final int EX_IOERR = 74;
  static final int EX_TEMPFAIL = 75;
  static final int EX_CONFIG = 78;

  private Sysexits() {}
}
