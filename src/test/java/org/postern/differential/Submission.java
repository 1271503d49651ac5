package org.postern.differential;

import java.util.ArrayList;
import java.util.List;

/**
 * How a scenario's message enters the sender MTA: each MTA's own sendmail(1), with or without
 * {@code -O requiretls=yes} (REQUIRETLS.md §7) or {@code -O smtputf8=yes}, so the same command
 * line goes to both.
 */
public enum Submission {
  SENDMAIL(List.of()),
  SENDMAIL_REQUIRETLS(List.of("-O", "requiretls=yes")),
  SENDMAIL_SMTPUTF8(List.of("-O", "smtputf8=yes"));

  private final List<String> options;

  Submission(List<String> options) {
    this.options = options;
  }

  boolean requireTls() {
    return this == SENDMAIL_REQUIRETLS;
  }

  /** The sendmail arguments: {@code -f sender}, the options, the recipient. */
  List<String> arguments(String sender, String recipient) {
    List<String> args = new ArrayList<>(List.of("-f", sender));
    args.addAll(options);
    args.add(recipient);
    return args;
  }
}
