package org.postern.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Standard output, for {@code postern start-fg} and {@code maillog_file = /dev/stdout}: the maillog
 * shape, one write and one flush per line so a container log collector sees whole lines.
 */
final class StreamSink implements LogSink {
  private final OutputStream out;
  private final StderrFallback fallback;
  private final ReentrantLock lock = new ReentrantLock();

  StreamSink(OutputStream out, StderrFallback fallback) {
    this.out = out;
    this.fallback = fallback;
  }

  @Override
  public void write(LogRecord record) {
    byte[] line = (record.maillogLine() + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      out.write(line);
      out.flush();
    } catch (IOException e) {
      fallback.write(record, "cannot write to standard output: " + e.getMessage());
    } finally {
      lock.unlock();
    }
  }
}
