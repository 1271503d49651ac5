package org.postern.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.postern.queue.QueueFileReader;

/**
 * Postfix's {@code mail_copy(3)}: copies a queued message to a mailbox file, a maildir file or a
 * command, with the envelope facts that the destination cannot learn otherwise prepended (a
 * {@code From_} line, {@code Return-Path:}, {@code X-Original-To:}, {@code Delivered-To:}, in that
 * order) and the escapes the destination format needs ({@code >From}, dot-stuffing, a final
 * blank line). The local, virtual and pipe agents share it so that every mailbox looks the same.
 *
 * <p>Failure: an IOException from reading the queue file is thrown as a {@link ReadException}, so
 * that callers can tell a broken queue file (defer the request) from a destination that failed
 * (a per-recipient result).
 */
public final class MailCopy {

  /** What to add or escape; the letters are pipe(8)'s {@code flags=} letters. */
  public enum Flag {
    /** {@code F}: a {@code From sender  date} line first. */
    FROM_LINE('F'),
    /** {@code R}: {@code Return-Path: <sender>}. */
    RETURN_PATH('R'),
    /** {@code O}: {@code X-Original-To:} the recipient as first given (when known). */
    ORIGINAL_TO('O'),
    /** {@code D}: {@code Delivered-To:} the recipient. */
    DELIVERED_TO('D'),
    /** {@code >}: {@code >} before lines that start with {@code From }. */
    QUOTE_FROM('>'),
    /** {@code .}: {@code .} before lines that start with {@code .}. */
    DOT_STUFF('.'),
    /** {@code B}: a blank line after the message. */
    BLANK_LINE('B');

    private final char letter;

    Flag(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }
  }

  /** A UNIX mailbox file: From_ line, quoting, headers, blank line between messages. */
  public static final Set<Flag> MBOX = Set.copyOf(EnumSet.of(Flag.FROM_LINE, Flag.RETURN_PATH,
      Flag.ORIGINAL_TO, Flag.DELIVERED_TO, Flag.QUOTE_FROM, Flag.BLANK_LINE));

  /** A maildir file: headers only, the file itself delimits the message. */
  public static final Set<Flag> MAILDIR =
      Set.copyOf(EnumSet.of(Flag.RETURN_PATH, Flag.ORIGINAL_TO, Flag.DELIVERED_TO));

  /** The null sender in a From_ line, as Postfix writes it. */
  public static final String MAILER_DAEMON = "MAILER-DAEMON";

  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  /** Reading the queue file failed: the request, not the destination, is in trouble. */
  public static final class ReadException extends IOException {
    private static final long serialVersionUID = 1L;

    ReadException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * The envelope facts to prepend.
   *
   * @param sender the envelope sender, empty for the null sender
   * @param originalRecipient for X-Original-To; empty to leave the header out
   * @param deliveredTo for Delivered-To
   * @param now the delivery time, for the From_ line
   */
  public record Envelope(String sender, String originalRecipient, String deliveredTo,
      ZonedDateTime now) {}

  /** A write error inside the queue file reader's callback, kept apart from read errors. */
  private static final class WriteFailure extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailure(IOException cause) {
      super(cause);
    }
  }

  private MailCopy() {}

  /** Copies the content of {@code request} to {@code out}, each line ending in {@code eol}. */
  public static void copy(DeliveryRequest request, Envelope env, Set<Flag> flags, String eol,
      OutputStream out) throws IOException {
    byte[] end = eol.getBytes(StandardCharsets.US_ASCII);
    out.write(prefix(env, flags, eol).getBytes(StandardCharsets.UTF_8));
    boolean[] lineStart = {true};
    try (QueueFileReader reader = QueueFileReader.open(request.message().path())) {
      reader.readContent((data, complete) -> {
        try {
          if (lineStart[0]) {
            escape(data, flags, out);
          }
          out.write(data);
          if (complete) {
            out.write(end);
          }
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
        lineStart[0] = complete;
      });
    } catch (WriteFailure e) {
      throw (IOException) e.getCause();
    } catch (IOException e) {
      throw new ReadException(e);
    }
    if (!lineStart[0]) {
      out.write(end);
    }
    if (flags.contains(Flag.BLANK_LINE)) {
      out.write(end);
    }
  }

  private static void escape(byte[] data, Set<Flag> flags, OutputStream out) throws IOException {
    if (flags.contains(Flag.QUOTE_FROM) && startsWith(data, "From ")) {
      out.write('>');
    }
    if (flags.contains(Flag.DOT_STUFF) && data.length > 0 && data[0] == '.') {
      out.write('.');
    }
  }

  private static boolean startsWith(byte[] data, String text) {
    if (data.length < text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (data[i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The lines prepended to the message, each ending in {@code eol}. */
  static String prefix(Envelope env, Set<Flag> flags, String eol) {
    StringBuilder s = new StringBuilder();
    String sender = quoteLocalPart(env.sender());
    if (flags.contains(Flag.FROM_LINE)) {
      s.append("From ").append(env.sender().isEmpty() ? MAILER_DAEMON : sender)
          .append("  ").append(ASCTIME.format(env.now())).append(eol);
    }
    if (flags.contains(Flag.RETURN_PATH)) {
      s.append("Return-Path: <").append(sender).append('>').append(eol);
    }
    if (flags.contains(Flag.ORIGINAL_TO) && !env.originalRecipient().isEmpty()) {
      s.append("X-Original-To: ").append(quoteLocalPart(env.originalRecipient())).append(eol);
    }
    if (flags.contains(Flag.DELIVERED_TO)) {
      s.append("Delivered-To: ").append(quoteLocalPart(env.deliveredTo())).append(eol);
    }
    return s.toString();
  }

  /**
   * Quotes the local part of {@code address} (left of the rightmost {@code @}) when it is not a
   * dot-atom, as Postfix's {@code quote_822_local()} does: RFC 822 specials, white space and
   * control characters force a quoted string; 8-bit characters pass.
   */
  public static String quoteLocalPart(String address) {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    String domain = at < 0 ? "" : address.substring(at);
    if (!needsQuoting(local)) {
      return address;
    }
    StringBuilder q = new StringBuilder("\"");
    for (char c : local.toCharArray()) {
      if (c == '"' || c == '\\' || c == '\r') {
        q.append('\\');
      }
      q.append(c);
    }
    return q.append('"').append(domain).toString();
  }

  private static boolean needsQuoting(String local) {
    if (local.isEmpty()) {
      return false;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return true;
    }
    for (char c : local.toCharArray()) {
      if (c <= ' ' || c == 127 || "()<>@,;:\\\"[]".indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }
}
