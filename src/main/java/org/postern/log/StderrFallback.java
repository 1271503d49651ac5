package org.postern.log;

import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Standard error as the log of last resort. The first record that arrives here is preceded by one
 * warning saying why, so the operator learns once that the configured sink is not working instead
 * of seeing each line fail.
 */
final class StderrFallback {
  private final PrintStream stderr;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean announced;

  StderrFallback(PrintStream stderr) {
    this.stderr = stderr;
  }

  void write(LogRecord record, String reason) {
    lock.lock();
    try {
      if (!announced) {
        announced = true;
        LogRecord notice =
            new LogRecord(
                record.time(),
                record.host(),
                record.tag(),
                record.pid(),
                Severity.WARNING,
                reason + "; logging to standard error instead");
        stderr.println(notice.maillogLine());
      }
      stderr.println(record.maillogLine());
      stderr.flush();
    } finally {
      lock.unlock();
    }
  }
}
