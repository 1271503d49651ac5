/**
 * cleanup - canonicalize and enqueue a message, as Postfix's cleanup(8) does: the one place that
 * writes new queue files. smtpd, pickup (sendmail submissions and postsuper -r requeues) and the
 * bounce service hand it a message through {@link org.postern.cleanup.Cleanup#open}.
 *
 * <p>What it does to a message: qualifies domain-less envelope addresses with {@code $myorigin};
 * applies sender_canonical_maps, recipient_canonical_maps and canonical_maps to envelope
 * addresses, and virtual_alias_maps to recipients (recursion and expansion limits, original
 * recipient kept, duplicates dropped within duplicate_filter_limit); adds the automatic BCC
 * recipients of always_bcc, sender_bcc_maps and recipient_bcc_maps to mail from outside (NOTIFY=
 * NEVER, so the sender never hears of them; not with no_address_mappings); parses the header as a
 * stream (header_size_limit) and passes the body through with bounded memory; applies
 * header_checks and body_checks (REJECT, WARN, INFO, HOLD, DISCARD, FILTER, REDIRECT, PREPEND,
 * REPLACE, IGNORE, DUNNO, OK; logged as Postfix logs them); removes message_drop_headers
 * (Return-Path, Bcc, Resent-Bcc, Content-Length); counts Received: headers against
 * hopcount_limit; adds a missing Message-Id, Date and From for local submissions (and for all
 * mail with always_add_missing_headers); logs {@code ID: message-id=<...>}.
 *
 * <p>Standards: RFC 5322 (headers), RFC 3461 (DSN parameters carried per recipient), RFC 6531
 * (SMTPUTF8, detected for the classes in smtputf8_autodetect_classes when an envelope address or
 * a header holds non-ASCII text), RFC 8689 (REQUIRETLS: with requiretls_esmtp_header a REQUIRETLS
 * message gets {@code Require-TLS-ESMTP: yes} and a message carrying that header is marked;
 * {@code TLS-Required: no} is marked with tls_required_enable). The marks go into the queue file
 * and so bind every recipient of the message, automatic BCC recipients included.
 *
 * <p>Not done here (yet): header address rewriting (canonical maps apply to the envelope only),
 * masquerade_domains, recipient extraction from headers (sendmail -t), the BCC action of
 * header/body checks, MIME structure (nested headers are body), milters.
 *
 * <p>Failure: nothing a client sends makes the content stream throw; the outcome comes from
 * {@link org.postern.cleanup.CleanupTransaction#commit} as a sealed result: content refused (550
 * 5.7.1 or the REJECT text, 554 5.4.0 too many hops, 552 5.3.4 too big, 550 5.1.0 no
 * recipients), or a temporary failure (451 4.3.0 queue file write error, also for a table that
 * does not answer; 452 4.3.1 when the disk is full; 451 4.7.1 for a 4.x.x REJECT or an
 * unreasonable virtual alias expansion). A refused or aborted message leaves no file behind.
 */
package org.postern.cleanup;
