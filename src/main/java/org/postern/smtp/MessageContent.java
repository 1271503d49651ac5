package org.postern.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The message as the client sends it: header, empty line and body with CRLF line ends, streamed
 * from the queue file each time it is sent and never held in memory whole, plus the two
 * transformations SMTP needs: dot-stuffing for DATA, and 8BITMIME downgrade to quoted-printable
 * for a server that lacks 8BITMIME. {@link #of} reads the content once ahead of any connection,
 * for its size (SIZE, BDAT), whether it has 8-bit bytes, and its header (kept up to {@value
 * #HEADER_LIMIT} bytes).
 *
 * <p>Downgrade, as Postfix does for a simple message: a single-part {@code text/*} message
 * (Content-Type present, no {@code multipart/} or {@code message/}) whose transfer encoding is
 * absent, {@code 7bit} or {@code 8bit} gets its body quoted-printable encoded and its
 * Content-Transfer-Encoding header replaced. A message without MIME headers is sent as it is (it
 * is not MIME, there is nothing to label). Anything else cannot be converted here, nor can a
 * message whose header exceeds {@value #HEADER_LIMIT} bytes (the bounded fallback): {@link
 * #downgraded()} is empty and the client defers rather than send 8-bit data to a 7-bit server.
 *
 * <p>Failure: a queue file that cannot be read throws {@link IOException} from {@link #of}.
 */
final class MessageContent {
  /** How much header is kept for the downgrade decision and the rewritten header. */
  static final int HEADER_LIMIT = 256 * 1024;

  /** Writes the content (header, empty line, body, CRLF line ends) to a stream it leaves open. */
  @FunctionalInterface
  interface Source {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Source source;
  private final long size;
  private final boolean eightBit;
  private final boolean eightBitHeader;
  private final Optional<MessageContent> downgraded;

  private MessageContent(Source source, Scan scan) throws IOException {
    this.source = source;
    this.size = scan.size;
    this.eightBit = scan.eightBit;
    this.eightBitHeader = scan.eightBitHeader();
    this.downgraded = eightBit ? convert(scan) : Optional.of(this);
  }

  /** Reads {@code source} once for size, 8-bit bytes and header (and, if 8-bit, a 7-bit form). */
  static MessageContent of(Source source) throws IOException {
    Scan scan = new Scan();
    source.writeTo(scan);
    return new MessageContent(source, scan);
  }

  /** The size in bytes with CRLF line ends, before dot-stuffing. */
  long size() {
    return size;
  }

  boolean eightBit() {
    return eightBit;
  }

  /**
   * Whether the header holds a non-ASCII byte (Postfix's {@code SMTPUTF8_FLAG_HEADER}); a header
   * longer than what was kept counts as non-ASCII when the message has any 8-bit byte.
   */
  boolean eightBitHeader() {
    return eightBitHeader;
  }

  /** This message for a 7-bit server; empty when its MIME structure rules out conversion. */
  Optional<MessageContent> downgraded() {
    return downgraded;
  }

  /** The content as BDAT carries it. */
  void writeTo(OutputStream out) throws IOException {
    source.writeTo(out);
  }

  /** The content as DATA carries it: leading dots doubled, ending in {@code CRLF.CRLF}. */
  void writeDotStuffed(OutputStream out) throws IOException {
    DotStuffingStream stuffed = new DotStuffingStream(out);
    source.writeTo(stuffed);
    stuffed.finish();
  }

  private Optional<MessageContent> convert(Scan scan) throws IOException {
    int split = scan.headerEnd();
    if (split < 0) {
      return Optional.empty();
    }
    String header = scan.header(split);
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
    ByteArrayOutputStream newHeader = new ByteArrayOutputStream(split + 64);
    for (String f : fields) {
      if (!name(f).equals("content-transfer-encoding")) {
        newHeader.writeBytes(f.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    newHeader.writeBytes("Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    byte[] head = newHeader.toByteArray();
    long bodyStart = Math.min(size, split + 2L);
    Source original = source;
    return Optional.of(MessageContent.of(out -> {
      out.write(head);
      QuotedPrintableStream qp = new QuotedPrintableStream(out);
      original.writeTo(new Skip(bodyStart, qp));
      qp.finish();
    }));
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

  /**
   * The first pass: counts bytes, notes any 8-bit byte, and keeps the start of the content until
   * the empty line that ends the header, or {@value #HEADER_LIMIT} bytes.
   */
  private static final class Scan extends OutputStream {
    private byte[] head = new byte[4096];
    private int kept;
    private long size;
    private boolean eightBit;
    /** Offset of the CRLF that ends the header, once seen; -1 before. */
    private int split = -1;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len && !eightBit; i++) {
        eightBit = b[i] < 0;
      }
      if (split < 0 && kept < HEADER_LIMIT) {
        int keep = Math.min(len, HEADER_LIMIT - kept);
        if (kept + keep > head.length) {
          int grown = Math.max(head.length * 2, kept + keep);
          head = Arrays.copyOf(head, Math.min(HEADER_LIMIT, grown));
        }
        System.arraycopy(b, off, head, kept, keep);
        int from = Math.max(0, kept - 3);
        kept += keep;
        split = findSplit(from);
      }
      size += len;
    }

    private int findSplit(int from) {
      if (kept >= 2 && head[0] == '\r' && head[1] == '\n') {
        return 0;
      }
      for (int i = from; i + 3 < kept; i++) {
        if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
          return i + 2;
        }
      }
      return -1;
    }

    /**
     * Where the header ends: the CRLF of the empty line, the whole content when it has no empty
     * line and was kept whole, or -1 when the header is longer than what was kept.
     */
    int headerEnd() {
      if (split >= 0) {
        return split;
      }
      return size == kept ? kept : -1;
    }

    String header(int end) {
      return new String(head, 0, end, StandardCharsets.ISO_8859_1);
    }

    boolean eightBitHeader() {
      int end = headerEnd();
      if (!eightBit || end < 0) {
        return eightBit;
      }
      for (int i = 0; i < end; i++) {
        if (head[i] < 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** Drops the first {@code count} bytes written, passes the rest on. */
  private static final class Skip extends OutputStream {
    private final OutputStream out;
    private long remaining;

    Skip(long count, OutputStream out) {
      this.remaining = count;
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (remaining > 0) {
        remaining--;
      } else {
        out.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int skip = (int) Math.min(remaining, len);
      remaining -= skip;
      if (len > skip) {
        out.write(b, off + skip, len - skip);
      }
    }
  }
}
