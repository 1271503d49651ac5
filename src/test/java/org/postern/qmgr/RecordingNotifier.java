package org.postern.qmgr;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postern.deliver.Notifier;
import org.postern.deliver.RecipientLog;
import org.postern.queue.QueueFile;
import org.postern.queue.Queues;

/** Records each notification with the log entries it would have reported. */
final class RecordingNotifier implements Notifier {
  record Call(String kind, String queueId, List<RecipientLog.Entry> entries) {}

  private final Queues queues;
  final List<Call> calls = new CopyOnWriteArrayList<>();

  RecordingNotifier(Queues queues) {
    this.queues = queues;
  }

  @Override
  public void bounce(QueueFile message) throws IOException {
    String id = message.id().orElseThrow().value();
    calls.add(new Call("bounce", id, RecipientLog.bounce(queues).read(message.id().get())));
  }

  @Override
  public void delayWarning(QueueFile message) throws IOException {
    calls.add(new Call("delay", message.id().orElseThrow().value(),
        RecipientLog.defer(queues).read(message.id().get())));
  }

  @Override
  public void success(QueueFile message) throws IOException {
    calls.add(new Call("success", message.id().orElseThrow().value(),
        RecipientLog.trace(queues).read(message.id().get())));
  }

  List<String> kinds() {
    return calls.stream().map(Call::kind).toList();
  }
}
