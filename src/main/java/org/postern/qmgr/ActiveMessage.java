package org.postern.qmgr;

import java.time.Instant;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueId;

/**
 * A message in the active queue.
 *
 * @param id its queue id
 * @param message the queue file as read when it entered, with its path in {@code active/}
 * @param activeSince when it entered the active queue
 * @param recipients how many pending recipients it counts against qmgr_message_recipient_limit
 * @param flush whether it entered during a flush (defer_transports lifted)
 */
record ActiveMessage(QueueId id, QueueFile message, Instant activeSince, int recipients,
    boolean flush) {}
