package org.postern.cleanup;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One logical message header as received: its lines joined with LF (continuation lines keep their
 * leading white space), without the final line end. The bytes are kept as they came so that an
 * unchanged header is stored unchanged, 8-bit text included.
 */
record Header(String name, byte[] raw) {

  /** A header from text (PREPEND, REPLACE, added headers), or null when it is not a header. */
  static Header parse(String text) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    int nameEnd = nameLength(raw, raw.length);
    return nameEnd < 0 ? null : new Header(new String(raw, 0, nameEnd, StandardCharsets.US_ASCII), raw);
  }

  /**
   * The length of the header name when {@code line} starts a header ({@code name:} with
   * printable ASCII name characters, white space allowed before the colon), else -1.
   */
  static int nameLength(byte[] line, int length) {
    int i = 0;
    while (i < length && line[i] > ' ' && line[i] < 127 && line[i] != ':') {
      i++;
    }
    int nameEnd = i;
    while (i < length && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return nameEnd > 0 && i < length && line[i] == ':' ? nameEnd : -1;
  }

  /** The name in lower case, for comparisons. */
  String key() {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The whole header as text (UTF-8; bad bytes replaced), as header_checks see it. */
  String text() {
    return new String(raw, StandardCharsets.UTF_8);
  }

  /** The value after the colon with surrounding white space removed, continuation lines joined. */
  String value() {
    String t = text();
    return t.substring(t.indexOf(':') + 1).replace("\n", "").strip();
  }

  /** True when a byte is outside ASCII (SMTPUTF8 autodetection). */
  boolean hasNonAscii() {
    for (byte b : raw) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }
}
