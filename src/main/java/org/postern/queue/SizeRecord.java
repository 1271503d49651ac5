package org.postern.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The SIZE record that opens every queue file, parsed and checked against the file size. */
record SizeRecord(long messageSize, long contentOffset, long extractedOffset, int recipientCount) {

  static SizeRecord read(RecordInput input, long fileSize) throws IOException {
    QueueRecord r = input.first();
    if (r == null || r.type() != RecordType.SIZE
        || r.data().length != RecordFormat.SIZE_DATA_LENGTH) {
      throw input.corrupt(0, "input is not a valid queue file");
    }
    String[] f = new String(r.data(), StandardCharsets.US_ASCII).strip().split(" +");
    try {
      SizeRecord s = new SizeRecord(Long.parseLong(f[0]), Long.parseLong(f[1]),
          Long.parseLong(f[2]), Integer.parseInt(f[3]));
      if (f.length != 4) {
        throw new NumberFormatException();
      }
      if (s.contentOffset() <= 0 || s.extractedOffset() < s.contentOffset()
          || s.messageSize() < 0 || s.recipientCount() < 0) {
        throw input.corrupt(0, "incomplete size record (file was never committed)");
      }
      if (s.extractedOffset() >= fileSize) {
        throw input.corrupt(fileSize, "file ends before extracted segment at offset "
            + s.extractedOffset() + " (truncated)");
      }
      return s;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw input.corrupt(0, "malformed size record");
    }
  }
}
