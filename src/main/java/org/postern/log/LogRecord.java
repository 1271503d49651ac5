package org.postern.log;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One event before it is shaped for a sink. The shapes differ only in the head: a maillog file
 * carries host and a zero-padded day ({@code strftime "%b %d %H:%M:%S"}, as Postfix's logger writes
 * it), a syslog datagram carries a priority and an RFC 3164 space-padded day but no host (the
 * daemon adds it), a command's stderr carries only the program name.
 */
record LogRecord(
    ZonedDateTime time, String host, String tag, long pid, Severity severity, String text) {
  /**
   * Postfix truncates the text of one record to this many characters: unlimited logging is a
   * liability.
   */
  static final int MAX_TEXT = 2000;

  private static final DateTimeFormatter MAILLOG_TIME =
      DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter SYSLOG_TIME =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

  LogRecord {
    text = sanitize(text);
  }

  /** {@code Mon DD HH:MM:SS host tag[pid]: severity: text}, the maillog_file and stdout shape. */
  String maillogLine() {
    return MAILLOG_TIME.format(time) + " " + host + " " + body();
  }

  /** {@code <PRI>Mon D HH:MM:SS tag[pid]: severity: text}, what syslog(3) sends to /dev/log. */
  String syslogMessage(SyslogFacility facility) {
    int pri = facility.code() * 8 + severity.syslogPriority();
    return "<" + pri + ">" + SYSLOG_TIME.format(time) + " " + body();
  }

  private String body() {
    return tag + "[" + pid + "]: " + severity.prefix() + text;
  }

  /**
   * One record is one line: control characters become {@code ?}, as Postfix's msg(3) does, so a
   * peer cannot forge log lines with an embedded newline.
   */
  static String sanitize(String text) {
    String cut = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
