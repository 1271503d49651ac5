package org.postern.local;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Recipient;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/**
 * The local(8) delivery agent: delivers each recipient of a request through aliases, .forward
 * files and the mailbox, as the package documentation describes. alias_maps are opened once, here;
 * {@link #close} closes them.
 */
public final class LocalDelivery implements DeliveryAgent, AutoCloseable {
  private final LocalContext ctx;

  /**
   * @param tables opens alias_maps ({@code org.postern.table.Tables::open})
   * @param submitter cleanup, for forwarded copies
   * @param privileges {@link Privileges#detect()} in the daemon
   * @param users {@link PasswdFile#system()} in the daemon
   */
  public LocalDelivery(MainConfig config, TableOpener tables, MailSubmitter submitter, Clock clock,
      Privileges privileges, LocalUsers users) throws TableException {
    this(LocalSettings.from(config), tables, submitter, clock, privileges, users);
  }

  public LocalDelivery(LocalSettings settings, TableOpener tables, MailSubmitter submitter,
      Clock clock, Privileges privileges, LocalUsers users) throws TableException {
    this.ctx = new LocalContext(settings, AliasMaps.open(settings.aliasMaps(), tables), users,
        privileges, clock, submitter, new Mbox(settings.mailboxDeliveryLock(), clock,
            settings.mailboxSizeLimit()),
        new CommandRunner(privileges, settings.localCommandShell(), settings.commandTimeLimit()),
        new UserFiles(privileges), new ReentrantLock());
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request) throws InterruptedException {
    List<RecipientResult> results = new ArrayList<>();
    for (Recipient r : request.recipients()) {
      try {
        results.add(new RecipientDelivery(ctx, request, r).deliver());
      } catch (IOException e) {
        results.add(RecipientResult.deferred(r, "4.3.0", "local", String.valueOf(e.getMessage())));
      }
    }
    return results;
  }

  @Override
  public void close() {
    ctx.aliases().close();
  }
}
