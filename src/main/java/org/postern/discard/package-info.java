/**
 * The discard delivery agent, Postfix's {@code discard(8)}: pretends to deliver every recipient
 * of a request and gives the next hop ({@code discard:silently} in a transport table) as the
 * reason, so that the log says why the mail went nowhere.
 *
 * <p>Each recipient is {@code sent} with relay {@code none}. The reason may start with an RFC
 * 3463 status code; without one, or with one that is not of class 2, the status is {@code
 * 2.0.0}, as Postfix's sent client enforces. Success notices (NOTIFY=SUCCESS) are the queue
 * manager's business, as for any other delivery.
 *
 * <p>Standards: RFC 3463 (enhanced status codes).
 *
 * <p>Failure: none; the agent reads nothing but the request.
 */
package org.postern.discard;
