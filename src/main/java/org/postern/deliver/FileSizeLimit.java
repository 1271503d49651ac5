package org.postern.deliver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * FileSizeLimit - the file size limit of a mailbox delivery agent: {@code mailbox_size_limit} of
 * local(8), {@code virtual_mailbox_limit} of virtual(8). Postfix sets it as the process's file
 * size resource limit, so a write that would take a file past it fails with "File too large"
 * (EFBIG), which the agent reports as {@code 5.2.2} (mailbox full). For an mbox file the limit
 * is on the whole file, old messages included; for a Maildir it is on the one new message file.
 * 0 means no limit.
 *
 * <p>The limit may not be below {@code message_size_limit}, nor set while that one is 0: Postfix
 * would then be unable to deliver a message it accepted. Its agents refuse to start ("fatal:
 * configuration error: mailbox_size_limit is smaller than message_size_limit"); {@link #check}
 * is that test.
 *
 * <p>Failure: {@link #check} throws IllegalArgumentException with Postfix's words; the stream of
 * {@link #limit} throws IOException "File too large" and writes nothing of the write that would
 * cross the limit.
 */
public record FileSizeLimit(long bytes) {
  /** The reason Postfix's {@code %m} prints for EFBIG. */
  public static final String FILE_TOO_LARGE = "File too large";

  public FileSizeLimit {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative file size limit: " + bytes);
    }
  }

  /**
   * The limit that {@code parameter} sets to {@code bytes}, when it fits {@code message_size_limit}
   * ({@code messageSizeLimit}) as Postfix's local(8) and virtual(8) require at start-up.
   */
  public static FileSizeLimit check(String parameter, long bytes, long messageSizeLimit) {
    if (bytes > 0 && messageSizeLimit <= 0) {
      throw new IllegalArgumentException("configuration error: " + parameter
          + " is limited but message_size_limit is unlimited");
    }
    if (bytes > 0 && bytes < messageSizeLimit) {
      throw new IllegalArgumentException(
          "configuration error: " + parameter + " is smaller than message_size_limit");
    }
    return new FileSizeLimit(bytes);
  }

  /** {@code out}, writing to a file now {@code size} bytes long, held to this limit. */
  public OutputStream limit(OutputStream out, long size) {
    return bytes == 0 ? out : new Limited(out, size, bytes);
  }

  private static final class Limited extends FilterOutputStream {
    private final long limit;
    private long size;

    Limited(OutputStream out, long size, long limit) {
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
      if (size + n > limit) {
        throw new IOException(FILE_TOO_LARGE);
      }
      size += n;
    }
  }
}
