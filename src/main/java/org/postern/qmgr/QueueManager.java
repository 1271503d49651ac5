package org.postern.qmgr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.postern.deliver.AddressResolver;
import org.postern.deliver.VerifyClient;
import org.postern.deliver.Notifier;
import org.postern.log.ProgramLog;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;

/**
 * qmgr(8): the queue manager. It moves mail from {@code incoming/} and, when due, {@code
 * deferred/} into the bounded active queue, routes each message's pending recipients, runs the
 * deliveries under per-transport and per-destination concurrency limits, and retries, expires or
 * removes the message (see {@link MessageDelivery} and {@link MessageCompletion}).
 *
 * <p>Work arrives three ways: a one-byte request on {@code $queue_directory/public/qmgr} ({@link
 * QmgrTrigger}; pickup and cleanup after queuing, postqueue -f to flush), the {@code
 * queue_run_delay} timer for the deferred queue, and room made in a full active queue. At
 * start, whatever is in {@code active/} goes back to {@code incoming/} (a qmgr stopped while it
 * was delivering), and done recipients stay done.
 *
 * <p>Lifecycle as in Jetty: {@link #start} binds the socket and starts the loop; {@link #stop}
 * stops taking work, lets deliveries in flight finish within a grace period, then interrupts
 * them. An interrupted message stays in {@code active/} for the next start.
 *
 * <p>Failure: {@link #start} fails when the socket cannot be bound. A scan or a message run that
 * fails is logged and carried on from: the message goes to {@code deferred/} for {@code
 * minimal_backoff_time}.
 */
public final class QueueManager {
  private final QmgrContext ctx;
  private final ActiveQueue activeQueue;
  private final Scheduler scheduler;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition requested = lock.newCondition();
  private final Set<QmgrRequest> pending = EnumSet.noneOf(QmgrRequest.class);
  private final Set<Thread> inFlight = ConcurrentHashMap.newKeySet();
  private boolean scanAllNext;
  private boolean flushNext;
  private volatile boolean running;
  private TriggerListener listener;
  private Thread acceptor;
  private Thread loop;
  private volatile Scheduler.Scheduled timer;

  /**
   * @param log qmgr's own lines ({@code queue active}, {@code removed}, {@code expired}, and the
   *     status lines of recipients qmgr defers itself)
   * @param agentLogs the log for the status lines of a transport's deliveries, by transport name
   *     (Postfix logs those under the delivery agent's name, {@code smtp}, {@code local}...)
   */
  public QueueManager(QmgrSettings settings, Queues queues, AddressResolver resolver,
      Transports transports, Notifier notifier, ProgramLog log,
      Function<String, ProgramLog> agentLogs, Clock clock, Scheduler scheduler) {
    this(settings, queues, new Probes(resolver, VerifyClient.UNAVAILABLE), resolver, transports,
        notifier, log, agentLogs, clock, scheduler);
  }

  /**
   * How address probes are routed and reported: Postfix's {@code resolve_clnt_verify} (trivial-rewrite
   * with the {@code address_verify_*} routing parameters) and the verify service.
   */
  public record Probes(AddressResolver resolver, VerifyClient verify) {}

  /** A queue manager that also carries address verification probes ({@code probes}). */
  public QueueManager(QmgrSettings settings, Queues queues, Probes probes,
      AddressResolver resolver, Transports transports, Notifier notifier, ProgramLog log,
      Function<String, ProgramLog> agentLogs, Clock clock, Scheduler scheduler) {
    this.ctx = new QmgrContext(settings, queues,
        new RecipientRouter(resolver, probes.resolver(), settings),
        transports, new Destinations(settings.limits(), transports,
            settings.minimalBackoffTime(), clock),
        new MessageCompletion(settings, queues, notifier, log, clock), log, agentLogs, clock,
        probes.verify());
    this.activeQueue = new ActiveQueue(queues, settings, clock, log);
    this.scheduler = scheduler;
  }

  /** The wake-up socket, {@code $queue_directory/public/qmgr}. */
  public Path socket() {
    return QmgrTrigger.socket(ctx.queues());
  }

