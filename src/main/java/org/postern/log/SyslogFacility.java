package org.postern.log;

import java.util.Optional;
import org.postern.util.Spellings;

/** The {@code syslog_facility} names Postfix accepts on Linux, with their syslog codes. */
enum SyslogFacility {
  KERN("kern", 0),
  USER("user", 1),
  MAIL("mail", 2),
  DAEMON("daemon", 3),
  AUTH("auth", 4),
  SYSLOG("syslog", 5),
  LPR("lpr", 6),
  NEWS("news", 7),
  UUCP("uucp", 8),
  CRON("cron", 9),
  AUTHPRIV("authpriv", 10),
  FTP("ftp", 11),
  LOCAL0("local0", 16),
  LOCAL1("local1", 17),
  LOCAL2("local2", 18),
  LOCAL3("local3", 19),
  LOCAL4("local4", 20),
  LOCAL5("local5", 21),
  LOCAL6("local6", 22),
  LOCAL7("local7", 23);

  private final String postfixName;
  private final int code;

  SyslogFacility(String postfixName, int code) {
    this.postfixName = postfixName;
    this.code = code;
  }

  int code() {
    return code;
  }

  /** The facility spelled exactly {@code name} (Postfix compares case-sensitively). */
  static Optional<SyslogFacility> named(String name) {
    return Spellings.find(values(), f -> f.postfixName, name);
  }

  @Override
  public String toString() {
    return postfixName;
  }
}
