package org.postern.cli;

import java.io.PrintStream;
import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.smtp.RequireTlsPolicy;
import org.postern.smtp.RequireTlsVerdict;
import org.postern.table.TableOpener;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * {@code requiretls-policy [-c config_dir] [-t smtp|lmtp] nexthop...}: prints which REQUIRETLS
 * action the SMTP (default) or LMTP client would apply to each next hop, and which policy item
 * chose it, one {@code nexthop: action (source)} line each. An operator's way to check a policy
 * before mail depends on it.
 *
 * <p>For {@code -t lmtp} a {@code unix:} destination is looked up as {@code $myhostname}, as the
 * LMTP client does.
 *
 * <p>Failure: a bad command line exits with EX_USAGE, an unreadable main.cf with EX_CONFIG. A
 * next hop whose policy evaluation fails prints {@code nexthop: error (reason)}, and the command
 * then exits with EX_TEMPFAIL, the status the delivery would get.
 */
public final class RequireTlsPolicyCommand {
  private static final String USAGE =
      "usage: requiretls-policy [-c config_dir] [-t smtp|lmtp] nexthop...";

  private final TableOpener opener;
  private final PrintStream out;
  private final PrintStream err;

  RequireTlsPolicyCommand(TableOpener opener, PrintStream out, PrintStream err) {
    this.opener = opener;
    this.out = out;
    this.err = err;
  }

  static int run(List<String> args) {
    return new RequireTlsPolicyCommand(Tables::open, System.out, System.err).execute(args);
  }

  int execute(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:t:");
    } catch (Getopt.UsageException e) {
      return usage(e.getMessage());
    }
    String transport = g.has('t') ? g.value('t') : "smtp";
    if (!transport.equals("smtp") && !transport.equals("lmtp")) {
      return usage("bad -t value: " + transport);
    }
    if (g.operands().isEmpty()) {
      return usage("no next hop given");
    }
    MainConfig config;
    try {
      config = MainConfig.load(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      err.println("requiretls-policy: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
    return report(config, transport, g.operands());
  }

  private int report(MainConfig config, String transport, List<String> nexthops) {
    String parameter = transport + "_requiretls_policy";
    int status = Sysexits.EX_OK;
    String value = config.get(parameter);
    try (RequireTlsPolicy policy = RequireTlsPolicy.parse(parameter, value, opener)) {
      for (String nexthop : nexthops) {
        String name =
            transport.equals("lmtp")
                ? RequireTlsPolicy.lmtpNextHop(nexthop, config.get("myhostname"))
                : nexthop;
        RequireTlsVerdict verdict = policy.evaluate(name);
        out.println(nexthop + ": " + verdict.describe());
        if (verdict instanceof RequireTlsVerdict.PolicyError) {
          status = Sysexits.EX_TEMPFAIL;
        }
      }
    }
    return status;
  }

  private int usage(String problem) {
    err.println("requiretls-policy: " + problem);
    err.println(USAGE);
    return Sysexits.EX_USAGE;
  }
}
