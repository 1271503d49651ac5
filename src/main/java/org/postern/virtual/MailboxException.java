package org.postern.virtual;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A mailbox could not take the message: the enhanced status code and the reason as Postfix words
 * it. The code's class decides between defer (4) and bounce (5).
 */
final class MailboxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String dsn;

  MailboxException(String dsn, String reason) {
    super(reason);
    this.dsn = dsn;
  }

  String dsn() {
    return dsn;
  }

  /** This failure with {@code context} before its reason ("maildir delivery failed: "). */
  MailboxException prefixed(String context) {
    return new MailboxException(dsn, context + getMessage());
  }

  /** An I/O failure, its code chosen as Postfix's {@code mbox_dsn()} chooses it. */
  static MailboxException of(IOException e, String defaultDsn, String what) {
    return new MailboxException(dsn(e, defaultDsn), what + ": " + reason(e));
  }

  /** Full file system: retry later; mailbox over quota or limit: bounce; else the default. */
  static String dsn(IOException e, String defaultDsn) {
    String reason = reason(e);
    if (reason.equals("No space left on device")) {
      return "4.3.0";
    }
    if (reason.equals("File too large") || reason.equals("Disk quota exceeded")) {
      return "5.2.2";
    }
    if (reason.equals("Resource temporarily unavailable")) {
      return "4.2.0";
    }
    return defaultDsn;
  }

  /** The system's words for {@code e}, as {@code %m} would print them. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return switch (e) {
      case NoSuchFileException x -> "No such file or directory";
      case AccessDeniedException x -> "Permission denied";
      case FileAlreadyExistsException x -> "File exists";
      case NotDirectoryException x -> "Not a directory";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
