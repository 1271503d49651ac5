package org.postern.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration file that cannot be used. The message reads as Postfix's do:
 * {@code /etc/postern/main.cf, line 12: parameter smtpd_timeout: bad time value: "x"}.
 *
 * <p>A check that goes on after the first problem ({@code postern check}, start) gathers every
 * problem into one exception with {@link #of}: {@link #problems()} lists them, one line each, and
 * the message is the first.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String parameter;
  private final List<String> problems;

  public ConfigException(Path file, int line, String parameter, String reason) {
    super(format(file, line, parameter, reason));
    this.file = file;
    this.line = line;
    this.parameter = parameter;
    this.problems = List.of(getMessage());
  }

  private ConfigException(ConfigException first, List<String> problems) {
    super(first.getMessage(), first);
    this.file = first.file;
    this.line = first.line;
    this.parameter = first.parameter;
    this.problems = List.copyOf(problems);
  }

  /** One exception for all of {@code found} (not empty), first one first. */
  public static ConfigException of(List<ConfigException> found) {
    if (found.size() == 1) {
      return found.get(0);
    }
    List<String> all = new ArrayList<>();
    found.forEach(e -> all.addAll(e.problems()));
    return new ConfigException(found.get(0), all);
  }

  /** Every problem found, one line each, in the order found. */
  public List<String> problems() {
    return problems;
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
