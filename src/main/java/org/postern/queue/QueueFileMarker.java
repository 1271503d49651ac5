package org.postern.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Marks recipients done in place. The recipient record's type byte is overwritten, RECIPIENT
 * ({@code R}) becoming DONE_RECIPIENT ({@code D}), and the file is forced to disk before the call
 * returns. One byte in one sector is written, so after a crash the record reads either as before
 * or as done: a recipient marked done is never delivered again.
 *
 * <p>Failure: if the record at the recipient's offset is not that recipient (the file was
 * rewritten, or the offset is wrong), CorruptQueueFileException, and nothing is written.
 */
public final class QueueFileMarker {
  private QueueFileMarker() {}

  /** Marks {@code recipient}, as read from {@code file}, done. Idempotent. */
  public static void markDone(Path file, Recipient recipient) throws IOException {
    if (recipient.offset() < 0) {
      throw new IllegalArgumentException("recipient not read from a queue file: " + recipient);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      byte[] address = recipient.address().getBytes(StandardCharsets.UTF_8);
      ByteBuffer record = ByteBuffer.allocate(RecordFormat.HEADER_LENGTH + address.length);
      while (record.hasRemaining()) {
        if (ch.read(record, recipient.offset() + record.position()) < 0) {
          break;
        }
      }
      record.flip();
      byte type = record.remaining() > 0 ? record.get(0) : 0;
      boolean matches = record.remaining() == record.capacity()
          && record.getInt(1) == address.length
          && Arrays.equals(record.array(), RecordFormat.HEADER_LENGTH, record.capacity(),
              address, 0, address.length);
      if (!matches || (type != RecordType.RECIPIENT.code()
          && type != RecordType.DONE_RECIPIENT.code())) {
        throw new CorruptQueueFileException(file, recipient.offset(),
            "no recipient record for " + recipient.address() + " at this offset");
      }
      if (type == RecordType.DONE_RECIPIENT.code()) {
        return;
      }
      ch.write(ByteBuffer.wrap(new byte[] {RecordType.DONE_RECIPIENT.code()}), recipient.offset());
      ch.force(false);
    }
  }
}
