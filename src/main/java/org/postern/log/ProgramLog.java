package org.postern.log;

import java.io.PrintStream;
import java.util.Optional;

/**
 * The logger of one program, Postfix's msg(3) in Java: {@code info} lines are plain, the others
 * carry {@code warning: }, {@code error: }, {@code fatal: } or {@code panic: }. Logging {@code
 * fatal} or {@code panic} does not stop anything; the caller decides how to exit.
 *
 * <p>One ProgramLog is one process in Postfix's sense: its lines carry one number in {@code
 * program[N]}. A service asks {@link #process} for the log of each session or delivery run, so
 * that the lines of two concurrent smtpd sessions can be told apart.
 */
public final class ProgramLog {
  private final MailLog log;
  private final String program;
  private final long processId;
  private final Optional<PrintStream> stderr;

  ProgramLog(MailLog log, String program, long processId, Optional<PrintStream> stderr) {
    this.log = log;
    this.program = program;
    this.processId = processId;
    this.stderr = stderr;
  }

  public String program() {
    return program;
  }

  /** The number in {@code program[N]}. */
  public long processId() {
    return processId;
  }

  /**
   * The log of a new process of this program: the same tag and sink, the next number of {@link
   * ProcessNumbers}.
   */
  public ProgramLog process() {
    return new ProgramLog(log, program, log.nextProcessNumber(), stderr);
  }

  public void info(String text) {
    log(Severity.INFO, text);
  }

  public void warn(String text) {
    log(Severity.WARNING, text);
  }

  public void error(String text) {
    log(Severity.ERROR, text);
  }

  public void fatal(String text) {
    log(Severity.FATAL, text);
  }

  public void panic(String text) {
    log(Severity.PANIC, text);
  }

  public void log(Severity severity, String text) {
    log.write(program, processId, severity, text);
    stderr.ifPresent(
        err -> {
          err.println(stderrLine(program, severity, text));
          err.flush();
        });
  }

  /** {@code program: severity: text}, what Postfix commands print on standard error. */
  static String stderrLine(String program, Severity severity, String text) {
    return program + ": " + severity.prefix() + LogRecord.sanitize(text);
  }
}
