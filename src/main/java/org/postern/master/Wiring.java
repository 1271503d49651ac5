package org.postern.master;

import java.util.Set;
import org.postern.qmgr.QmgrRequest;
import org.postern.qmgr.QueueManager;

/**
 * The in-process connections between services of one master: which queue manager to wake when
 * cleanup has queued a message. Postfix writes a byte to {@code public/qmgr}; in one JVM a
 * method call does the same without a socket per message.
 */
final class Wiring {
  private volatile QueueManager qmgr;

  void qmgr(QueueManager manager) {
    this.qmgr = manager;
  }

  void forgetQmgr(QueueManager manager) {
    if (qmgr == manager) {
      qmgr = null;
    }
  }

  /** Tells the queue manager that the incoming queue has new mail; nothing if none runs yet. */
  void wakeQmgr() {
    QueueManager q = qmgr;
    if (q != null) {
      q.request(Set.of(QmgrRequest.WAKEUP));
    }
  }
}
