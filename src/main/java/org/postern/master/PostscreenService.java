package org.postern.master;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import org.postern.config.ConfigException;
import org.postern.dns.DnsjavaResolver;
import org.postern.log.ProgramLog;
import org.postern.postscreen.Postscreen;
import org.postern.table.TableException;

/**
 * An {@code inet} master.cf entry running postscreen(8) ({@code smtp inet n - y - 1
 * postscreen}): it screens every client and hands those it lets in to the {@code pass} entry
 * named by {@code smtpd_service_name}, through {@link Wiring}. Its DNS list queries go to the
 * name servers of {@code /etc/resolv.conf} or {@code postern_dns_resolver_address}; Postfix's
 * {@code dnsblog} and {@code tlsproxy} entries are accepted and run nothing of their own.
 *
 * <p>postscreen is one process in Postfix (maxproc 1): all its listeners share one log tag, one
 * cache and one connection count per client.
 *
 * <p>Failure: a bad postscreen setting, an unreadable {@code postscreen_dnsbl_reply_map} or a
 * port in use fail the factory or {@link #start} with a message naming the entry.
 */
final class PostscreenService implements Service {
  private final ServiceContext context;
  private final Postscreen postscreen;

  private PostscreenService(ServiceContext context, Postscreen postscreen) {
    this.context = context;
    this.postscreen = postscreen;
  }

  static Service create(ServiceContext context, Wiring wiring) throws IOException {
    try {
      ProgramLog log = context.log();
      String smtpd = context.config().get("smtpd_service_name");
      Duration timeout = context.config().getTime("postscreen_dnsbl_timeout");
      Postscreen postscreen = new Postscreen(context.config(),
          new LinkedHashSet<>(ListenAddress.of(context.entry(), context.config())),
          DnsjavaResolver.configured(context.config().get("postern_dns_resolver_address"),
              Path.of("/etc/resolv.conf"), timeout),
          (client, pending) -> wiring.pass(smtpd, client, pending),
          Clock.systemDefaultZone(), log::info);
      return new PostscreenService(context, postscreen);
    } catch (ConfigException | TableException | IllegalArgumentException e) {
      throw new IOException(context.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    postscreen.start();
  }

  @Override
  public void stop(Duration grace) {
    postscreen.stop();
  }
}
