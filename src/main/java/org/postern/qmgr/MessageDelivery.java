package org.postern.qmgr;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.log.ProgramLog;
import org.postern.queue.QueueFile;
import org.postern.queue.Recipient;

/**
 * One run of one active message: route its pending recipients, deliver each batch on its own
 * virtual thread within the destination's window and the transport's process limit, record each
 * result, then hand the message to {@link MessageCompletion}.
 *
 * <p>The {@code delays=a/b/c/d} of a delivered recipient are measured here: {@code a} from
 * arrival to entry into the active queue, {@code b} from there to the hand-off to the agent, and
 * the agent's whole elapsed time as {@code d} with {@code c} zero, since the in-process agent
 * contract does not report when its connection was set up.
 *
 * <p>Failure: an agent that throws defers its request's recipients with 4.3.0 {@code unknown
 * mail transport error}, as does a recipient the agent gave no result for; a transport that
 * master.cf lacks defers with 4.3.0 {@code mail transport unavailable}. An IOException while
 * recording propagates after every batch has ended.
 */
final class MessageDelivery {
  private final QmgrContext ctx;
  private final ActiveMessage active;
  private final ResultRecorder recorder;
  private final Map<Long, RecipientResult> deferred = new ConcurrentHashMap<>();

  MessageDelivery(QmgrContext ctx, ActiveMessage active) {
    this.ctx = ctx;
    this.active = active;
    this.recorder = new ResultRecorder(ctx.settings(), ctx.queues(), ctx.verify());
  }

  void run() throws IOException, InterruptedException {
    QueueFile message = active.message();
    ctx.log().info(active.id() + ": from=<" + message.envelope().sender() + ">, size="
        + message.messageSize() + ", nrcpt=" + message.recipients().size() + " (queue active)");
    List<Routing.Routed> routed = new ArrayList<>();
    for (Routing r : ctx.router().route(message, message.pendingRecipients(), active.flush())) {
      switch (r) {
        case Routing.Routed d -> routed.add(d);
        case Routing.Settled s -> settle(s.result(), ctx.log());
      }
    }
    runAll(Batch.group(routed, ctx.settings().limits()));
    ctx.completion().finish(active.id(), message, deferred);
  }

  private void runAll(List<Batch> batches) throws IOException, InterruptedException {
    List<Thread> threads = new ArrayList<>();
    Queue<IOException> failures = new ConcurrentLinkedQueue<>();
    for (Batch b : batches) {
      threads.add(Thread.ofVirtual().name("qmgr-" + active.id() + "-" + b.transport()).start(() -> {
        try {
          deliver(b);
        } catch (IOException e) {
          failures.add(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      throw e;
    }
    if (!failures.isEmpty()) {
      throw failures.peek();
    }
  }

  private void deliver(Batch batch) throws IOException, InterruptedException {
    Optional<DeliveryAgent> agent = ctx.transports().agent(batch.transport());
    if (agent.isEmpty()) {
      deferAll(batch, "4.3.0", "mail transport unavailable");
      return;
    }
    Destination destination = ctx.destinations().destination(batch.transport(), batch.queueName());
    Optional<Destination.Suspension> suspended = destination.acquire();
    if (suspended.isPresent()) {
      deferAll(batch, suspended.get().dsn(), suspended.get().reason());
      return;
    }
    List<RecipientResult> results;
    Instant handoff;
    boolean judged = false;
    ProgramLog agentLog = ctx.agentLogs().apply(batch.transport());
    try {
      Semaphore processes = ctx.destinations().processes(batch.transport());
      processes.acquire();
      try {
        handoff = ctx.clock().instant();
        results = call(agent.get(), batch, agentLog);
      } finally {
        processes.release();
      }
      results = complete(batch, results);
      feedback(destination, results);
      judged = true;
    } finally {
      if (!judged) {
        destination.abandon();
      }
    }
    Instant done = ctx.clock().instant();
    Map<Long, Routing.Routed> byOffset = byOffset(batch);
    for (RecipientResult r : results) {
      record(byOffset.get(r.recipient().offset()), r,
          new ResultRecorder.Timing(active.activeSince(), Optional.of(handoff), done), agentLog);
    }
  }

  private List<RecipientResult> call(DeliveryAgent agent, Batch batch, ProgramLog agentLog)
      throws InterruptedException {
    DeliveryRequest request = new DeliveryRequest(active.id(), active.message(), batch.transport(),
        batch.nexthop(), batch.recipients().stream().map(Routing.Routed::deliverAs).toList(),
        active.activeSince());
    try {
      return agent.deliver(request, agentLog);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      ctx.log().warn(active.id() + ": transport " + batch.transport() + " failed: " + e);
      return batch.recipients().stream()
          .map(r -> unknownError(r.deliverAs()))
          .toList();
    }
  }

  /** One result per recipient of the batch: extra ones dropped, missing ones deferred. */
  private List<RecipientResult> complete(Batch batch, List<RecipientResult> results) {
    Map<Long, RecipientResult> byOffset = new HashMap<>();
    Map<Long, Routing.Routed> expected = byOffset(batch);
    for (RecipientResult r : results == null ? List.<RecipientResult>of() : results) {
      if (r != null && expected.containsKey(r.recipient().offset())) {
        byOffset.putIfAbsent(r.recipient().offset(), r);
      } else {
        ctx.log().warn(active.id() + ": transport " + batch.transport()
            + " answered for a recipient not in the request: " + r);
      }
    }
    List<RecipientResult> all = new ArrayList<>();
    for (Routing.Routed r : batch.recipients()) {
      all.add(byOffset.getOrDefault(r.original().offset(), unknownError(r.deliverAs())));
    }
    return all;
  }

  private static RecipientResult unknownError(Recipient r) {
    return RecipientResult.deferred(r, "4.3.0", "none", "unknown mail transport error");
  }

  /** A request whose every recipient was deferred failed at the destination. */
  private static void feedback(Destination destination, List<RecipientResult> results) {
    boolean allDeferred = results.stream()
        .allMatch(r -> r.status() == RecipientResult.Status.DEFERRED);
    if (allDeferred) {
      RecipientResult first = results.get(0);
      destination.failed(first.dsn(), first.text());
    } else {
      destination.succeeded();
    }
  }

  private void deferAll(Batch batch, String dsn, String reason) throws IOException {
    for (Routing.Routed r : batch.recipients()) {
      record(r, RecipientResult.deferred(r.deliverAs(), dsn, "none", reason),
          new ResultRecorder.Timing(active.activeSince(), Optional.empty(), ctx.clock().instant()),
          ctx.log());
    }
  }

  private void settle(RecipientResult result, ProgramLog log) throws IOException {
    record(null, result, new ResultRecorder.Timing(active.activeSince(), Optional.empty(),
        ctx.clock().instant()), log);
  }

  private void record(Routing.Routed routed, RecipientResult result, ResultRecorder.Timing timing,
      ProgramLog log) throws IOException {
    Recipient original = routed == null ? result.recipient() : routed.original();
    RecipientResult recorded = recorder.record(active.id(), active.message(), original,
        routed == null ? "none" : routed.transport(), result, timing, log);
    if (recorded.status() == RecipientResult.Status.DEFERRED) {
      deferred.put(original.offset(), recorded);
    }
  }

  private static Map<Long, Routing.Routed> byOffset(Batch batch) {
    Map<Long, Routing.Routed> m = new HashMap<>();
    batch.recipients().forEach(r -> m.put(r.original().offset(), r));
    return m;
  }
}
