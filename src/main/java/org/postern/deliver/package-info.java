/**
 * The contract between the queue manager and the delivery agents, and the services they share:
 * Postfix's {@code deliver_request(3)}, {@code resolve_clnt(3)}, {@code bounce(3)} and {@code
 * post_mail(3)}, as in-process interfaces.
 *
 * <p>qmgr reads a queue file, asks the {@link AddressResolver} (trivial-rewrite) where each
 * recipient goes, groups recipients by transport and next hop into a {@link DeliveryRequest},
 * and hands it to the {@link DeliveryAgent} that master.cf names for that transport (smtp, lmtp,
 * local, virtual, pipe, discard, error). The agent returns one {@link RecipientResult} per
 * recipient; qmgr alone logs it, records it in the per-message ({@link RecipientLog})
 * bounce/defer/trace logs, marks delivered recipients done in the queue file, and asks the
 * {@link Notifier} (bounce) for notifications. Agents that create mail (local forwarding,
 * bounce notices) hand it to the {@link MailSubmitter}, which is cleanup.
 *
 * <p>Daemons meet only here and in the queue: none imports another.
 *
 * <p>Failure: an agent never throws for a recipient's problem; it answers with a deferred or
 * bounced result carrying the enhanced status and text. An exception out of an agent means the
 * agent itself failed: qmgr defers every recipient of the request with 4.3.0.
 */
package org.postern.deliver;
