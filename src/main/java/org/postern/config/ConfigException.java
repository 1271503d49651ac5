package org.postern.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used. The message reads as Postfix's do:
 * {@code /etc/postern/main.cf, line 12: parameter smtpd_timeout: bad time value: "x"}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String parameter;

  public ConfigException(Path file, int line, String parameter, String reason) {
    super(format(file, line, parameter, reason));
    this.file = file;
    this.line = line;
    this.parameter = parameter;
  }

  private static String format(Path file, int line, String parameter, String reason) {
    StringBuilder m = new StringBuilder();
    if (file != null) {
      m.append(file);
      if (line > 0) {
        m.append(", line ").append(line);
      }
      m.append(": ");
    }
    if (parameter != null) {
      m.append("parameter ").append(parameter).append(": ");
    }
    return m.append(reason).toString();
  }

  /** The file at fault, or null for a value that came from elsewhere (a -o override). */
  public Path file() {
    return file;
  }

  /** The 1-based line number, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The parameter at fault, or null when the line has none (a syntax error). */
  public String parameter() {
    return parameter;
  }
}
