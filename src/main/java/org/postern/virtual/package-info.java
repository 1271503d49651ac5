/**
 * The virtual delivery agent, Postfix's {@code virtual(8)}: delivers to mailboxes of hosted
 * domains that have no UNIX accounts, one mailbox per address, in UNIX mbox or maildir format.
 *
 * <p>Per recipient (lower-cased), {@code virtual_mailbox_maps} gives the mailbox path relative to
 * {@code virtual_mailbox_base}; a result ending in {@code /} is a maildir, anything else a mailbox
 * file. {@code virtual_uid_maps} and {@code virtual_gid_maps} give the numeric owner (the uid at
 * least {@code virtual_minimum_uid}, the gid above 0). Fixed-string tables are queried with the
 * address, the address without its {@code recipient_delimiter} extension, then {@code @domain};
 * pattern tables with the address only. A mailbox file is locked as {@code
 * virtual_mailbox_lock} says ({@code fcntl}: a kernel lock, {@code dotlock}: {@code file.lock},
 * stale after {@code stale_lock_time}, tried {@code deliver_lock_attempts} times, {@code
 * deliver_lock_delay} apart); {@code virtual_mailbox_limit} bounds the size of a mailbox file or
 * of one maildir message (0: no limit).
 *
 * <p>A maildir message is written to {@code tmp/}, forced to disk, linked into {@code new/}, and
 * the directory forced to disk. Its name is derived from the message (arrival time, queue id) and
 * the recipient, not from the clock or the process, so a retry after a crash between delivery and
 * the queue file update finds the copy already in {@code new/} or {@code cur/} (where a mail
 * reader moves it, adding {@code :2,flags}) and reports success without a second copy.
 *
 * <p>When Postern runs as root, files and directories it creates belong to the recipient's uid
 * and gid; otherwise they belong to the running user. A mailbox file owned by someone else is
 * refused ({@code strict_mailbox_ownership}). Loops are detected with {@code Delivered-To:}.
 *
 * <p>Failure: each recipient gets its own result, with Postfix's texts: an unknown recipient is
 * bounced 5.1.1 {@code unknown user: "address"}; a table that does not answer, a missing or bad
 * uid or gid, or a relative {@code virtual_mailbox_base} is deferred 4.3.5 {@code mail system
 * configuration error}; a mailbox over its limit bounces 5.2.2, a full disk defers 4.3.0, other
 * file errors defer 4.2.0. A queue file that cannot be read is thrown, so the queue manager
 * defers the whole request.
 */
package org.postern.virtual;
