package org.postern.bounce;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import org.postern.queue.CorruptQueueFileException;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;

/**
 * The returned copy of the original message, the third part of a report: a Return-Path header
 * (cleanup dropped the original one), then the whole content or only its header, streamed from
 * the queue file record by record so that a large message never sits in memory.
 *
 * <p>Failure: a queue file that is gone or corrupt is not worth losing the notification for, as
 * in Postfix: a one-line placeholder takes the copy's place. Other I/O errors propagate and the
 * notification is not queued.
 */
final class OriginalCopy {
  static final String UNAVAILABLE = "\t--- The returned message could not be read ---";

  private OriginalCopy() {}

  /** Writes the copy of {@code original}; returns false when only the placeholder went out. */
  static boolean write(QueueFile original, boolean headersOnly, OutputStream out)
      throws IOException {
    HeaderCut cut = new HeaderCut(headersOnly);
    try (QueueFileReader reader = QueueFileReader.open(original.path())) {
      out.write(("Return-Path: <" + returnPath(original.envelope().sender()) + ">\n")
          .getBytes(StandardCharsets.UTF_8));
      reader.readContent(
          (data, complete) -> {
            if (cut.keep(data)) {
              out.write(data);
              if (complete) {
                out.write('\n');
              }
            }
            cut.lineDone(complete);
          });
      return true;
    } catch (NoSuchFileException | CorruptQueueFileException e) {
      out.write((UNAVAILABLE + "\n").getBytes(StandardCharsets.UTF_8));
      return false;
    }
  }

  /** The null sender is shown as Postfix shows it, as MAILER-DAEMON. */
  static String returnPath(String sender) {
    return sender.isEmpty() ? "MAILER-DAEMON" : sender;
  }

  /**
   * Decides line by line whether the copy goes on: everything for a full copy; for headers only,
   * header lines and their continuations up to the first line that is neither (the empty line
   * before the body, or body text in a message without one).
   */
  private static final class HeaderCut {
    private final boolean headersOnly;
    private boolean atLineStart = true;
    private boolean inHeader = true;

    HeaderCut(boolean headersOnly) {
      this.headersOnly = headersOnly;
    }

    boolean keep(byte[] data) {
      if (!headersOnly) {
        return true;
      }
      if (atLineStart && inHeader) {
        inHeader = isHeaderLine(data);
      }
      return inHeader;
    }

    void lineDone(boolean complete) {
      atLineStart = complete;
    }

    private static boolean isHeaderLine(byte[] line) {
      if (line.length == 0) {
        return false;
      }
      if (line[0] == ' ' || line[0] == '\t') {
        return true;
      }
      for (int i = 0; i < line.length; i++) {
        byte b = line[i];
        if (b == ':') {
          return i > 0;
        }
        if (b <= ' ' || b >= 127) {
          return false;
        }
      }
      return false;
    }
  }
}
