package org.postern.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.dns.DnsjavaResolver;
import org.postern.smtp.MtaStsCheck;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * {@code mta-sts-check [-c config_dir] domain}: prints a domain's {@code _mta-sts} TXT record,
 * its policy fetched now, the SMTP client's cache state for it (age, expiry, id, next refresh,
 * failed fetches) and, for each MX host, whether it passes the policy in force ({@link
 * MtaStsCheck}). Works whether or not {@code postern_mta_sts_enable} is on, so a policy can be
 * checked before MTA-STS is turned on.
 *
 * <p>Failure: a bad command line or a domain that is not a host name exits with EX_USAGE, an
 * unreadable main.cf with EX_CONFIG; no policy in force or an MX host that fails it exits with
 * 1.
 */
final class MtaStsCheckCommand {
  private static final String USAGE = "usage: mta-sts-check [-c config_dir] domain";
  /** Letters, digits and hyphens in dot-separated labels, at least two of them. */
  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  private static final Pattern DOMAIN = Pattern.compile("(?:" + LABEL + "\\.)+" + LABEL);

  private MtaStsCheckCommand() {}

  static int run(List<String> args) throws Exception {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:");
    } catch (Getopt.UsageException e) {
      System.err.println("mta-sts-check: " + e.getMessage());
      System.err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    if (g.operands().size() != 1) {
      System.err.println(USAGE);
      return Sysexits.EX_USAGE;
    }
    String domain = g.operands().getFirst().strip().toLowerCase(Locale.ROOT);
    domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    if (!DOMAIN.matcher(domain).matches()) {
      System.err.println("mta-sts-check: not a domain name: \"" + g.operands().getFirst() + "\"");
      return Sysexits.EX_USAGE;
    }
    MainConfig config;
    try {
      config = MainConfig.load(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      System.err.println("mta-sts-check: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
    DnsjavaResolver resolver = DnsjavaResolver.configured(
        config.get("postern_dns_resolver_address"), Path.of("/etc/resolv.conf"),
        Duration.ofSeconds(10));
    boolean ok = new MtaStsCheck(config, Tables::open, resolver, System.out, Clock.systemUTC())
        .run(domain);
    return ok ? Sysexits.EX_OK : 1;
  }
}
