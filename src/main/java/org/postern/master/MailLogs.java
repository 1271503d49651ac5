package org.postern.master;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.postern.config.MainConfig;
import org.postern.log.MailLog;
import org.postern.log.ProcessNumbers;

/**
 * The mail logs of one master: one per distinct set of log settings, so that a service with
 * {@code -o syslog_name=postern/submission} logs under its own tag while services that share
 * settings share one sink. A reload that changes {@code maillog_file}, {@code syslog_name} or
 * {@code syslog_facility} gets a new log; the old one keeps serving work still in flight.
 *
 * <p>Failure: an IOException names {@code maillog_file} when it cannot be opened; an unknown
 * {@code syslog_facility} is an IllegalArgumentException naming the parameter.
 */
final class MailLogs {
  private record Settings(String maillogFile, String syslogName, String facility, String host) {}

  private final boolean standardOutput;
  private final Map<Settings, MailLog> open = new HashMap<>();
  private final ProcessNumbers processNumbers = new ProcessNumbers();

  /** With {@code standardOutput}, every log goes to standard output ({@code start-fg}). */
  MailLogs(boolean standardOutput) {
    this.standardOutput = standardOutput;
  }

  MailLog of(MainConfig config) throws IOException {
    Settings s =
        new Settings(
            standardOutput ? "" : config.get("maillog_file"),
            config.get("syslog_name"),
            config.get("syslog_facility"),
            config.get("myhostname"));
    MailLog log = open.get(s);
    if (log == null) {
      log =
          MailLog.builder()
              .standardOutput(standardOutput)
              .maillogFile(s.maillogFile())
              .syslogName(s.syslogName())
              .syslogFacility(s.facility())
              .hostName(s.host())
              .processNumbers(processNumbers)
              .build();
      open.put(s, log);
    }
    return log;
  }
}
