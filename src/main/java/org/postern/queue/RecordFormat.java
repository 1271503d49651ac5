package org.postern.queue;

import java.nio.charset.StandardCharsets;

/** The constants and small codecs shared by the queue file writer, reader and marker. */
final class RecordFormat {
  /** Type byte plus a 4-byte big-endian data length. */
  static final int HEADER_LENGTH = 5;

  /** The longest record a reader accepts: bounds memory on a damaged length field. */
  static final int MAX_RECORD_LENGTH = 1 << 20;

  /** Content lines longer than this are split into CONTINUED records (line_length_limit). */
  static final int MAX_TEXT_LENGTH = 2048;

  /** The SIZE record: four right-aligned 15-digit fields, rewritten in place on commit. */
  static final int SIZE_DATA_LENGTH = 4 * 15 + 3;

  static final byte[] YES = "yes".getBytes(StandardCharsets.US_ASCII);
  static final byte[] NO = "no".getBytes(StandardCharsets.US_ASCII);

  private RecordFormat() {}

  static byte[] sizeData(long messageSize, long contentOffset, long extractedOffset, int rcpts) {
    // What "%15d %15d %15d %15d" gives, without Formatter: its locale data costs sendmail's start.
    String s = field(messageSize) + " " + field(contentOffset) + " " + field(extractedOffset) + " "
        + field(rcpts);
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String field(long n) {
    String digits = Long.toString(n);
    return " ".repeat(Math.max(0, 15 - digits.length())) + digits;
  }

  static String timeData(java.time.Instant t) {
    return t.getEpochSecond() + " " + t.getNano() / 1000;
  }
}
