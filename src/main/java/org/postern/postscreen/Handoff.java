package org.postern.postscreen;

import java.net.Socket;

/**
 * Where postscreen sends a client that may talk to the real SMTP server: the smtpd service that
 * {@code smtpd_service_name} names (master.cf {@code smtpd pass ...}), in this process. Postfix
 * passes the socket over a UNIX-domain socket; here it is a method call.
 */
@FunctionalInterface
public interface Handoff {
  /**
   * Gives {@code client} to smtpd, with {@code pending} (bytes postscreen read but did not use)
   * as the start of its input; false when no such smtpd service runs.
   */
  boolean pass(Socket client, byte[] pending);
}
