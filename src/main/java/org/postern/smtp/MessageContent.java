package org.postern.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The message as the client sends it: header, empty line and body with CRLF line ends, held in
 * memory for one delivery request, plus the two transformations SMTP needs: dot-stuffing for
 * DATA, and 8BITMIME downgrade to quoted-printable for a server that lacks 8BITMIME.
 *
 * <p>Downgrade, as Postfix does for a simple message: a single-part {@code text/*} message
 * (Content-Type present, no {@code multipart/} or {@code message/}) whose transfer encoding is
 * absent, {@code 7bit} or {@code 8bit} gets its body quoted-printable encoded and its
 * Content-Transfer-Encoding header replaced. A message without MIME headers is sent as it is (it
 * is not MIME, there is nothing to label). Anything else cannot be converted here: {@link
 * #downgraded()} is empty and the client defers rather than send 8-bit data to a 7-bit server.
 */
final class MessageContent {
  private static final int QP_LINE = 76;

  private final byte[] bytes;

  MessageContent(byte[] bytes) {
    this.bytes = bytes;
  }

  byte[] bytes() {
    return bytes;
  }

  boolean eightBit() {
    for (byte b : bytes) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  /** The bytes as DATA carries them: leading dots doubled, ending in {@code CRLF.CRLF}. */
  byte[] dotStuffed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
    boolean lineStart = true;
    for (byte b : bytes) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    out.writeBytes(new byte[] {'.', '\r', '\n'});
    return out.toByteArray();
  }

  /** This message for a 7-bit server; empty when its MIME structure rules out conversion. */
  Optional<MessageContent> downgraded() {
    int split = headerEnd();
    String header = new String(bytes, 0, split, StandardCharsets.ISO_8859_1);
    List<String> fields = fields(header);
    Optional<String> type = field(fields, "content-type");
    Optional<String> encoding = field(fields, "content-transfer-encoding");
    if (type.isEmpty() && field(fields, "mime-version").isEmpty()) {
      return Optional.of(this);
    }
    String t = type.orElse("text/plain").strip().toLowerCase(Locale.ROOT);
    String e = encoding.orElse("7bit").strip().toLowerCase(Locale.ROOT);
    if (!t.startsWith("text/") || !(e.equals("7bit") || e.equals("8bit"))) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 3 / 2);
    for (String f : fields) {
      if (!name(f).equals("content-transfer-encoding")) {
        out.writeBytes(f.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    out.writeBytes("Content-Transfer-Encoding: quoted-printable\r\n".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {'\r', '\n'});
    int bodyStart = Math.min(bytes.length, split + 2);
    quotedPrintable(bytes, bodyStart, out);
    return Optional.of(new MessageContent(out.toByteArray()));
  }

  /** Offset of the CRLF that ends the header (the empty line), or the length if none. */
  private int headerEnd() {
    if (bytes.length >= 2 && bytes[0] == '\r' && bytes[1] == '\n') {
      return 0;
    }
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
        return i + 2;
      }
    }
    return bytes.length;
  }

  /** Header fields with their continuation lines, each ending in CRLF. */
  private static List<String> fields(String header) {
    List<String> fields = new ArrayList<>();
    for (String line : header.split("(?<=\r\n)")) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
        fields.set(fields.size() - 1, fields.getLast() + line);
      } else {
        fields.add(line);
      }
    }
    return fields;
  }

  private static String name(String field) {
    int colon = field.indexOf(':');
    return colon < 0 ? "" : field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
  }

  private static Optional<String> field(List<String> fields, String wanted) {
    for (String f : fields) {
      if (name(f).equals(wanted)) {
        String value = f.substring(f.indexOf(':') + 1).replaceAll("\r\n[ \t]", " ");
        int semi = value.indexOf(';');
        return Optional.of((semi < 0 ? value : value.substring(0, semi)).strip());
      }
    }
    return Optional.empty();
  }

  /** RFC 2045 section 6.7 encoding of each CRLF-terminated line, soft breaks at 76 columns. */
  static void quotedPrintable(byte[] in, int from, ByteArrayOutputStream out) {
    int lineStart = from;
    for (int i = from; i <= in.length; i++) {
      boolean end = i == in.length || (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n');
      if (!end) {
        continue;
      }
      encodeLine(in, lineStart, i, out);
      if (i < in.length) {
        out.writeBytes(new byte[] {'\r', '\n'});
      }
      i++;
      lineStart = i + 1;
    }
  }

  private static void encodeLine(byte[] in, int from, int to, ByteArrayOutputStream out) {
    int column = 0;
    for (int i = from; i < to; i++) {
      int b = in[i] & 0xff;
      boolean trailingSpace = (b == ' ' || b == '\t') && i == to - 1;
      String piece =
          (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !trailingSpace)
              ? String.valueOf((char) b)
              : String.format("=%02X", b);
      if (column + piece.length() > QP_LINE - 1) {
        out.writeBytes("=\r\n".getBytes(StandardCharsets.US_ASCII));
        column = 0;
      }
      out.writeBytes(piece.getBytes(StandardCharsets.US_ASCII));
      column += piece.length();
    }
  }
}
