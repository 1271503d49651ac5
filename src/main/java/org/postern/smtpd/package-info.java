/**
 * smtpd - the Postfix-style SMTP server.
 *
 * <p>Accepts SMTP connections ({@link org.postern.smtpd.Smtpd}), performs zero or more mail
 * transactions per connection, and hands each message to cleanup through the {@link
 * org.postern.smtpd.MessageSink} interface; the client hears {@code 250 2.0.0 Ok: queued as ID}
 * only after cleanup has committed the message. Parameter names, defaults, reply codes and texts
 * are Postfix's ({@link org.postern.smtpd.SmtpdSettings}).
 *
 * <p>Standards: RFC 5321 (SMTP), RFC 1870 (SIZE), RFC 2920 (PIPELINING), RFC 3207 (STARTTLS),
 * RFC 3461 (DSN), RFC 3030 (CHUNKING/BDAT), RFC 6152 (8BITMIME), RFC 6531 (SMTPUTF8), RFC 2034
 * (ENHANCEDSTATUSCODES), RFC 3848 (ESMTPS/ESMTPSA/UTF8SMTPS in Received:), RFC 8689 (REQUIRETLS,
 * announced and accepted only inside TLS and with {@code requiretls_enable = yes}).
 *
 * <p>Security: every read is bounded ({@code line_length_limit} per command line, {@code
 * smtpd_timeout} per read, {@code smtpd_hard_error_limit} per session); input pipelined behind
 * STARTTLS is discarded; bare LF follows {@code smtpd_forbid_bare_newline} (default {@code
 * normalize}: DATA ends only at {@code CRLF.CRLF}); unauthenticated clients outside {@code
 * mynetworks} relay nothing, and routing tricks in local parts ({@code %}, {@code !}, quoted
 * {@code @}, source routes) are judged by the destination they really name.
 *
 * <p>Access control is smtpd_access(5) and access(5): the {@code smtpd_client_restrictions},
 * {@code smtpd_helo_restrictions}, {@code smtpd_sender_restrictions}, {@code
 * smtpd_relay_restrictions}, {@code smtpd_recipient_restrictions}, {@code
 * smtpd_data_restrictions} and {@code smtpd_end_of_data_restrictions} lists ({@link
 * org.postern.smtpd.AccessPolicy}), evaluated at Postfix's stages and logged in Postfix's words
 * ({@code NOQUEUE: reject: RCPT from ...}); a configuration whose lists can never refuse relaying
 * does not start. Destinations are judged by Postfix's address classes (ADDRESS_CLASS_README),
 * which trivial-rewrite's resolver decides ({@link org.postern.smtpd.Destinations}): local, virtual
 * alias, virtual mailbox and relay domains are authorized, and their unknown users are refused at
 * RCPT ({@link org.postern.smtpd.UnlistedAddresses}). Error replies carry {@code
 * smtpd_reject_footer} ({@link org.postern.smtpd.ReplyFooter}). Per-client connection count and
 * rate limits are anvil(8)'s, kept in-process.
 *
 * <p>Before-queue content filtering is SMTPD_PROXY_README's {@code smtpd_proxy_filter}: the
 * transaction is relayed to the filter (the REQUIRETLS verb becomes a {@code Require-TLS-ESMTP:
 * yes} header), and the filter's replies are the client's.
 *
 * <p>Logging: every line goes through the one log hook given to {@link org.postern.smtpd.Smtpd},
 * in Postfix's shapes ({@code connect from}, {@code QUEUEID: client=}, {@code disconnect from ...
 * commands=N}, {@code lost connection after}, {@code timeout after}, {@code warning: ...}).
 *
 * <p>Failure: a malformed command gets its 5xx and the session goes on; a timeout, the hard error
 * limit or a stop of the server ends it with 421; a client that disconnects during DATA or BDAT
 * leaves nothing in the queue (the cleanup stream is aborted).
 */
package org.postern.smtpd;
