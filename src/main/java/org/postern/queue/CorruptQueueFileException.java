package org.postern.queue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A queue file that breaks the format: incomplete (no end marker), truncated inside a record, or
 * holding a record that does not belong where it is. The message names the file, the byte offset
 * and the reason: {@code incoming/1E2401A2B: offset 812: truncated record: type R wants 40 bytes,
 * 12 present}. Such a file is moved to the corrupt queue, never delivered.
 */
public final class CorruptQueueFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final String reason;

  public CorruptQueueFileException(Path file, long offset, String reason) {
    super(file + ": offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  /** The offset of the record at fault, or of the end of the file when it ends early. */
  public long offset() {
    return offset;
  }

  /** The reason alone, without file and offset. */
  public String reason() {
    return reason;
  }
}
