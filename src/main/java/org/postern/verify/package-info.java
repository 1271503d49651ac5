/**
 * verify(8), Postfix's address verification server (ADDRESS_VERIFICATION_README): a cache of
 * what is known about addresses ({@code address_verify_map}, an lmdb: file that survives
 * restarts) and probe messages that go through the real queue (cleanup, qmgr, the delivery
 * agent) but stop where the next hop accepts or refuses the recipient. smtpd's {@code
 * reject_unverified_recipient} and {@code reject_unverified_sender} ask it through {@link
 * org.postern.deliver.VerifyClient}; the queue manager reports each probe's result the same way.
 *
 * <p>Failure: a cache that cannot be read or written makes the service answer with a temporary
 * failure; smtpd then defers the address, never accepts it unchecked.
 */
package org.postern.verify;
