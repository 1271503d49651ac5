/**
 * The SMTP and LMTP client, Postern's smtp(8) and lmtp(8): delivery agents that take a delivery
 * request from the queue manager, find the servers for the next hop (MX lookup, or the
 * {@code [host]}, {@code inet:} or {@code unix:} destination as given), connect, negotiate TLS at
 * the configured security level, and deliver the message, answering for each recipient whether
 * it was sent, deferred or bounced (the queue manager marks the queue file).
 *
 * <p>Standards: RFC 5321 (SMTP), RFC 2033 (LMTP), RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC
 * 4616 (PLAIN), RFC 2195 (CRAM-MD5), RFC 3461 (DSN),
 * RFC 6531 (SMTPUTF8), RFC 7672 (DANE), RFC 8461 (MTA-STS), RFC 8689 (REQUIRETLS).
 *
 * <p>{@link org.postern.smtp.SmtpDelivery} is the delivery agent (one class, {@link
 * org.postern.smtp.Protocol} picks SMTP or LMTP and their parameters): ServerFinder turns the next
 * hop into server addresses (MX lookup through {@link org.postern.dns.Resolver}), SessionOpener
 * connects and negotiates EHLO/LHLO, STARTTLS and the certificate check of the TLS level,
 * MailTransaction runs MAIL/RCPT/DATA or BDAT, streaming the content from the queue file
 * ({@link org.postern.smtp.MessageContent}), ConnectionCache keeps sessions for reuse.
 * AddressOrder orders a destination's addresses as Postfix does ({@code smtp_address_preference},
 * {@code smtp_randomize_addresses}, {@code smtp_balance_inet_protocols}, {@code
 * smtp_mx_address_limit}); BindAddresses holds {@code smtp_bind_address} and {@code
 * smtp_bind_address6}. {@link
 * org.postern.smtp.TlsProbe} is the {@code tls-probe} command's engine. The REQUIRETLS decision
 * logic is pure and without I/O: {@link org.postern.smtp.RequireTlsPolicy} evaluates {@code
 * smtp_requiretls_policy} or {@code lmtp_requiretls_policy} for a next hop and yields a {@link
 * org.postern.smtp.RequireTlsVerdict}; {@link org.postern.smtp.RequireTlsEnforcement} says which
 * servers may be tried and whether a session may carry the message, with REQUIRETLS on MAIL FROM
 * or not; {@link org.postern.smtp.RequireTlsFeature} is the REQUIRETLS part of the {@code tls=}
 * logging. DANE (RFC 7672): {@link org.postern.smtp.DanePolicy} looks up TLSA records per server
 * and settles the level ({@code dane}, {@code dane:may}, {@code dane:encrypt}, {@code
 * dane:halfdane}, or a {@code dane-only} deferral) before connecting; the certificate is matched
 * after the handshake, and only a session that stayed {@code dane} counts as a certificate match
 * for REQUIRETLS. MTA-STS comes later. SMTP AUTH (RFC 4954): {@link
 * org.postern.smtp.SaslPasswords} finds the credentials ({@code smtp_sasl_password_maps}),
 * {@link org.postern.smtp.SaslLogin} runs the exchange after the last EHLO with a {@link
 * org.postern.smtp.SaslMechanism} the session's security options allow.
 *
 * <p>Security: credentials go only to a server the table names, after STARTTLS when one is made,
 * and never with a mechanism the session's security options forbid (by default no password on a
 * plaintext connection). A message that asked for REQUIRETLS never leaves in plaintext, nor without a
 * certificate match, where its policy action forbids it; a server that lost STARTTLS or the
 * REQUIRETLS keyword to a man in the middle is refused before MAIL FROM.
 *
 * <p>Failure: a local address that cannot be bound is a warning; with {@code
 * smtp_bind_address_enforce} the server is skipped with {@code 4.4.0} and the delivery defers. A
 * policy that cannot be evaluated (unknown action, a table answer that is not one
 * action word, a table that cannot be opened or does not answer) makes the delivery defer, never
 * proceed without enforcement. A TLSA lookup that fails defers the server ({@code 4.7.5}), never
 * downgrades it; a certificate that matches no usable TLSA record is {@code !dane}, and the next MX
 * host is tried. A server that fails a REQUIRETLS requirement is skipped with
 * {@code 5.7.30} or {@code 5.7.10}; that status is a soft error while other MX hosts remain.
 */
package org.postern.smtp;
