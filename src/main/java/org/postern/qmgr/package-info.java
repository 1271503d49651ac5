/**
 * qmgr(8), the queue manager: Postfix's scheduler of deliveries, as an in-process component.
 *
 * <p>{@link org.postern.qmgr.QueueManager} watches {@code incoming/} (woken through {@code
 * public/qmgr} by pickup, cleanup and postqueue -f, see {@link org.postern.qmgr.QmgrTrigger}) and
 * {@code deferred/} (every {@code queue_run_delay}). A message is renamed into {@code active/}
 * before anything else happens to it; the active queue holds at most {@code
 * qmgr_message_active_limit} messages and {@code qmgr_message_recipient_limit} recipients.
 *
 * <p>For each pending recipient (not marked done in the queue file) qmgr asks the resolver
 * (trivial-rewrite) for transport and next hop, honours the file's {@code redirect_to} and
 * {@code content_filter} attributes and {@code defer_transports}, groups recipients by transport
 * and destination into {@link org.postern.deliver.DeliveryRequest}s of at most {@code
 * transport_destination_recipient_limit} recipients, and runs each on a virtual thread within the
 * transport's {@code maxproc} and the destination's concurrency window ({@code
 * initial_destination_concurrency} growing with success up to {@code
 * transport_destination_concurrency_limit}, shrinking with failure; a destination that keeps
 * failing is suspended for {@code minimal_backoff_time}), as SCHEDULER_README describes.
 *
 * <p>Each recipient result is logged as Postfix's delivery status line ({@code QUEUEID:
 * to=<...>, relay=..., delay=..., delays=a/b/c/d, dsn=..., status=...}), appended to the
 * message's bounce, defer or trace log, and, for delivered and bounced recipients, marked done
 * in place with fsync, only after the agent has answered. {@code soft_bounce} turns bounces into
 * deferrals. When no recipient is pending the bounce service is asked for the notifications the
 * logs call for and the file is removed; otherwise it goes to {@code deferred/} with its next
 * attempt time in its modification time, the wait being its age bounded by {@code
 * minimal_backoff_time} and {@code maximal_backoff_time}. A message older than {@code
 * maximal_queue_lifetime} ({@code bounce_queue_lifetime} for the null sender) is returned to
 * its sender; one older than {@code delay_warning_time} gets one delayed-mail warning, remembered
 * in {@code $queue_directory/warn/QUEUEID}.
 *
 * <p>Standards: RFC 3461 (NOTIFY=SUCCESS recipients go to the trace log), RFC 3463 status codes.
 * Time comes from an injected {@link java.time.Clock} and timers from a {@link
 * org.postern.qmgr.Scheduler}, so backoff and expiry are tested without waiting.
 *
 * <p>Failure: the queue file is the truth; memory only schedules. A crash at any point leaves
 * the message in {@code active/}, which the next start moves back to {@code incoming/}; a
 * recipient marked done is never delivered again, one not yet marked is delivered again. A
 * resolver failure, a missing transport, an agent that throws, a suspended destination: each
 * defers the recipients concerned with a 4.X.X status and the reason Postfix logs. A corrupt
 * queue file goes to {@code corrupt/}.
 */
package org.postern.qmgr;
