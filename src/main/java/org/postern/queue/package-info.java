/**
 * queue - Postern's mail queue: queue ids, queue directories, queue files, and what cleanup
 * answers when it does not queue a message ({@link org.postern.queue.CleanupStatus}, Postfix's
 * cleanup_stat_map).
 *
 * <p>The queue is the truth of the whole system. A message exists once its queue file is
 * committed ({@link org.postern.queue.QueueFileWriter#commit}: fsync the file, rename it from
 * {@code tmp/} into incoming, maildrop or hold, fsync the directory); smtpd answers 250 only after
 * that. From then on the file moves between incoming, active, deferred and hold by renames alone,
 * and a recipient is marked done by overwriting one byte in place and forcing it to disk
 * ({@link org.postern.queue.QueueFileMarker}). So a crash at any instant loses no acknowledged
 * message and delivers none twice to the same recipient.
 *
 * <p>Layout and names follow Postfix: maildrop, incoming, active, deferred, hold, corrupt, saved,
 * bounce, defer, trace, public, private under {@code queue_directory}; {@code hash_queue_names}
 * ({@code deferred, defer}) split by the first {@code hash_queue_depth} (1) characters of the
 * queue id; short queue ids ({@code enable_long_queue_ids = no}) made from the arrival
 * microseconds and the file's inode number ({@link org.postern.queue.QueueId}). The queue file
 * record format is Postern's own and is documented in {@code docs/queue-format.md}: envelope
 * records, content, extracted-envelope records, end marker; it carries the RFC 8689 REQUIRETLS
 * and {@code TLS-Required: no} marks, the RFC 6531 SMTPUTF8 mark, RFC 3461 DSN parameters and
 * the RFC 6152 body type.
 *
 * <p>Failure: a queue file that breaks the format (incomplete, truncated, a record out of place)
 * raises {@link org.postern.queue.CorruptQueueFileException} with file, offset and reason;
 * readers in daemons use {@link org.postern.queue.QueueFileReader#readOrSaveCorrupt}, which moves
 * such a file to the corrupt queue with a warning and lets the caller carry on. I/O errors are
 * not corruption: they propagate so that the caller can defer and retry.
 */
package org.postern.queue;
