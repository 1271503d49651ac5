package org.postern.master;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.MailSubmitter;
import org.postern.discard.DiscardAgent;
import org.postern.error.ErrorAgent;
import org.postern.local.LocalDelivery;
import org.postern.log.ProgramLog;
import org.postern.local.PasswdFile;
import org.postern.local.Privileges;
import org.postern.pipe.PipeAgent;
import org.postern.smtp.Protocol;
import org.postern.smtp.SmtpDelivery;
import org.postern.dns.DnsjavaResolver;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.tls.TlsConfigException;
import org.postern.virtual.VirtualAgent;

/**
 * The delivery agents of this build, by master.cf command name, each made from its master.cf
 * entry and the configuration as that entry sees it ({@code -o} overrides, {@code
 * $service_name}). qmgr reaches an agent by the entry's service name (the transport).
 *
 * <p>Failure: an agent that cannot be made (a bad pipe argv, a table that does not open) fails
 * the queue manager's start naming the master.cf entry.
 */
final class DeliveryAgents {
  /** master.cf commands whose entries are delivery transports in this build. */
  static final Set<String> COMMANDS =
      Set.of("discard", "error", "virtual", "pipe", "local", "smtp", "lmtp");

  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(10);

  private DeliveryAgents() {}

  /** {@code logs} gives the log of a program by name, for an agent's own warnings. */
  static Optional<DeliveryAgent> create(MasterService entry, MainConfig view,
      MailSubmitter submitter, Function<String, ProgramLog> logs) throws IOException {
    try {
      return switch (entry.command()) {
        case "discard" -> Optional.of(DiscardAgent.of(view));
        case "error" -> Optional.of(ErrorAgent.of(view));
        case "virtual" -> Optional.of(VirtualAgent.of(view));
        case "pipe" -> Optional.of(PipeAgent.of(view, entry.arguments(), logs.apply(entry.service())));
        case "smtp" -> Optional.of(smtp(view, Protocol.SMTP, logs.apply(entry.service())));
        case "lmtp" -> Optional.of(smtp(view, Protocol.LMTP, logs.apply(entry.service())));
        case "local" ->
            Optional.of(new LocalDelivery(view, Tables::open, submitter, Clock.systemDefaultZone(),
                Privileges.detect(), PasswdFile.system()));
        default -> Optional.empty();
      };
    } catch (TableException | IllegalArgumentException e) {
      throw new IOException(entry.file() + ", line " + entry.line() + ": " + entry.name() + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(entry.name() + ": interrupted while starting", e);
    }
  }

  private static SmtpDelivery smtp(MainConfig view, Protocol protocol, ProgramLog log)
      throws IOException {
    try {
      return new SmtpDelivery(view, protocol, Tables::open,
          DnsjavaResolver.configured(view.get("postern_dns_resolver_address"),
              Path.of("/etc/resolv.conf"), DNS_TIMEOUT),
          Clock.systemDefaultZone(), log);
    } catch (TlsConfigException | TableException e) {
      throw new IOException(view.get("service_name") + ": " + e.getMessage(), e);
    }
  }
}
