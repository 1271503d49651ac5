package org.postern.esmtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads one SMTP reply (RFC 5321 section 4.2) from a peer that may be hostile: the smtp client
 * reads its servers with it, smtpd its {@code smtpd_proxy_filter}. A line ends at LF, with or
 * without the CR before it; at most {@link #MAX_TEXT} bytes of a line are kept and the rest is
 * read and dropped, so no peer can make a line use more memory than that.
 *
 * <p>Each caller sets how far it trusts its peer: how a fourth character other than SP or
 * {@code -} reads, how many lines one reply may have, and how many bytes a line may run without
 * a LF. A deadline, checked at every byte, stops a peer that drips bytes slower than a read
 * timeout but never finishes.
 *
 * <p>Failure, always an {@link IOException}: {@code lost connection} at end of input, {@code
 * reply line too long}, {@code reply has too many lines}, a {@link MalformedReplyException} for
 * a code that is not three ASCII digits of the classes 2 to 5, and a {@link
 * SocketTimeoutException} ({@code timed out}) when the deadline passes. A multi-line reply whose
 * lines carry different codes is not refused: the last line's code decides, as Postfix reads it.
 */
public final class ReplyReader {
  /** Bytes of one line that are kept; the rest of a longer line is read and dropped. */
  public static final int MAX_TEXT = 4096;

  /** What a fourth character other than SP or {@code -} means. */
  public enum Separator {
    /** Any fourth character but {@code -} ends the reply. */
    LAST_UNLESS_HYPHEN,
    /** Only SP (or a line of three characters) ends the reply; any other character is malformed. */
    SPACE_OR_HYPHEN
  }

  /** The reply's code, taken from its last line, and the text after the separator of each line. */
  public record Lines(int code, List<String> texts) {
    public Lines {
      texts = List.copyOf(texts);
    }
  }

  /** A line whose first three characters are not a reply code; {@link #line()} is that line. */
  public static final class MalformedReplyException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String line;

    MalformedReplyException(String line) {
      super("malformed reply: " + line);
      this.line = line;
    }

    public String line() {
      return line;
    }
  }

  private final Separator separator;
  private final int maxLines;
  private final long maxLineBytes;

  /**
   * @param maxLines lines one reply may have; {@link Integer#MAX_VALUE} for no limit
   * @param maxLineBytes bytes a line may run before its LF; {@link Long#MAX_VALUE} for no limit
   */
  public ReplyReader(Separator separator, int maxLines, long maxLineBytes) {
    if (maxLines < 1 || maxLineBytes < MAX_TEXT) {
      throw new IllegalArgumentException(
          "reply bounds: " + maxLines + " lines, " + maxLineBytes + " bytes a line");
    }
    this.separator = separator;
    this.maxLines = maxLines;
    this.maxLineBytes = maxLineBytes;
  }

  /** Reads one (possibly multi-line) reply without a deadline: only the stream's own timeout. */
  public Lines read(InputStream in) throws IOException {
    return read(in, () -> false);
  }

  /** Reads one (possibly multi-line) reply, failing once {@code expired} says the time is up. */
  public Lines read(InputStream in, BooleanSupplier expired) throws IOException {
    List<String> texts = new ArrayList<>();
    while (true) {
      String line = readLine(in, expired);
      if (!wellFormed(line)) {
        throw new MalformedReplyException(line);
      }
      texts.add(line.length() > 4 ? line.substring(4) : "");
      if (line.length() == 3 || line.charAt(3) != '-') {
        return new Lines(Integer.parseInt(line.substring(0, 3)), texts);
      }
      if (texts.size() >= maxLines) {
        throw new IOException("reply has too many lines");
      }
    }
  }

  /** Three ASCII digits, the first of the reply classes 2 to 5, and an allowed separator. */
  private boolean wellFormed(String line) {
    return line.length() >= 3
        && line.charAt(0) >= '2' && line.charAt(0) <= '5'
        && digit(line.charAt(1)) && digit(line.charAt(2))
        && (separator == Separator.LAST_UNLESS_HYPHEN
            || line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** One line without its LF, or its CRLF, cut at {@link #MAX_TEXT} bytes. */
  private String readLine(InputStream in, BooleanSupplier expired) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (long read = 0; ; read++) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("lost connection");
      }
      if (c == '\n') {
        break;
      }
      if (read > maxLineBytes) {
        throw new IOException("reply line too long");
      }
      if (expired.getAsBoolean()) {
        throw new SocketTimeoutException("timed out");
      }
      if (line.size() < MAX_TEXT) {
        line.write(c);
      }
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
