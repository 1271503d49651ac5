package org.postern.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dns.DnsjavaResolver;
import org.postern.smtp.TlsProbe;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * {@code tls-probe [-c config_dir] [-l level] destination}: Postern's {@code posttls-finger}.
 * Looks up the destination as the SMTP client does ({@code example.com}, {@code
 * [mx.example.com]:587}), connects, and prints the EHLO keywords before and after STARTTLS, the
 * certificate chain and whether it matches under the destination's TLS level ({@code -l}
 * overrides it).
 *
 * <p>Failure: a bad command line exits with EX_USAGE, an unreadable main.cf with EX_CONFIG; a
 * destination that cannot be reached or whose certificate does not match exits with
 * EX_TEMPFAIL.
 */
final class TlsProbeCommand {
  private static final String USAGE = "usage: tls-probe [-c config_dir] [-l level] destination";

  private TlsProbeCommand() {}

  static int run(List<String> args) throws Exception {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:l:");
    } catch (Getopt.UsageException e) {
      System.err.println("tls-probe: " + e.getMessage());
      System.err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    if (g.operands().size() != 1) {
      System.err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    MainConfig config;
    try {
      config = MainConfig.load(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      System.err.println("tls-probe: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
    DnsjavaResolver resolver = DnsjavaResolver.configured(
        config.get("postern_dns_resolver_address"), Path.of("/etc/resolv.conf"),
        Duration.ofSeconds(10));
    boolean ok = new TlsProbe(config, Tables::open, resolver, System.out)
        .run(g.operands().getFirst(), g.has('l') ? g.value('l') : "");
    return ok ? Sysexits.EX_OK : Sysexits.EX_TEMPFAIL;
  }
}
