package org.postern.cli;

import java.io.IOException;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;

/**
 * The mail log of a command-line program (postsuper, postfix-script), as Postfix's commands log
 * through {@code maillog_client_init}: to {@code maillog_file} or syslog, tagged {@code
 * syslog_name/program[pid]} with the command's own PID. The command prints the same messages on
 * standard error itself.
 *
 * <p>Failure: none reported. With {@code maillog_file = /dev/stdout} there is no mail log here
 * (the command's standard output is not the master's, and its messages are on standard error
 * already); a log that cannot be opened is left to the master to report, once.
 */
final class CommandLog {
  private CommandLog() {}

  static Optional<ProgramLog> open(MainConfig config, String program) {
    String file = config.get("maillog_file").strip();
    if (file.equals("/dev/stdout")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          MailLog.builder()
              .maillogFile(file)
              .syslogName(config.get("syslog_name"))
              .syslogFacility(config.get("syslog_facility"))
              .hostName(config.get("myhostname"))
              .build()
              .program(program));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
