package org.postern.qmgr;

import java.util.Optional;

/**
 * The one-byte requests written to {@code public/qmgr}, with Postfix's letters: pickup and cleanup
 * send {@code I} after queuing a message, {@code postqueue -f} sends {@code F A D I}, the master's
 * wake-up timer {@code W}.
 */
public enum QmgrRequest {
  /** Scan the deferred queue. */
  SCAN_DEFERRED('D'),
  /** Scan the incoming queue. */
  SCAN_INCOMING('I'),
  /** Forget dead destinations, and lift defer_transports, for the next run. */
  FLUSH_DEAD('F'),
  /** Ignore deferred queue file time stamps on the next deferred scan. */
  SCAN_ALL('A'),
  /** A plain wake-up: scan the incoming queue. */
  WAKEUP('W');

  private final char letter;

  QmgrRequest(char letter) {
    this.letter = letter;
  }

  public char letter() {
    return letter;
  }

  /** The request a byte stands for; empty for bytes Postfix ignores as well. */
  public static Optional<QmgrRequest> of(int b) {
    for (QmgrRequest r : values()) {
      if (r.letter == b) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
