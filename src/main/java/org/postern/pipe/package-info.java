/**
 * The pipe delivery agent, Postfix's {@code pipe(8)}: hands a message to an external command
 * named in master.cf, for example {@code flags=FR user=filter argv=/usr/bin/filter -f ${sender}
 * -- ${recipient}}.
 *
 * <p>Attributes: {@code flags=} (B blank line, D Delivered-To with loop check, F From_ line, O
 * X-Original-To, R Return-Path, X final delivery, h fold domains, q quote local parts, u fold
 * local parts, {@code .} dot-stuffing, {@code >} From quoting), {@code user=name[:group]}
 * (required; root, group 0 and the mail_owner account are refused), {@code directory=}, {@code
 * eol=}, {@code null_sender=}, {@code size=}, and {@code argv=} last. {@code chroot=} is not
 * supported. Macros: sender, recipient, original_recipient, user, extension, mailbox, domain,
 * nexthop, size, queue_id, client_address, client_helo, client_hostname, client_protocol (the
 * client port and SASL macros expand empty: the queue file does not record them).
 *
 * <p>One command run per delivery request; an argument with a recipient macro becomes one
 * argument per recipient. The command runs with the message on standard input, as the {@code
 * user=} account under {@code setpriv} when Postern runs as root, with a clean environment, in
 * {@code directory=} or the queue directory, for at most {@code transport_time_limit} (default
 * {@code $command_time_limit}, 1000s).
 *
 * <p>Standards: RFC 3463 (enhanced status codes); {@code <sysexits.h>} exit statuses.
 *
 * <p>Failure: as Postfix. Exit 0 is {@code sent (delivered via SERVICE service)} with relay
 * SERVICE. Output that starts with an enhanced status code decides by its class. Otherwise a
 * sysexits status maps through Postfix's table (75 EX_TEMPFAIL defers 4.3.0 {@code temporary
 * failure}, 67 EX_NOUSER bounces 5.1.1 {@code user unknown}, ...), any other status bounces
 * 5.3.0 {@code Command died with status N: "argv0"}; the command's output (4096 bytes, on one
 * line) follows as {@code . Command output: ...}. A command that overruns its time limit is
 * killed with its offspring and its recipients bounce 5.3.0 {@code Command time limit
 * exceeded}; one killed by a signal is deferred 4.3.0. A command that cannot be executed
 * defers 4.3.0, as Postfix's child exits EX_TEMPFAIL. Bad master.cf arguments stop the service
 * at start-up; a queue file that cannot be read is thrown, so the queue manager defers the
 * request.
 */
package org.postern.pipe;
