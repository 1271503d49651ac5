package org.postern.local;

import java.io.IOException;
import java.nio.file.Path;
import org.postern.deliver.FileSizeLimit;

/**
 * Classifies what went wrong writing a mailbox or file as Postfix's {@code mbox_dsn()} does: a
 * busy lock is 4.2.0 and no space 4.3.0 (deferred), a full quota or a file past
 * mailbox_size_limit ("File too large") 5.2.2, anything else 5.2.0 (bounced). The texts start as
 * Postfix's do ({@code cannot update mailbox FILE for user USER.}, {@code cannot append message
 * to file FILE:}, {@code maildir delivery failed:}).
 */
final class MailboxErrors {
  private MailboxErrors() {}

  /** One write into a mailbox or file, with Postfix's mbox_dsn() classification of errors. */
  interface MailboxWrite {
    void run() throws IOException, InterruptedException;
  }

  static Outcome attempt(String prefix, MailboxWrite write,
      String text) throws InterruptedException {
    try {
      write.run();
      return Outcome.delivered(text);
    } catch (Mbox.LockBusyException e) {
      return Outcome.deferred("4.2.0", prefix + e.getMessage());
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("No space left")) {
        return Outcome.deferred("4.3.0", prefix + m);
      }
      if (m.contains("Disk quota exceeded") || m.contains(FileSizeLimit.FILE_TOO_LARGE)) {
        return Outcome.bounced("5.2.2", prefix + m);
      }
      return Outcome.bounced("5.2.0", prefix + m);
    }
  }

  /** A failed append by the child as a file error, with what the shell said. */
  static Outcome fileError(Path path, Outcome failed) {
    String marker = "Command output: ";
    int at = failed.text().indexOf(marker);
    String why = at < 0 ? failed.text() : failed.text().substring(at + marker.length());
    String text = "cannot append message to file " + path + ": " + why;
    return failed instanceof Outcome.Deferred ? failed : Outcome.bounced("5.2.0", text);
  }
}
