package org.postern.pipe;

import org.postern.deliver.DsnReason;
import org.postern.deliver.SysExit;

/**
 * What a command's end means for its recipients, Postfix's {@code pipe_command()} and {@code
 * eval_command_status()}: the status code, the logged text and the DSN diagnostic.
 *
 * <p>Rules, in Postfix's order: time limit exceeded bounces 5.3.0; death by signal defers 4.3.0;
 * output starting with an enhanced status code decides by itself; a {@code <sysexits.h>} status
 * takes its code and text from the table; any other non-zero status bounces 5.3.0 with
 * "Command died with status N". Output follows as ". Command output: ..." and is the
 * diagnostic ({@code x-unix; ...}) when there is any.
 *
 * @param ok the command succeeded
 * @param dsn the enhanced status code (meaningless when ok)
 * @param text the logged reason
 * @param diagnostic the Diagnostic-Code text, {@code x-unix} type
 */
record CommandVerdict(boolean ok, String dsn, String text, String diagnostic) {

  static CommandVerdict of(CommandRun.Outcome outcome, String command) {
    String out = outcome.output();
    String suffix = out.isEmpty() ? "" : ". Command output: " + out;
    return switch (outcome) {
      case CommandRun.TimedOut t -> failed("5.3.0",
          "Command time limit exceeded: \"" + command + "\"" + suffix,
          out, SysExit.EX_SOFTWARE.text());
      case CommandRun.Signaled s -> failed("4.3.0",
          "Command died with signal " + s.signal() + ": \"" + command + "\"" + suffix,
          out, SysExit.EX_SOFTWARE.text());
      case CommandRun.Exited e when e.status() == 0 -> new CommandVerdict(true, "2.0.0", "", "");
      case CommandRun.Exited e -> exited(e.status(), out, command, suffix);
    };
  }

  private static CommandVerdict exited(int status, String out, String command, String suffix) {
    if (DsnReason.validLength(out) > 0) {
      DsnReason r = DsnReason.split("5.3.0", out);
      return new CommandVerdict(false, r.dsn(), r.text(), "x-unix; " + r.text());
    }
    return SysExit.of(status)
        .map(e -> failed(e.dsn(), e.text() + suffix, out, e.text()))
        .orElseGet(() -> failed(SysExit.UNKNOWN_DSN,
            "Command died with status " + status + ": \"" + command + "\"" + suffix, out,
            "unknown mail system error " + status));
  }

  private static CommandVerdict failed(String dsn, String text, String out, String fallback) {
    return new CommandVerdict(false, dsn, text, "x-unix; " + (out.isEmpty() ? fallback : out));
  }

  /** Whether the recipients are deferred (4.x.x) rather than bounced. */
  boolean deferred() {
    return dsn.startsWith("4");
  }
}
