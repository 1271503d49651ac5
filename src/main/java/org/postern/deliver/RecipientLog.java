package org.postern.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.DsnNotify;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/**
 * The per-message logs of Postfix's bounce(8): {@code bounce/ID} (failed recipients), {@code
 * defer/ID} (deferred recipients, for delay warnings) and {@code trace/ID} (delivered recipients
 * that asked for NOTIFY=SUCCESS). qmgr appends one entry per recipient result; the bounce service
 * reads them to write notifications.
 *
 * <p>Format: one entry per line, {@code name=value} fields separated by TAB, with backslash,
 * TAB, CR and LF in values escaped as {@code \\ \t \r \n}. An entry is appended in one write and
 * forced to disk, so a crash leaves at most a torn last line, which the reader ignores.
 *
 * <p>Failure: I/O errors are IOExceptions naming the file; a malformed line in the middle of a
 * log is skipped (its recipient is then reported again by a later attempt, never lost silently:
 * the queue file, not the log, says who is still to be delivered).
 */
public final class RecipientLog {
  private final Queues queues;
  private final QueueName queue;

  private RecipientLog(Queues queues, QueueName queue) {
    this.queues = queues;
    this.queue = queue;
  }

  /** The log of failed recipients. */
  public static RecipientLog bounce(Queues queues) {
    return new RecipientLog(queues, QueueName.BOUNCE);
  }

  /** The log of deferred recipients. */
  public static RecipientLog defer(Queues queues) {
    return new RecipientLog(queues, QueueName.DEFER);
  }

  /** The log of delivered recipients, for success notifications. */
  public static RecipientLog trace(Queues queues) {
    return new RecipientLog(queues, QueueName.TRACE);
  }

  /** One logged recipient result. */
  public record Entry(
      String recipient,
      Optional<String> originalRecipient,
      Optional<String> dsnOrcpt,
      Set<DsnNotify> notifyFlags,
      long offset,
      RecipientResult.Status status,
      String dsn,
      String action,
      String relay,
      String text,
      Optional<String> diagnostic) {

    public Entry {
      notifyFlags = notifyFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(notifyFlags));
    }

    /** The entry for {@code result}. */
    public static Entry of(RecipientResult result) {
      Recipient r = result.recipient();
      return new Entry(r.address(), r.originalRecipient(), r.dsnOrcpt(), r.notifyFlags(),
          r.offset(), result.status(), result.dsn(), result.action(), result.relay(),
          result.text(), result.diagnostic());
    }
  }

  /** Where this log of message {@code id} lives. */
  public Path path(QueueId id) {
    return queues.path(queue, id);
  }

  /** Appends {@code entry} to the log of message {@code id}, durably. */
  public void append(QueueId id, Entry entry) throws IOException {
    Path file = path(id);
    Files.createDirectories(file.getParent());
    byte[] line = (format(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      out.write(line);
      ch.force(false);
    }
  }

  /** The entries of message {@code id}, oldest first; empty when there is no log. */
  public List<Entry> read(QueueId id) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(path(id), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      parse(line).ifPresent(entries::add);
    }
    return entries;
  }

  /** Removes the log of message {@code id}, if there is one. */
  public void delete(QueueId id) throws IOException {
    Files.deleteIfExists(path(id));
  }

  private static String format(Entry e) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("recipient", e.recipient());
    e.originalRecipient().ifPresent(v -> f.put("orig_rcpt", v));
    e.dsnOrcpt().ifPresent(v -> f.put("dsn_orig_rcpt", v));
    f.put("notify", String.join(",", e.notifyFlags().stream().map(Enum::name).sorted().toList()));
    f.put("offset", Long.toString(e.offset()));
    f.put("status", e.status().word());
    f.put("dsn_status", e.dsn());
    f.put("dsn_action", e.action());
    f.put("relay", e.relay());
    f.put("reason", e.text());
    e.diagnostic().ifPresent(v -> f.put("diag_text", v));
    StringBuilder line = new StringBuilder();
    f.forEach((k, v) -> line.append(line.isEmpty() ? "" : "\t").append(k).append('=').append(escape(v)));
    return line.toString();
  }

  private static Optional<Entry> parse(String line) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String field : line.split("\t", -1)) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      f.put(field.substring(0, eq), unescape(field.substring(eq + 1)));
    }
    try {
      Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
      for (String n : f.getOrDefault("notify", "").split(",")) {
        if (!n.isEmpty()) {
          notify.add(DsnNotify.valueOf(n));
        }
      }
      return Optional.of(new Entry(require(f, "recipient"), Optional.ofNullable(f.get("orig_rcpt")),
          Optional.ofNullable(f.get("dsn_orig_rcpt")), notify,
          Long.parseLong(require(f, "offset")), status(require(f, "status")),
          require(f, "dsn_status"), require(f, "dsn_action"), require(f, "relay"),
          require(f, "reason"), Optional.ofNullable(f.get("diag_text"))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String require(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return v;
  }

  private static RecipientResult.Status status(String word) {
    for (RecipientResult.Status s : RecipientResult.Status.values()) {
      if (s.word().equals(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException("bad status " + word);
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String unescape(String v) {
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\' || i + 1 == v.length()) {
        out.append(c);
        continue;
      }
      char n = v.charAt(++i);
      out.append(switch (n) {
        case 't' -> '\t';
        case 'r' -> '\r';
        case 'n' -> '\n';
        default -> n;
      });
    }
    return out.toString();
  }
}
