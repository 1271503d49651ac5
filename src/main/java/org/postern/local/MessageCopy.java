package org.postern.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.queue.QueueFileReader;

/**
 * Postfix's {@code mail_copy(3)}: a message as a delivery target receives it, LF line ends, with
 * the headers local(8) prepends: the mbox {@code From sender  date} line, {@code Return-Path:},
 * {@code X-Original-To:} and {@code Delivered-To:}; for mbox files also {@code >From } quoting of
 * body lines and an empty line at the end so the next From_ line is found.
 *
 * <p>Failure: an unreadable queue file or a failing target stream is an IOException.
 */
final class MessageCopy {
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
  private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);

  /** Which prepended headers and mbox conventions a copy gets. */
  record Format(boolean fromLine, boolean mboxQuoting, Optional<String> deliveredTo) {
    /** An mbox file: From_ line, quoting, final empty line. */
    static Format mbox(Optional<String> deliveredTo) {
      return new Format(true, true, deliveredTo);
    }

    /** A command's input: From_ line, no quoting. */
    static Format command(Optional<String> deliveredTo) {
      return new Format(true, false, deliveredTo);
    }

    /** A Maildir file: no From_ line, no quoting. */
    static Format maildir(Optional<String> deliveredTo) {
      return new Format(false, false, deliveredTo);
    }
  }

  private final Path queueFile;
  private final String sender;
  private final Optional<String> originalRecipient;
  private final ZonedDateTime now;

  MessageCopy(Path queueFile, String sender, Optional<String> originalRecipient, ZonedDateTime now) {
    this.queueFile = queueFile;
    this.sender = sender;
    this.originalRecipient = originalRecipient.filter(s -> !s.isEmpty());
    this.now = now;
  }

  /** Writes the message in {@code format} to {@code out}. */
  void write(OutputStream out, Format format) throws IOException {
    StringBuilder head = new StringBuilder();
    if (format.fromLine()) {
      head.append("From ").append(sender.isEmpty() ? "MAILER-DAEMON" : sender)
          .append("  ").append(ASCTIME.format(now)).append('\n');
    }
    head.append("Return-Path: <").append(sender).append(">\n");
    originalRecipient.ifPresent(o -> head.append("X-Original-To: ").append(o).append('\n'));
    format.deliveredTo().ifPresent(d -> head.append("Delivered-To: ").append(d).append('\n'));
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    boolean[] lineStart = {true};
    boolean[] lastLineEmpty = {false};
    try (QueueFileReader reader = QueueFileReader.open(queueFile)) {
      reader.readContent((data, complete) -> {
        if (format.mboxQuoting() && lineStart[0] && startsWith(data, FROM_)) {
          out.write('>');
        }
        out.write(data);
        if (complete) {
          out.write('\n');
          lastLineEmpty[0] = lineStart[0] && data.length == 0;
        }
        lineStart[0] = complete;
      });
    }
    if (format.mboxQuoting() && !lastLineEmpty[0]) {
      out.write('\n');
    }
  }

  /** The body of this message (no prepended headers), for forwarding. */
  void writeContent(OutputStream out) throws IOException {
    try (QueueFileReader reader = QueueFileReader.open(queueFile)) {
      reader.copyContent(out, "\n");
    }
  }

  /**
   * The addresses in the message's {@code Delivered-To:} headers, lower-cased, for loop
   * detection. Only the header section is read.
   */
  static Set<String> deliveredTo(Path queueFile) throws IOException {
    Set<String> found = new HashSet<>();
    try (QueueFileReader reader = QueueFileReader.open(queueFile)) {
      reader.readContent(new HeaderScan(found));
    } catch (HeaderScan.EndOfHeaders e) {
      // The empty line after the headers: the body is not looked at.
    }
    return found;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Collects Delivered-To values; stops the content read at the end of the headers. */
  private static final class HeaderScan implements QueueFileReader.LineHandler {
    /** Thrown to stop reading at the empty line; carries no error. */
    static final class EndOfHeaders extends IOException {
      private static final long serialVersionUID = 1L;

      EndOfHeaders() {
        super("end of headers");
      }
    }

    private final Set<String> found;
    private final StringBuilder line = new StringBuilder();

    HeaderScan(Set<String> found) {
      this.found = found;
    }

    @Override
    public void line(byte[] data, boolean complete) throws IOException {
      line.append(new String(data, StandardCharsets.UTF_8));
      if (!complete) {
        return;
      }
      String text = line.toString();
      line.setLength(0);
      if (text.isEmpty()) {
        throw new EndOfHeaders();
      }
      int colon = text.indexOf(':');
      if (colon > 0 && text.substring(0, colon).strip().equalsIgnoreCase("Delivered-To")) {
        found.add(text.substring(colon + 1).strip().toLowerCase(Locale.ROOT));
      }
    }
  }
}
