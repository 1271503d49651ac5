package org.postern.virtual;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Enforces {@code virtual_mailbox_limit} as Postfix's file size limit does: a write that would
 * take the file past the limit fails with "File too large".
 */
final class LimitedOutput extends FilterOutputStream {
  private final long limit;
  private long size;

  /** {@code out} writing to a file of {@code size} bytes; {@code limit} 0 means no limit. */
  LimitedOutput(OutputStream out, long size, long limit) {
    super(out);
    this.size = size;
    this.limit = limit;
  }

  @Override
  public void write(int b) throws IOException {
    reserve(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    reserve(len);
    out.write(b, off, len);
  }

  private void reserve(long n) throws IOException {
    if (limit > 0 && size + n > limit) {
      throw new IOException("File too large");
    }
    size += n;
  }
}
