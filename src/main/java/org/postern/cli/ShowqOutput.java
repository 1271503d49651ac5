package org.postern.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.postern.queue.QueueName;

/**
 * The two shapes of a queue listing, as postqueue(1) prints them: {@code -p} (and mailq), the
 * Sendmail-compatible table of Postfix's showq_compat for short queue ids; {@code -j}, one JSON
 * object per message and line, with the member names and order of Postfix 3.12 (each recipient
 * {@code orig_address}, {@code address}, then {@code delay_reason} if any).
 *
 * <p>Table: a heading, then per message the queue id with {@code *} (active) or {@code !} (hold),
 * the message size, the first 20 characters of the asctime(3) arrival time and the sender; a
 * recipient's deferral reason in parentheses, right-aligned to column 78, before the first
 * recipient with that reason; each recipient indented to column 42; a blank line between
 * messages; and the total in Kbytes. An empty queue is the single line {@code Mail queue is
 * empty}.
 */
final class ShowqOutput {
  private static final String STRING_FORMAT = "%-11s %7s %-20s %s\n";
  private static final String SENDER_FORMAT = "%-11s %7d %20.20s %s\n";
  private static final int REASON_COLUMN = 76;
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss ", Locale.US);

  private ShowqOutput() {}

  /** The mailq table of {@code messages}, arrival times in {@code zone}. */
  static void table(List<QueueListing.Message> messages, ZoneId zone, PrintStream out) {
    if (messages.isEmpty()) {
      out.print("Mail queue is empty\n");
      return;
    }
    out.printf(Locale.ROOT, STRING_FORMAT,
        "-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------");
    long total = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) {
        out.print("\n");
      }
      message(messages.get(i), zone, out);
      total += messages.get(i).size();
    }
    int n = messages.size();
    out.printf(Locale.ROOT, "\n-- %d Kbytes in %d Request%s.\n", total / 1024, n,
        n == 1 ? "" : "s");
  }

  private static void message(QueueListing.Message m, ZoneId zone, PrintStream out) {
    String status = m.queue() == QueueName.ACTIVE ? "*" : m.queue() == QueueName.HOLD ? "!" : "";
    out.printf(Locale.ROOT, SENDER_FORMAT, m.id() + status, m.size(),
        ASCTIME.format(m.arrival().atZone(zone)), m.sender());
    String shown = "";
    for (QueueListing.Rcpt r : m.recipients()) {
      if (!r.reason().equals(shown)) {
        shown = r.reason();
        String reason = shown.isEmpty() ? "reason unavailable" : shown;
        int padding = REASON_COLUMN - reason.getBytes(StandardCharsets.UTF_8).length;
        out.print(" ".repeat(Math.max(0, padding)) + "(" + reason + ")\n");
      }
      out.printf(Locale.ROOT, STRING_FORMAT, "", "", "", r.address());
    }
  }

  /** One JSON object per message and line, as {@code postqueue -j}. */
  static void json(List<QueueListing.Message> messages, PrintStream out) {
    for (QueueListing.Message m : messages) {
      StringBuilder b = new StringBuilder("{");
      b.append("\"queue_name\": ").append(quote(m.queue().directoryName())).append(", ");
      b.append("\"queue_id\": ").append(quote(m.id().value())).append(", ");
      b.append("\"arrival_time\": ").append(m.arrival().getEpochSecond()).append(", ");
      b.append("\"message_size\": ").append(m.size()).append(", ");
      b.append("\"forced_expire\": false, ");
      b.append("\"sender\": ").append(quote(m.sender())).append(", ");
      b.append("\"recipients\": [");
      for (int i = 0; i < m.recipients().size(); i++) {
        QueueListing.Rcpt r = m.recipients().get(i);
        b.append(i > 0 ? ", " : "").append("{\"orig_address\": ").append(quote(r.origAddress()));
        b.append(", \"address\": ").append(quote(r.address()));
        if (!r.reason().isEmpty()) {
          b.append(", \"delay_reason\": ").append(quote(r.reason()));
        }
        b.append('}');
      }
      out.print(b.append("]}\n"));
    }
  }

  /** A JSON string (RFC 8259): quote, backslash and control characters escaped. */
  static String quote(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"', '\\' -> b.append('\\').append(c);
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
