/**
 * The Sendmail milter protocol client, shared by smtpd (smtpd_milters) and cleanup
 * (non_smtpd_milters, and the content stages of smtpd_milters): {@link Milters} is one chain of
 * {@link Milter} connections for one SMTP session or one local submission.
 *
 * <p>Protocol versions 2, 3, 4 and 6 ({@code milter_protocol}), option negotiation (events a
 * milter does not want, replies it will not send, macro lists it asks for), every event Postfix
 * sends (connect, helo, mail, rcpt, data, unknown, header, eoh, body, eom, abort, quit), and every
 * reply: continue, accept, reject, tempfail, discard, reply code, quarantine, progress, skip,
 * shutdown, and at end of message the modification requests as {@link Edit} values. The caller
 * applies the edits; this package only reads them.
 *
 * <p>Failure: every packet from a milter is hostile input. A length below one or above {@link
 * PacketChannel#MAX_PACKET}, a truncated packet, an unknown or misplaced reply, a reply text that
 * is not an SMTP 4xx/5xx reply, a bad header index: each ends that milter's part in the session
 * and yields its {@code default_action} reply, as Postfix's milter8 client does. Nothing a milter
 * sends can cost more than that reply.
 */
package org.postern.milter;
