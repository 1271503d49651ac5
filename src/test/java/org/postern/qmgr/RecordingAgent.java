package org.postern.qmgr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.postern.deliver.DeliveryAgent;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Recipient;

/**
 * A delivery agent that records each request and answers with a scripted result per recipient;
 * it can also hold deliveries at a gate and count how many run at once.
 */
final class RecordingAgent implements DeliveryAgent {
  final List<DeliveryRequest> requests = new CopyOnWriteArrayList<>();
  private final Function<Recipient, RecipientResult> answer;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private volatile Semaphore gate;
  private volatile RuntimeException failure;

  private RecordingAgent(Function<Recipient, RecipientResult> answer) {
    this.answer = answer;
  }

  static RecordingAgent sending() {
    return new RecordingAgent(r ->
        RecipientResult.sent(r, "2.0.0", "mx.example.com[192.0.2.1]:25", "250 2.0.0 Ok"));
  }

  static RecordingAgent deferring() {
    return new RecordingAgent(r -> RecipientResult.deferred(r, "4.4.1", "none",
        "connect to mx.example.com[192.0.2.1]:25: Connection refused"));
  }

  static RecordingAgent bouncing() {
    return new RecordingAgent(r -> RecipientResult.bounced(r, "5.1.1",
        "mx.example.com[192.0.2.1]:25", "host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown"));
  }

  static RecordingAgent throwing() {
    RecordingAgent a = sending();
    a.failure = new IllegalStateException("agent broke");
    return a;
  }

  /** Answers by recipient: {@code answer} decides. */
  static RecordingAgent answering(Function<Recipient, RecipientResult> answer) {
    return new RecordingAgent(answer);
  }

  /** Holds every delivery until {@link #open} releases it. */
  RecordingAgent gated() {
    gate = new Semaphore(0);
    return this;
  }

  void open() {
    gate.release(10_000);
  }

  int running() {
    return running.get();
  }

  int maxRunning() {
    return maxRunning.get();
  }

  List<List<String>> recipientsPerRequest() {
    return requests.stream()
        .map(q -> q.recipients().stream().map(Recipient::address).toList())
        .toList();
  }

  List<String> recipients() {
    return recipientsPerRequest().stream().flatMap(List::stream).toList();
  }

  @Override
  public List<RecipientResult> deliver(DeliveryRequest request) throws Exception {
    requests.add(request);
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      Semaphore g = gate;
      if (g != null) {
        g.acquire();
      }
      if (failure != null) {
        throw failure;
      }
      return request.recipients().stream().map(answer).toList();
    } finally {
      running.decrementAndGet();
    }
  }
}
