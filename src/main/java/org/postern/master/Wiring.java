package org.postern.master;

import java.net.Socket;
import java.util.Map;
import java.util.Set;
import org.postern.deliver.VerifyClient;
import java.util.concurrent.ConcurrentHashMap;
import org.postern.qmgr.QmgrRequest;
import org.postern.qmgr.QueueManager;
import org.postern.smtpd.Smtpd;

/**
 * The in-process connections between services of one master: which queue manager to wake when
 * cleanup has queued a message, and which {@code smtpd pass} service takes the clients
 * postscreen lets in. Postfix writes a byte to {@code public/qmgr} and passes a client's socket
 * over {@code private/smtpd}; in one JVM a method call does the same. smtpd and qmgr reach the
 * running verify service through {@link #verifyClient()}, as Postfix's verify_clnt reaches {@code
 * private/verify}; without one every request fails, as a missing service does in Postfix.
 */
final class Wiring {
  private volatile QueueManager qmgr;
  private volatile VerifyClient verify;
  private final Map<String, Smtpd> passServices = new ConcurrentHashMap<>();

  /** {@code smtpd} now serves master.cf {@code pass} entry {@code service}. */
  void passService(String service, Smtpd smtpd) {
    passServices.put(service, smtpd);
  }

  void forgetPassService(String service, Smtpd smtpd) {
    passServices.remove(service, smtpd);
  }

  /**
   * Hands {@code client} to the {@code pass} entry {@code service}; false when none runs (its
   * entry is missing or stopped).
   */
  boolean pass(String service, Socket client, byte[] pending) {
    Smtpd smtpd = passServices.get(service);
    if (smtpd == null) {
      return false;
    }
    smtpd.pass(client, pending);
    return true;
  }

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

  void verify(VerifyClient client) {
    this.verify = client;
  }

  void forgetVerify(VerifyClient client) {
    if (verify == client) {
      verify = null;
    }
  }

  /** The client of whichever verify service runs at the time of each request. */
  VerifyClient verifyClient() {
    return new VerifyClient() {
      @Override
      public Answer query(String address) throws VerifyException {
        return current().query(address);
      }

      @Override
      public void update(String address, AddressStatus status, String text)
          throws VerifyException {
        current().update(address, status, text);
      }

      @Override
      public boolean negativeCache() {
        return current().negativeCache();
      }

      private VerifyClient current() {
        VerifyClient v = verify;
        return v != null ? v : VerifyClient.UNAVAILABLE;
      }
    };
  }
}
