/**
 * pickup - Postern's local mail pickup, Postfix's pickup(8).
 *
 * <p>Local submissions ({@code sendmail}, and {@code postsuper -r} requeues) are committed as
 * queue files into {@code maildrop/}, which works while the mail system is down. {@link
 * org.postern.pickup.Pickup} waits for hints that new mail was dropped there, a connection to the
 * UNIX-domain socket {@code $queue_directory/public/pickup} ({@link
 * org.postern.pickup.PickupTrigger} is the client side), and also scans every 60 seconds and at
 * start. It reads each file, checks it as a queue file, logs {@code QUEUEID: uid=N from=<sender>}
 * (with {@code orig_id=MAILDROPID} for a requeued message), and hands sender, recipients with their
 * DSN parameters, REQUIRETLS and SMTPUTF8 marks, DSN RET/ENVID, body type, named attributes and
 * content to cleanup through {@link org.postern.pickup.CleanupSink}, with a {@code Received: by
 * HOST (MAIL_NAME, from userid N)} header in front of the content. Header processing (Message-ID,
 * Date, From, qualification of an unqualified sender, {@code Require-TLS-ESMTP: yes}) is cleanup's
 * work, not pickup's.
 *
 * <p>Standards: none; pickup does not talk to the outside world. The wake-up protocol is Postfix's
 * trigger: any connection wakes pickup, the byte {@code W} it carries is read but not needed.
 *
 * <p>Security: pickup reads files that local users wrote. A JVM cannot be setgid, so there is no
 * postdrop: maildrop is world-writable and sticky (mode 3733), as in Postfix before postdrop, and
 * sendmail writes its file there under a temporary name and renames it. The submitting user is
 * the file's owner; symbolic links and hard-linked files are refused; every file is validated as a
 * whole, through one descriptor, before anything is handed to cleanup; record sizes are bounded
 * by the queue file reader; and {@link org.postern.pickup.SubmissionFilter} drops what only the
 * mail system may write (content filter, redirect, client facts, unknown attributes) from a file
 * that root, the daemon's user or {@code mail_owner} did not write. Temporary files a day old are
 * removed.
 *
 * <p>Failure: a file that is not a valid queue file is moved to {@code corrupt/} with a warning
 * (Postfix deletes it). When cleanup queues the message, the maildrop file is removed; on a
 * temporary failure (including any I/O error talking to cleanup) it stays for a later scan; on a
 * permanent failure it is removed, as Postfix's pickup does, because cleanup has already returned
 * the message to its sender and pickup cannot bounce.
 */
package org.postern.pickup;
