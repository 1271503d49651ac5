package org.postern.master;

import java.util.Map;
import java.util.concurrent.Semaphore;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;

/**
 * What a service is given: its master.cf entry, the configuration as it sees it (main.cf with its
 * {@code -o} overrides on top), its process limit, a mail log tagged with its own {@code
 * syslog_name}, and the mail log of the cleanup it hands messages to. In Postfix cleanup is a
 * process of its own, so it logs under main.cf's {@code syslog_name} (with the cleanup entry's own
 * {@code -o}), never under the {@code syslog_name} of the smtpd or pickup that called it.
 *
 * @param entry the master.cf entry (wakeup, private, arguments)
 * @param config main.cf as this service sees it
 * @param processLimit master.cf {@code maxproc} as permits; one per "process" (for smtpd a
 *     session); {@code maxproc 0} (no limit) is {@link Integer#MAX_VALUE} permits
 * @param mailLog the log with this service's {@code syslog_name}
 * @param unixLogs per master.cf {@code unix} entry name, the log of its program as that entry's
 *     own settings have it: a delivery agent logs as {@code syslog_name/command}, so {@code relay
 *     ... smtp} logs {@code postern/smtp} (or {@code postern/relay/smtp} with the stock {@code -o
 *     syslog_name}), never under the transport's name or qmgr's tag
 */
public record ServiceContext(MasterService entry, MainConfig config, Semaphore processLimit,
    MailLog mailLog, Map<String, ProgramLog> unixLogs) {

  public ServiceContext {
    unixLogs = Map.copyOf(unixLogs);
  }

  /** {@code service/type}, as Postfix names the entry. */
  public String name() {
    return entry.name();
  }

  /**
   * The log of a new process of this service's program, tagged {@code syslog_name/command[N]}
   * with a number of its own (see ProcessNumbers).
   */
  public ProgramLog log() {
    return mailLog.program(entry.command()).process();
  }

  /** The log of the {@code $cleanup_service_name} entry's cleanup, as that entry's settings have it. */
  public ProgramLog cleanupLog() {
    return unixLog(config.get("cleanup_service_name"));
  }

  /**
   * The log of a new process of the unix entry {@code service}'s program (qmgr asks for one per
   * delivery run); of this service's log for an unknown one.
   */
  public ProgramLog unixLog(String service) {
    ProgramLog known = unixLogs.get(service);
    return (known != null ? known : mailLog.program(service)).process();
  }
}
