/**
 * local - Postfix's local(8) delivery agent: aliases(5), .forward files, mailbox, Maildir, files
 * and commands, for recipients in the local address class.
 *
 * <p>For each recipient of a request: a message that already carries {@code Delivered-To:} with
 * this recipient is a forwarding loop ({@code 5.4.6 mail forwarding loop for ADDRESS}). The local
 * part is lower-cased and split at the first {@code recipient_delimiter} character into user and
 * extension. {@code alias_maps} are searched for the whole local part, then for the user; an alias
 * value is a comma-separated list of targets: addresses, {@code /file/name}, {@code |command},
 * {@code :include:/file/name}. Without an alias the user must be in the user database ({@link
 * LocalUsers}; otherwise {@code 5.1.1 unknown user: "NAME"}, Postfix's local(8) text; the "User
 * unknown in local recipient table" text is smtpd's). The first existing file of {@code
 * forward_path} holds more targets; without one, the mailbox: {@code mailbox_command} when set
 * (it takes precedence over home_mailbox, as in Postfix), else {@code home_mailbox} (ending in
 * {@code /}: Maildir, else an mbox file under $HOME), else {@code mail_spool_directory/USER} as
 * mbox under {@code mailbox_delivery_lock}.
 *
 * <p>Addresses found while expanding are not delivered in place: all of one recipient's go out in
 * a single new message through cleanup ({@code forwarded as QUEUEID}), keeping the REQUIRETLS mark,
 * the {@code TLS-Required: no} header, the sender and the DSN ORCPT, with {@code Delivered-To:}
 * prepended, so that loops end at the check above. Exceptions, as in sendmail and Postfix: an
 * alias that lists its own name delivers to that user, a .forward that lists its owner (or the owner's
 * name after a backslash) delivers to the owner's mailbox. Nested includes stop after 100 levels ({@code 5.4.6
 * alias database loop for NAME}); a duplicate filter (duplicate_filter_limit) delivers each
 * target once per recipient. Commands get {@code SENDER}, {@code RECIPIENT}, {@code
 * ORIGINAL_RECIPIENT}, {@code LOCAL}, {@code DOMAIN}, {@code EXTENSION}, {@code HOME}, {@code
 * USER}, {@code LOGNAME}, {@code SHELL}, {@code PATH} and export_environment; their exit status is
 * read as {@code <sysexits.h>} (75 deferred 4.3.0, 67 bounced 5.1.1, and so on).
 *
 * <p>Results as Postfix logs them: {@code delivered to mailbox}, {@code delivered to maildir},
 * {@code delivered to command: CMD}, {@code delivered to file: PATH}, {@code forwarded as ID}.
 * qmgr gets one result per recipient: deferred if any target deferred, else bounced if any
 * bounced, else sent with the targets' texts joined by commas.
 *
 * <p>Idempotence. A Maildir delivery is named after the message's arrival time, queue id, a hash
 * of the recipient and the host ({@link Maildir}); a retry after a crash that came after the file
 * reached {@code new/} but before qmgr marked the recipient done finds it in {@code new/} or
 * {@code cur/} and writes nothing. mbox files, files and commands have no such memory: after such
 * a crash they receive the message twice, as with Postfix. The same holds for a recipient whose
 * expansion is deferred after some of its targets were delivered: the whole expansion runs again.
 *
 * <p>Privileges. A JVM cannot change its uid ({@link Privileges}). Run as root, local runs
 * commands, appends to files named in aliases or .forward, and reads .forward and include files
 * in a child started with {@code setpriv --reuid UID --regid GID --init-groups}: commands and
 * files of a .forward with the user's rights, those of an alias with the rights of the alias
 * table's owner, or of {@code default_privs} when root owns it. Mailboxes and Maildirs are written
 * by the JVM: new directories and files are given to the user at once, and existing ones must
 * belong to the user and not be symbolic links. Run as another user, everything runs with that
 * user's rights.
 *
 * <p>mailbox_size_limit bounds every file the JVM writes: an mbox file as a whole (old mail
 * included), one Maildir message file, a {@code /file} target appended to when not running as
 * root. A message that would cross it bounces 5.2.2 ("... error writing message: File too
 * large") and the mbox is cut back to its old size. It may not be below message_size_limit: the
 * agent then refuses to start, as Postfix's does. Postfix sets it as the process's file size
 * resource limit, which also binds commands and the root-mode {@code /file} appends; here those
 * children run without it.
 *
 * <p>Not done: owner- aliases (envelope sender replacement for lists), luser_relay, fallback and
 * mailbox transports, mailbox_command_maps, biff, and the "D.S.N text" form of command output.
 *
 * <p>Failure: a recipient's problem is its result (deferred or bounced, with Postfix's enhanced
 * status); an alias table that cannot answer defers with {@code 4.3.0 alias database
 * unavailable}; mailbox errors are classified as Postfix's mbox_dsn() does (no space 4.3.0, lock
 * busy 4.2.0, quota 5.2.2, others 5.2.0).
 */
package org.postern.local;
