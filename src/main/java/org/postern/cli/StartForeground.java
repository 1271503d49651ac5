package org.postern.cli;

import java.util.List;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.master.ConfigCheck;
import org.postern.util.Getopt;

/**
 * {@code postern start-fg [-c dir]}: checks main.cf and master.cf as the master does before it
 * starts services. Until the receive path is wired into the master, it stops after the check and
 * says plainly that Postern is not accepting mail, rather than pretend to.
 *
 * <p>Failure: a bad configuration prints {@code file, line N: ...} and exits with EX_CONFIG.
 */
final class StartForeground {
  private StartForeground() {}

  static int run(List<String> args) {
    Getopt g;
    try {
      g = Getopt.parse(args, "c:v");
    } catch (Getopt.UsageException e) {
      System.err.println("postern: " + e.getMessage());
      System.err.println("usage: postern start-fg [-c config_dir]");
      return Sysexits.EX_USAGE;
    }
    ConfigCheck check;
    try {
      check = ConfigCheck.run(ConfigDirectory.resolve(g.value('c')));
    } catch (ConfigException e) {
      System.err.println("postern: fatal: " + e.getMessage());
      return Sysexits.EX_CONFIG;
    }
    check.warnings().forEach(w -> System.err.println("postern: warning: " + w));
    System.out.println(
        "postern: configuration " + check.config().configDirectory() + " is valid: "
            + check.services().size() + " master.cf services checked");
    System.out.println(
        "postern: this build has no receive path yet (smtpd, cleanup, pickup are not wired"
            + " into the master), so Postern is not accepting mail; exiting");
    return Sysexits.EX_OK;
  }
}
