package org.postern.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The one path every SMTP reply takes to the client (Postfix's {@code smtpd_chat_reply}).
 *
 * <p>Replies are buffered and go out on {@link #flush()}, which the session calls when the
 * client's input is drained: pipelined replies leave in order and in as few packets as possible
 * (RFC 2920). The writer counts error replies for {@code smtpd_soft_error_limit} and {@code
 * smtpd_hard_error_limit} and appends {@code smtpd_reject_footer} ({@link ReplyFooter}) to
 * them; Postern never sleeps between replies (Postfix's {@code
 * smtpd_error_sleep_time} tarpit is left out), it only hangs up at the hard limit. A 421 or 521 reply
 * marks the session for hang-up, as in Postfix. When ENHANCEDSTATUSCODES is discarded with
 * {@code smtpd_discard_ehlo_keywords}, the x.y.z codes are stripped here.
 *
 * <p>Failure: a write to a vanished client throws {@link IOException}; the session ends.
 */
final class ReplyWriter {
  private final ReentrantLock lock = new ReentrantLock();
  private final StringBuilder pending = new StringBuilder();
  private final ReplyFooter footer;
  private final Function<String, String> macros;
  private OutputStream out;
  private boolean enhancedCodes = true;
  private int errorCount;
  private int junkCommands;
  private boolean hangup;
  private int lastCode;

  /**
   * A writer to {@code out} that appends {@code footer} to error replies, its macros answered by
   * {@code macros} (a name's value, or null when unknown).
   */
  ReplyWriter(OutputStream out, ReplyFooter footer, Function<String, String> macros) {
    this.out = out;
    this.footer = footer;
    this.macros = macros;
  }

  /** Buffers {@code reply}; a 4xx/5xx counts towards the error limits. */
  void reply(Reply reply) {
    send(reply, reply.isError());
  }

  /** Buffers a 4xx/5xx that Postfix does not count as a client error (452 too many recipients). */
  void replyUncounted(Reply reply) {
    send(reply, false);
  }

  private void send(Reply plain, boolean counted) {
    Reply reply = footer.apply(plain, macros);
    lock.lock();
    try {
      pending.append(reply.render(enhancedCodes));
      lastCode = reply.code();
      if (counted) {
        errorCount++;
      }
      if (reply.code() == 421 || reply.code() == 521) {
        hangup = true;
      }
    } finally {
      lock.unlock();
    }
  }

  void flush() throws IOException {
    lock.lock();
    try {
      if (pending.length() > 0) {
        out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
        pending.setLength(0);
      }
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /** Switches to the TLS stream after STARTTLS; pending replies must have been flushed. */
  void rebind(OutputStream tlsOut) {
    lock.lock();
    try {
      this.out = tlsOut;
    } finally {
      lock.unlock();
    }
  }

  void enhancedStatusCodes(boolean on) {
    enhancedCodes = on;
  }

  int errorCount() {
    return errorCount;
  }

  /**
   * One more HELO, EHLO, RSET, NOOP, VRFY or ETRN: past {@code limit} of them ({@code
   * smtpd_junk_command_limit}) each counts as an error too, as Postfix counts them, so that a
   * client that never sends mail reaches {@code smtpd_hard_error_limit}.
   */
  void junkCommand(int limit) {
    if (junkCommands++ > limit) {
      errorCount++;
    }
  }

  /** A message was accepted: Postfix forgives earlier errors and junk commands. */
  void resetErrors() {
    errorCount = 0;
    junkCommands = 0;
  }

  /** The code of the last reply buffered, 0 before the first; tells whether a command succeeded. */
  int lastCode() {
    return lastCode;
  }

  boolean hangup() {
    return hangup;
  }

  /** Runs {@code action} while no reply can be written by the session thread. */
  void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }
}