  /** Recovers the active queue, binds the socket, and starts with a scan of both queues. */
  public void start() throws IOException {
    lock.lock();
    try {
      if (running) {
        throw new IllegalStateException("qmgr is already running");
      }
      ctx.queues().createDirectories();
      activeQueue.recover();
      listener = TriggerListener.open(socket(), this::request, ctx.log());
      running = true;
      acceptor = Thread.ofVirtual().name("qmgr-trigger").start(listener::acceptLoop);
      loop = Thread.ofVirtual().name("qmgr").start(this::loop);
      scheduleDeferredScan();
      pending.addAll(EnumSet.of(QmgrRequest.SCAN_INCOMING, QmgrRequest.SCAN_DEFERRED));
      requested.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking work and waits up to {@code grace} for deliveries in flight. */
  public void stop(Duration grace) throws InterruptedException {
    lock.lock();
    try {
      if (!running) {
        return;
      }
      running = false;
      requested.signalAll();
    } finally {
      lock.unlock();
    }
    timer.cancel();
    listener.close();
    acceptor.join();
    loop.join();
    long deadline = System.nanoTime() + grace.toNanos(); // real time, whatever the clock says
    for (Thread t : List.copyOf(inFlight)) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || !t.join(left)) {
        t.interrupt();
        t.join();
      }
    }
  }

  public boolean isRunning() {
    return running;
  }

  /** Asks for work, as a client writing {@code requests} to the socket does. */
  public void request(Set<QmgrRequest> requests) {
    lock.lock();
    try {
      pending.addAll(requests);
      requested.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (true) {
      Set<QmgrRequest> work;
      lock.lock();
      try {
        while (running && pending.isEmpty()) {
          requested.awaitUninterruptibly();
        }
        if (!running) {
          return;
        }
        work = EnumSet.copyOf(pending);
        pending.clear();
      } finally {
        lock.unlock();
      }
      feed(work);
    }
  }

  /** Starts a run for each message a scan admits; returns their threads. */
  List<Thread> feed(Set<QmgrRequest> requests) {
    boolean flush = flushNext || requests.contains(QmgrRequest.FLUSH_DEAD);
    boolean scanAll = scanAllNext || requests.contains(QmgrRequest.SCAN_ALL);
    if (flush) {
      ctx.destinations().flushDead();
    }
    List<ActiveMessage> admitted = new ArrayList<>();
    if (requests.contains(QmgrRequest.SCAN_INCOMING) || requests.contains(QmgrRequest.WAKEUP)) {
      scan(QueueName.INCOMING, true, flush, admitted);
    }
    if (requests.contains(QmgrRequest.SCAN_DEFERRED)) {
      scan(QueueName.DEFERRED, scanAll, flush, admitted);
      scanAll = false; // A and F last until the next deferred scan, as in Postfix
      flush = false;
    }
    scanAllNext = scanAll;
    flushNext = flush;
    List<Thread> threads = new ArrayList<>();
    for (ActiveMessage m : admitted) {
      Thread t = Thread.ofVirtual().name("qmgr-" + m.id()).unstarted(() -> process(m));
      inFlight.add(t);
      threads.add(t);
      t.start();
    }
    return threads;
  }

  /** One queue's scan; a failure to list it does not keep the other queue from its scan. */
  private void scan(QueueName queue, boolean ignoreTimes, boolean flush,
      List<ActiveMessage> admitted) {
    try {
      admitted.addAll(activeQueue.feed(queue, ignoreTimes, flush));
    } catch (IOException | RuntimeException e) {
      ctx.log().warn("queue scan: " + queue + ": " + e.getMessage());
    }
  }

  // Visible for testing: one queue run, returning when every message it took has been handled.
  void runQueue(Set<QmgrRequest> requests) throws InterruptedException {
    for (Thread t : feed(requests)) {
      t.join();
    }
  }

  // Visible for testing
  void recover() throws IOException {
    activeQueue.recover();
  }

  private void process(ActiveMessage m) {
    try {
      new MessageDelivery(ctx, m).run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop(): the message stays in active/ for next start
    } catch (IOException | RuntimeException e) {
      ctx.log().warn(m.id() + ": " + e.getMessage());
      salvage(m);
    } finally {
      inFlight.remove(Thread.currentThread());
      if (activeQueue.release(m) && running) {
        request(EnumSet.of(QmgrRequest.SCAN_INCOMING, QmgrRequest.SCAN_DEFERRED));
      }
    }
  }

  /** After a failed run, the message waits in deferred/ like any other. */
  private void salvage(ActiveMessage m) {
    try {
      ctx.completion().defer(m.id(), m.message().path(), ctx.settings().minimalBackoffTime(),
          ctx.clock().instant());
    } catch (IOException e) {
      ctx.log().warn(m.id() + ": cannot move to " + QueueName.DEFERRED + ": " + e.getMessage());
    }
  }

  private void scheduleDeferredScan() {
    timer = scheduler.schedule(ctx.settings().queueRunDelay(), () -> {
      if (running) {
        request(EnumSet.of(QmgrRequest.SCAN_DEFERRED));
        scheduleDeferredScan();
      }
    });
  }
}
