package org.postern.log;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line qmgr logs when it takes a message from the incoming queue, read back from a mail log:
 * {@code NAME/qmgr[PID]: QUEUEID: from=<sender>, size=N, nrcpt=N (queue active)}. It precedes the
 * message's delivery status lines, so it names the sender they do not have; a message deferred
 * and retried has one per queue run. The {@code status=expired} line qmgr logs for a message
 * returned to its sender does not count.
 *
 * <p>Failure: {@link #read} returns empty for any other line; reading never throws.
 */
public record QueueSenderLine(String queueId, String sender) {
  private static final Pattern LINE = Pattern.compile(
      "(?:^|\\s)\\S+/qmgr\\[\\d+\\]: ([0-9A-Za-z]+): from=<(.*)>, size=\\d+, nrcpt=\\d+");

  public static Optional<QueueSenderLine> read(String line) {
    Matcher m = LINE.matcher(line);
    return m.find() ? Optional.of(new QueueSenderLine(m.group(1), m.group(2))) : Optional.empty();
  }

  /** The sender's domain in lower case; empty for the null sender and an address without @. */
  public String senderDomain() {
    int at = sender.lastIndexOf('@');
    return at < 0 ? "" : sender.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
