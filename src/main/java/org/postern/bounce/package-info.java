/**
 * bounce - Postfix delivery status reports, as Postfix's bounce(8) writes them: non-delivery
 * notifications from the {@code bounce/} log, delayed-mail warnings from the {@code defer/} log
 * and success reports from the {@code trace/} log, each queued as new mail through cleanup.
 * qmgr calls {@link org.postern.bounce.BounceService} through {@link
 * org.postern.deliver.Notifier}; the per-message logs themselves are {@link
 * org.postern.deliver.RecipientLog}, written by qmgr.
 *
 * <p>Standards: RFC 3461 (NOTIFY picks the recipients reported, RET how much of the message
 * goes back, ENVID and ORCPT are echoed), RFC 3464 (message/delivery-status), RFC 6522
 * (multipart/report, text/rfc822-headers), RFC 6533 (message/global-delivery-status,
 * message/global, message/global-headers for SMTPUTF8 mail), RFC 3834 (Auto-Submitted), RFC
 * 8689 section 5 (a report about a REQUIRETLS message returns the header only and is itself sent
 * without REQUIRETLS, with requiretls_redact_dsn; {@code TLS-Required: no} is carried over).
 *
 * <p>Parameters: myhostname, mail_name, bounce_size_limit, notify_classes,
 * bounce_notice_recipient, 2bounce_notice_recipient, delay_notice_recipient,
 * double_bounce_sender, maximal_queue_lifetime, requiretls_redact_dsn. Logging is Postfix's:
 * {@code ID: sender non-delivery notification: NEWID}, {@code sender delay notification},
 * {@code sender delivery status notification}, {@code postmaster non-delivery notification},
 * {@code postmaster delay notification}, and the warning {@code ID: undeliverable postmaster
 * notification discarded}.
 *
 * <p>Not done: bounce_template_file (the wording is fixed), VERP, threaded bounces
 * (References/In-Reply-To), the "delivery report unavailable" placeholder for a lost log (a
 * missing or empty log sends nothing), and what-if/verbose reports (sendmail -bv, -v).
 *
 * <p>Failure: a report that cannot be queued is an IOException to qmgr, which keeps the log and
 * tries again on the next queue run; the original or its log being unreadable in part never
 * loses the report: the copy of the original is replaced by a placeholder line.
 */
package org.postern.bounce;
