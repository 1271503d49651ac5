package org.postern.smtpd;

import java.util.List;
import java.util.Locale;
import org.postern.metrics.SmtpdMetrics;

/**
 * The per-session command statistics that Postfix 3.0 and later append to {@code disconnect from
 * name[addr]}: for each command that was issued, {@code name=ok} when every use succeeded or
 * {@code name=ok/total} when some failed, in Postfix's command-table order, then {@code
 * commands=ok[/total]}. A command succeeds when its final reply is 2xx or 3xx; a command cut off
 * by a lost connection or timeout counts as issued but not succeeded.
 */
final class CommandCounts {
  /** Postfix 3.12's smtpd command table; it counts its commands by name even when refused. */
  private static final List<String> ORDER =
      List.of("helo", "ehlo", "xclient", "xforward", "starttls", "auth", "mail", "rcpt", "data",
          "bdat", "rset", "noop", "vrfy", "etrn", "quit", "help", "unknown");

  private final int[] total = new int[ORDER.size()];
  private final int[] succeeded = new int[ORDER.size()];

  /** Counts {@code verb} as issued and returns its slot; verbs outside the table are "unknown". */
  int issued(String verb) {
    int slot = ORDER.indexOf(verb.toLowerCase(Locale.ROOT));
    if (slot < 0) {
      slot = ORDER.size() - 1;
    }
    total[slot]++;
    SmtpdMetrics.command(ORDER.get(slot));
    return slot;
  }

  void succeeded(int slot) {
    succeeded[slot]++;
  }

  /** The counters as logged after the client's name, with a leading space. */
  String format() {
    StringBuilder b = new StringBuilder();
    int allOk = 0;
    int all = 0;
    for (int i = 0; i < ORDER.size(); i++) {
      if (total[i] > 0) {
        b.append(' ').append(ORDER.get(i)).append('=');
        fraction(b, succeeded[i], total[i]);
        allOk += succeeded[i];
        all += total[i];
      }
    }
    // Postfix writes 0/0 for a session without commands, so that abnormal ones stand out.
    b.append(" commands=").append(allOk);
    if (allOk != all || all == 0) {
      b.append('/').append(all);
    }
    return b.toString();
  }

  private static void fraction(StringBuilder b, int ok, int total) {
    b.append(ok);
    if (ok != total) {
      b.append('/').append(total);
    }
  }
}
