package org.postern.cli;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.log.DeliveryLogEntry;
import org.postern.log.LogTimestamp;
import org.postern.log.QueueSenderLine;
import org.postern.log.RequireTlsCheckLine;
import org.postern.log.RequireTlsCheckLine.Check;
import org.postern.log.TlsFeatureStatus.RequireTls;

/**
 * Reads a mail log line by line into a {@link RequireTlsReport}: each smtp or lmtp delivery status
 * line of a REQUIRETLS message inside the time window counts under its recipient's domain, or
 * under its sender's domain taken from the qmgr {@code from=} line that came before it; the
 * {@code requiretls:} line the client logged for the same queue ID and recipient before it names
 * the certificate check ({@link RequireTlsCheckLine}). {@code from=} and {@code requiretls:} lines
 * are remembered whatever their time, so a message that entered the queue before {@code --since}
 * still has its sender.
 *
 * <p>Failure: a delivery line that does not parse is skipped and counted, as is (with a window)
 * one without a readable time; {@link #warnings} says so, once each.
 */
final class RequireTlsLogReader {
  /** What a row of the report stands for. */
  enum By {
    RECIPIENT,
    SENDER;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    static By parse(String word) {
      for (By b : values()) {
        if (b.word().equals(word)) {
          return b;
        }
      }
      throw new IllegalArgumentException("--by " + word + ": say recipient or sender");
    }
  }

  /** Delivery lines logged at or after {@code since} and before {@code until} count. */
  record Window(Optional<Instant> since, Optional<Instant> until) {
    Window {
      if (since.isPresent() && until.isPresent() && since.get().isAfter(until.get())) {
        throw new IllegalArgumentException("--since " + since.get() + " is after --until "
            + until.get());
      }
    }

    boolean open() {
      return since.isEmpty() && until.isEmpty();
    }

    boolean contains(Instant t) {
      return since.map(s -> !t.isBefore(s)).orElse(true)
          && until.map(u -> t.isBefore(u)).orElse(true);
    }
  }

  private final By by;
  private final Window window;
  private final ZonedDateTime now;
  private final RequireTlsReport report = new RequireTlsReport();
  /** Queue ID to sender domain, from qmgr's from= lines. */
  private final Map<String, String> senders = new HashMap<>();
  /** "QUEUEID recipient" to the check its requiretls: line named, until its status line. */
  private final Map<String, Check> checks = new HashMap<>();
  private int number;
  private int malformed;
  private String firstMalformed = "";
  private int untimed;

  RequireTlsLogReader(By by, Window window, ZonedDateTime now) {
    this.by = by;
    this.window = window;
    this.now = now;
  }

  By by() {
    return by;
  }

  Window window() {
    return window;
  }

  RequireTlsReport report() {
    return report;
  }

  /** Reads the next line of the log. */
  void read(String line) {
    number++;
    QueueSenderLine.read(line).ifPresent(s -> senders.put(s.queueId(), s.senderDomain()));
    RequireTlsCheckLine.read(line)
        .ifPresent(c -> checks.put(c.queueId() + " " + c.recipient(), c.check()));
    switch (DeliveryLogEntry.read(line)) {
      case DeliveryLogEntry.Delivery d -> delivery(line, d.entry());
      case DeliveryLogEntry.Malformed m -> {
        if (malformed++ == 0) {
          firstMalformed = " (first: line " + number + ": " + m.reason() + ")";
        }
      }
      case DeliveryLogEntry.NotDelivery n -> {}
    }
  }

  private void delivery(String line, DeliveryLogEntry entry) {
    Optional<Check> check = Optional.ofNullable(
        checks.remove(entry.queueId() + " " + entry.recipient()));
    Optional<RequireTls> outcome = entry.requireTls();
    if (outcome.isEmpty() || !inWindow(line)) {
      return;
    }
    String domain = switch (by) {
      case RECIPIENT -> entry.recipientDomain();
      case SENDER -> senders.getOrDefault(entry.queueId(), RequireTlsReport.UNKNOWN);
    };
    report.add(domain, outcome.get(), check);
  }

  private boolean inWindow(String line) {
    if (window.open()) {
      return true;
    }
    Optional<Instant> t = LogTimestamp.read(line, now);
    if (t.isEmpty()) {
      untimed++;
      return false;
    }
    return window.contains(t.get());
  }

  /** What was skipped, one sentence per kind. */
  List<String> warnings() {
    List<String> w = new ArrayList<>();
    if (malformed > 0) {
      w.add("skipped " + malformed + " malformed delivery status line" + (malformed == 1 ? "" : "s")
          + firstMalformed);
    }
    if (untimed > 0) {
      w.add("skipped " + untimed + " REQUIRETLS delivery status line" + (untimed == 1 ? "" : "s")
          + " without a time, outside any --since/--until window");
    }
    return w;
  }
}
