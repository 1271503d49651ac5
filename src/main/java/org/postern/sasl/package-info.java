/**
 * sasl - a client for Dovecot's authentication protocol, the server side of SMTP AUTH.
 *
 * <p>Postfix's smtpd does not check passwords itself: with {@code smtpd_sasl_type = dovecot} it
 * asks Dovecot's auth service over {@code smtpd_sasl_path} (a UNIX socket, relative paths under
 * {@code queue_directory}, or {@code inet:host:port}). This package is that client ({@link
 * org.postern.sasl.DovecotAuthClient}): the handshake ({@code VERSION}, {@code CPID}, then the
 * server's {@code VERSION}, {@code MECH}, {@code SPID}, {@code CUID}, {@code COOKIE} up to {@code
 * DONE}), and per-request ids for {@code AUTH}/{@code CONT} answered by {@code OK}, {@code CONT} or
 * {@code FAIL}. {@link org.postern.sasl.SecurityOptions} is Postfix's mechanism filter ({@code
 * smtpd_sasl_security_options}: {@code noplaintext}, {@code noanonymous}, ...). It knows nothing of
 * SMTP; the smtpd package speaks RFC 4954 to the client. Kept apart from smtpd as Postfix keeps its
 * xsasl plug-ins apart from smtpd.
 *
 * <p>Standards: Dovecot's authentication protocol version 1 (client side), RFC 4422 (SASL
 * mechanism names), RFC 4648 (base64 payloads, passed through undecoded).
 *
 * <p>Security: every byte from the auth server is hostile. Lines are bounded ({@value
 * org.postern.util.LineChannel#MAX_LINE} bytes), each exchange has one deadline ({@code 10s} as
 * in Postfix) however slowly the server drips bytes, unknown lines are skipped but counted, control
 * characters in user names and reasons become {@code ?}, and a challenge that is not base64 ends
 * the exchange. A dead auth server costs an SMTP session at most the deadline.
 *
 * <p>Failure: a server that cannot be reached, closes, stalls past the deadline or breaks the
 * protocol is an {@link java.io.IOException} (the caller's {@code 454 4.7.0}); a refused password
 * is an {@link org.postern.sasl.AuthStep.Failure}, a {@code FAIL} with {@code temp} an {@link
 * org.postern.sasl.AuthStep.TemporaryFailure}.
 */
package org.postern.sasl;
