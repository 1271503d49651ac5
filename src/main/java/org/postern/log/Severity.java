package org.postern.log;

/**
 * How bad a logged event is, with the prefix Postfix puts before the text and the syslog priority
 * it maps to. Info lines carry no prefix; {@code fatal} and {@code panic} share {@code LOG_CRIT}.
 */
public enum Severity {
  INFO("", 6),
  WARNING("warning", 4),
  ERROR("error", 3),
  FATAL("fatal", 2),
  PANIC("panic", 2);

  private final String postfixName;
  private final int syslogPriority;

  Severity(String postfixName, int syslogPriority) {
    this.postfixName = postfixName;
    this.syslogPriority = syslogPriority;
  }

  /** The text that goes before the message: empty for info, else {@code "warning: "} and so on. */
  String prefix() {
    return this == INFO ? "" : postfixName + ": ";
  }

  int syslogPriority() {
    return syslogPriority;
  }
}
