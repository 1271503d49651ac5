package org.postern.master;

import java.util.concurrent.Semaphore;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;

/**
 * What a service is given: its master.cf entry, the configuration as it sees it (main.cf with its
 * {@code -o} overrides on top), its process limit, and a mail log tagged with its own {@code
 * syslog_name}.
 *
 * @param entry the master.cf entry (wakeup, private, arguments)
 * @param config main.cf as this service sees it
 * @param processLimit master.cf {@code maxproc} as permits; one per "process" (for smtpd a
 *     session); {@code maxproc 0} (no limit) is {@link Integer#MAX_VALUE} permits
 * @param mailLog the log with this service's {@code syslog_name}
 */
public record ServiceContext(
    MasterService entry, MainConfig config, Semaphore processLimit, MailLog mailLog) {

  /** {@code service/type}, as Postfix names the entry. */
  public String name() {
    return entry.name();
  }

  /** The log of this service's program, tagged {@code syslog_name/command}. */
  public ProgramLog log() {
    return mailLog.program(entry.command());
  }
}
