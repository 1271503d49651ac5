package org.postern.log;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * The mail log of one Postern process: one sink chosen from configuration, shared by a {@link
 * ProgramLog} per program name ({@code smtpd}, {@code qmgr}, {@code postconf}, ...). Every line
 * names {@code syslog_name/program[pid]} exactly as Postfix's do, so log tooling written for
 * Postfix reads Postern's log. The number in brackets is this JVM's PID for {@link #program}, and
 * one of {@link ProcessNumbers} for each {@link ProgramLog#process}, the log of one smtpd session
 * or delivery run.
 *
 * <p>Sink choice, as Postfix makes it: the {@code stdout} flag ({@code postern start-fg}) or {@code
 * maillog_file = /dev/stdout} write to standard output; another non-empty {@code maillog_file} is
 * appended to; otherwise records go to syslog through {@code /dev/log}.
 *
 * <p>Thread safety: any thread, virtual ones included, may log; sinks serialize writes with a
 * ReentrantLock, never {@code synchronized}.
 */
public final class MailLog {
  private final LogSink sink;
  private final Clock clock;
  private final String host;
  private final String syslogName;
  private final long pid;
  private final ProcessNumbers processNumbers;

  private MailLog(LogSink sink, Clock clock, String host, String syslogName, long pid,
      ProcessNumbers processNumbers) {
    this.sink = sink;
    this.clock = clock;
    this.host = host;
    this.syslogName = syslogName;
    this.pid = pid;
    this.processNumbers = processNumbers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The log of a daemon or internal program, tagged {@code syslog_name/program[pid]} with this
   * JVM's PID; {@link ProgramLog#process} gives each of its processes a number of its own.
   */
  public ProgramLog program(String program) {
    return new ProgramLog(this, program, pid, Optional.empty());
  }

  /**
   * The log of a command-line program: like {@link #program}, and each record is also printed on
   * {@code stderr} as {@code program: warning: text}, the shape of Postfix's msg_vstream.
   */
  public ProgramLog command(String program, PrintStream stderr) {
    return new ProgramLog(this, program, pid, Optional.of(stderr));
  }

  long nextProcessNumber() {
    return processNumbers.next();
  }

  void write(String program, long processId, Severity severity, String text) {
    sink.write(
        new LogRecord(
            ZonedDateTime.now(clock), host, syslogName + "/" + program, processId, severity, text));
  }

  /** Configuration values in, a MailLog out; the defaults are Postern's main.cf defaults. */
  public static final class Builder {
    private String maillogFile = "";
    private String syslogName = "postern";
    private String syslogFacility = "mail";
    private boolean standardOutput;
    private String hostName;
    private Clock clock = Clock.systemDefaultZone();
    private long pid = ProcessHandle.current().pid();
    private ProcessNumbers processNumbers = new ProcessNumbers();
    private Path syslogSocket = Path.of("/dev/log");
    private PrintStream stdout = System.out;
    private PrintStream stderr = System.err;

    private Builder() {}

    /** {@code maillog_file}: empty for syslog, {@code /dev/stdout}, or a file to append to. */
    public Builder maillogFile(String value) {
      this.maillogFile = value.strip();
      return this;
    }

    /** {@code syslog_name}, the part of the tag before {@code /program}. */
    public Builder syslogName(String value) {
      this.syslogName = value;
      return this;
    }

    /** {@code syslog_facility}: {@code mail}, {@code local0}, ... */
    public Builder syslogFacility(String value) {
      this.syslogFacility = value.strip();
      return this;
    }

    /** Log to standard output whatever maillog_file says ({@code postern start-fg}). */
    public Builder standardOutput(boolean value) {
      this.standardOutput = value;
      return this;
    }

    /** The host name in file lines; only its first label is used ({@code myhostname}). */
    public Builder hostName(String value) {
      this.hostName = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    public Builder pid(long value) {
      this.pid = value;
      return this;
    }

    /**
     * Where {@link ProgramLog#process} takes its numbers: one source for every log of a master,
     * so that two logs with the same tag (a reload that changed only the host name) never hand
     * two live processes one number.
     */
    public Builder processNumbers(ProcessNumbers value) {
      this.processNumbers = Objects.requireNonNull(value);
      return this;
    }

    // Visible for testing: the syslog socket and the standard streams.
    public Builder syslogSocket(Path value) {
      this.syslogSocket = value;
      return this;
    }

    public Builder standardStreams(PrintStream out, PrintStream err) {
      this.stdout = Objects.requireNonNull(out);
      this.stderr = Objects.requireNonNull(err);
      return this;
    }

    /**
     * Opens the sink. Fails with an IOException naming {@code maillog_file} when that file cannot
     * be opened, and with IllegalArgumentException naming {@code syslog_facility} when the facility
     * is unknown; a missing syslog daemon is not an error here (see SyslogSink).
     */
    public MailLog build() throws IOException {
      StderrFallback fallback = new StderrFallback(stderr);
      LogSink sink;
      if (standardOutput || maillogFile.equals("/dev/stdout")) {
        sink = new StreamSink(stdout, fallback);
      } else if (!maillogFile.isEmpty()) {
        sink = MaillogFile.open(Path.of(maillogFile), fallback);
      } else {
        SyslogFacility facility =
            SyslogFacility.named(syslogFacility)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "syslog_facility: unknown facility name: \"" + syslogFacility + "\""));
        sink = new SyslogSink(syslogSocket, facility, clock, fallback);
      }
      return new MailLog(sink, clock, firstLabel(hostName()), syslogName, pid, processNumbers);
    }

    private String hostName() {
      if (hostName != null && !hostName.isBlank()) {
        return hostName;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    }

    private static String firstLabel(String name) {
      int dot = name.indexOf('.');
      return dot < 0 ? name : name.substring(0, dot);
    }
  }
}
