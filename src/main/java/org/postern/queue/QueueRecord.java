package org.postern.queue;

import java.nio.charset.StandardCharsets;

/** One record of a queue file: its type, the file offset of its type byte, and its data. */
public record QueueRecord(RecordType type, long offset, byte[] data) {
  /** The data as UTF-8 text (envelope records are always valid UTF-8). */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }
}
