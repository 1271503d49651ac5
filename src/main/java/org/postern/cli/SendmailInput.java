package org.postern.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Copies a message from sendmail's standard input into the queue file content, as Postfix's
 * sendmail does: leading {@code From } lines (and {@code >From }) are dropped, a line with only a
 * dot ends the input unless {@code -i}, and with {@code -t} the recipients are collected from
 * To:, Cc: and Bcc: (or only from Resent-To:, Resent-Cc: and Resent-Bcc: when the message has any
 * of those) and the Bcc: and Resent-Bcc: headers are left out. Everything else is stored as it
 * came; line ends are normalised by the queue file writer.
 *
 * <p>Failure: {@link TooBig} when the content passes {@code message_size_limit}; read errors are
 * {@link LineInput.InputError}; write errors propagate.
 */
final class SendmailInput {
  /** The message is larger than message_size_limit. */
  static final class TooBig extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private final boolean dotEndsInput;
  private final boolean extractRecipients;
  private final long sizeLimit;
  private final int headerLimit;
  private final List<String> recipients = new ArrayList<>();
  private final List<String> resentRecipients = new ArrayList<>();
  private boolean resent;

  /**
   * @param sizeLimit message_size_limit, 0 for none
   * @param headerLimit header_size_limit: a longer header is passed through without extraction
   */
  SendmailInput(boolean dotEndsInput, boolean extractRecipients, long sizeLimit, int headerLimit) {
    this.dotEndsInput = dotEndsInput;
    this.extractRecipients = extractRecipients;
    this.sizeLimit = sizeLimit;
    this.headerLimit = headerLimit;
  }

  /** Copies {@code in} to {@code out}; {@code size} reports the content size written so far. */
  void copy(LineInput in, OutputStream out, LongSupplier size) throws IOException, TooBig {
    Copy copy = new Copy(out, size);
    LineInput.Kind previous = LineInput.Kind.LINE;
    boolean start = true;
    for (LineInput.Line line = in.next(); line != null; line = in.next()) {
      boolean lineStart = previous != LineInput.Kind.PART;
      previous = line.kind();
      if (start && lineStart && isFromLine(line)) {
        skipRest(in, line);
        previous = LineInput.Kind.LINE;
        continue;
      }
      start = false;
      if (dotEndsInput && lineStart && line.isDot()) {
        break;
      }
      copy.line(line, lineStart);
    }
    copy.finish();
  }

  /** With -t: the recipients from headers, Resent- ones when there were any. */
  List<String> extractedRecipients() {
    return List.copyOf(resent ? resentRecipients : recipients);
  }

  private static boolean isFromLine(LineInput.Line line) {
    String s = new String(line.text(), StandardCharsets.ISO_8859_1);
    int i = 0;
    while (i < s.length() && s.charAt(i) == '>') {
      i++;
    }
    return s.startsWith("From ", i);
  }

  private static void skipRest(LineInput in, LineInput.Line line) throws IOException {
    while (line != null && line.kind() == LineInput.Kind.PART) {
      line = in.next();
    }
  }

  /** The copy of one message: header state for -t, size checks. */
  private final class Copy {
    private final OutputStream out;
    private final LongSupplier size;
    private boolean inHeader = extractRecipients;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private boolean headerPending;

    Copy(OutputStream out, LongSupplier size) {
      this.out = out;
      this.size = size;
    }

    void line(LineInput.Line line, boolean lineStart) throws IOException, TooBig {
      if (inHeader) {
        headerLine(line, lineStart);
      } else {
        write(line);
      }
    }

    private void headerLine(LineInput.Line line, boolean lineStart) throws IOException, TooBig {
      byte[] data = line.data();
      boolean continuation = !lineStart
          || (headerPending && data.length > 0 && (data[0] == ' ' || data[0] == '\t'));
      if (!continuation) {
        flushHeader();
        if (!isHeaderStart(line.text())) {
          inHeader = false; // the empty line, or body text without one
          write(line);
          return;
        }
        headerPending = true;
      }
      header.write(data);
      if (line.kind() == LineInput.Kind.LINE) {
        header.write('\n');
      }
      if (header.size() > headerLimit) {
        out.write(header.toByteArray()); // too long to be a real address header: keep it
        header.reset();
        headerPending = false;
        inHeader = false;
      }
      checkSize();
    }

    private void flushHeader() throws IOException, TooBig {
      if (!headerPending) {
        return;
      }
      headerPending = false;
      byte[] raw = header.toByteArray();
      header.reset();
      String text = new String(raw, StandardCharsets.UTF_8);
      String name = text.substring(0, text.indexOf(':')).strip().toLowerCase(Locale.ROOT);
      String value = text.substring(text.indexOf(':') + 1);
      switch (name) {
        case "to", "cc", "bcc" -> recipients.addAll(Rfc822Addresses.parse(value));
        case "resent-to", "resent-cc", "resent-bcc" -> {
          resent = true;
          resentRecipients.addAll(Rfc822Addresses.parse(value));
        }
        default -> { }
      }
      if (!name.equals("bcc") && !name.equals("resent-bcc")) {
        out.write(raw);
        checkSize();
      }
    }

    private void write(LineInput.Line line) throws IOException, TooBig {
      out.write(line.data());
      if (line.kind() == LineInput.Kind.LINE) {
        out.write('\n');
      }
      checkSize();
    }

    void finish() throws IOException, TooBig {
      flushHeader();
    }

    private void checkSize() throws TooBig {
      if (sizeLimit > 0 && size.getAsLong() > sizeLimit) {
        throw new TooBig();
      }
    }
  }

  /** A header field name (printable ASCII but ':'), optional white space, then ':'. */
  static boolean isHeaderStart(byte[] line) {
    int i = 0;
    while (i < line.length && line[i] > 32 && line[i] < 127 && line[i] != ':') {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return i < line.length && line[i] == ':';
  }
}
