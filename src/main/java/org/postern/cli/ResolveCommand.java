package org.postern.cli;

import java.io.PrintStream;
import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.deliver.Resolution;
import org.postern.deliver.ResolveException;
import org.postern.rewrite.TrivialRewrite;
import org.postern.table.TableException;
import org.postern.table.TableOpener;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * {@code resolve [-c config_dir] address...}: prints where each address would be delivered, as
 * trivial-rewrite resolves it for the queue manager, one {@code address -> class
 * transport:nexthop recipient} line each. An operator's way to check mydestination, the domain
 * lists, relayhost and transport_maps before mail depends on them.
 *
 * <p>Failure: a bad command line exits with EX_USAGE; an unreadable main.cf or a table that
 * cannot be opened with EX_CONFIG. An address whose lookups fail prints {@code address -> defer
 * (reason)}, and the command then exits with EX_TEMPFAIL, the status the delivery would get.
 */
final class ResolveCommand {
  private static final String USAGE = "usage: resolve [-c config_dir] address...";

  private final TableOpener opener;
  private final PrintStream out;
  private final PrintStream err;

  ResolveCommand(TableOpener opener, PrintStream out, PrintStream err) {
    this.opener = opener;
    this.out = out;
    this.err = err;
  }

  static int run(List<String> args) {
    return new ResolveCommand(Tables::open, System.out, System.err).execute(args);
  }

  int execute(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:");
    } catch (Getopt.UsageException e) {
      return usage(e.getMessage());
    }
    if (g.operands().isEmpty()) {
      return usage("no address given");
    }
    try (TrivialRewrite resolver =
        TrivialRewrite.create(MainConfig.load(ConfigDirectory.resolve(g.value('c'))), opener)) {
      return report(resolver, g.operands());
    } catch (ConfigException | TableException e) {
      err.println("resolve: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
  }

  private int report(TrivialRewrite resolver, List<String> addresses) {
    int status = Sysexits.EX_OK;
    for (String address : addresses) {
      try {
        Resolution r = resolver.resolve(address);
        out.println(address + " -> " + r.addressClass().spelling() + " " + r.transport() + ":"
            + r.nexthop() + " " + r.recipient());
      } catch (ResolveException e) {
        out.println(address + " -> defer (" + e.getMessage() + ")");
        status = Sysexits.EX_TEMPFAIL;
      }
    }
    return status;
  }

  private int usage(String problem) {
    err.println("resolve: " + problem);
    err.println(USAGE);
    return Sysexits.EX_USAGE;
  }
}
