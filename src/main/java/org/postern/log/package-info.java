/**
 * The mail log: Postfix-shaped log lines, the delivery status line, and its {@code tls=} field.
 *
 * <p>{@link org.postern.log.MailLog} writes records shaped exactly as Postfix writes them, so that
 * log tooling written for Postfix (pflogsumm, fail2ban filters, exporters) reads Postern's log
 * unchanged: {@code Mmm dd HH:MM:SS host syslog_name/program[pid]: text}, where the text of
 * anything but an info record starts with {@code warning: }, {@code error: }, {@code fatal: } or
 * {@code panic: }. Month names are English whatever the locale. The sink is chosen from {@code
 * maillog_file}, {@code syslog_name}, {@code syslog_facility} and the {@code start-fg} flag: a file
 * appended one whole line per write (postlogd), standard output, or the local syslog daemon over
 * {@code /dev/log} (RFC 3164 datagrams, priority from {@code syslog_facility}). Command-line
 * programs also print {@code program: warning: text} on standard error (msg_vstream).
 *
 * <p>{@link org.postern.log.DeliveryStatusLine} builds the line every delivery agent logs per
 * recipient ({@code to=, orig_to=, relay=, conn_use=, delay=, delays=, tls=, dsn=, status=}), with
 * delay figures rounded as Postfix rounds them ({@code delay_logging_resolution_limit}). {@link
 * org.postern.log.TlsFeatureStatus} is the {@code tls=} field of Postfix 3.11 ({@code
 * smtp_log_tls_feature_status}): the TLS security level and, for a message sent with REQUIRETLS
 * (RFC 8689), the REQUIRETLS enforcement outcome.
 *
 * <p>Records are single lines: control characters become {@code ?} and the text is cut at 2000
 * characters, as in Postfix.
 *
 * <p>Failure: a {@code maillog_file} that cannot be opened fails {@code MailLog} construction with
 * an IOException naming the file; an unknown {@code syslog_facility} fails it with an
 * IllegalArgumentException naming the parameter. Once running, logging never throws: a record that
 * cannot be written (no syslog daemon, a full disk) goes to standard error, preceded once by a
 * warning that says why. The syslog socket is retried at most once a minute.
 */
package org.postern.log;
