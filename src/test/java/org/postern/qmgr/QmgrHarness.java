package org.postern.qmgr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryAgent;
import org.postern.log.MailLog;
import org.postern.queue.ClientFacts;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;

/** A queue directory, a qmgr over it, and the doubles it talks to. */
final class QmgrHarness {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  final Path root;
  final FakeClock clock = new FakeClock(T0);
  final FakeScheduler scheduler = new FakeScheduler(clock);
  final FakeResolver resolver = new FakeResolver().local("localhost.example");
  /** Routes address probes: address_verify_* routing as trivial-rewrite's verify context. */
  final FakeResolver probeResolver = new FakeResolver().local("localhost.example");
  final RecordingVerify verify = new RecordingVerify();
  final Queues queues;
  final RecordingNotifier notifier;
  final Map<String, DeliveryAgent> agents = new HashMap<>();
  final Map<String, Integer> maxproc = new HashMap<>();
  final Map<String, String> mainCf = new LinkedHashMap<>();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private QueueManager qmgr;

  QmgrHarness(Path root) throws IOException {
    this.root = root;
    this.queues = Queues.at(root.resolve("queue"));
    queues.createDirectories();
    this.notifier = new RecordingNotifier(queues);
    mainCf.put("myhostname", "mx.example.org");
  }

  QmgrHarness set(String name, String value) {
    mainCf.put(name, value);
    qmgr = null;
    return this;
  }

  QmgrHarness agent(String transport, DeliveryAgent agent) {
    agents.put(transport, agent);
    return this;
  }

  QueueManager qmgr() throws IOException {
    if (qmgr == null) {
      MainConfig config = MainConfig.of(root.resolve("etc"), mainCf);
      PrintStream out = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
      MailLog log = MailLog.builder().standardOutput(true).standardStreams(out, out)
          .hostName("mx").pid(7).clock(clock).build();
      qmgr = new QueueManager(QmgrSettings.from(config), queues,
          new QueueManager.Probes(probeResolver, verify), resolver,
          Transports.of(agents, maxproc, 100), notifier, log.program("qmgr"), log::program,
          clock, scheduler);
    }
    return qmgr;
  }

  /** One queue run over incoming and due deferred mail. */
  void run() throws Exception {
    qmgr().runQueue(EnumSet.of(QmgrRequest.SCAN_INCOMING, QmgrRequest.SCAN_DEFERRED));
  }

  /** A queue run as after postqueue -f. */
  void flush() throws Exception {
    qmgr().runQueue(EnumSet.of(QmgrRequest.FLUSH_DEAD, QmgrRequest.SCAN_ALL,
        QmgrRequest.SCAN_DEFERRED, QmgrRequest.SCAN_INCOMING));
  }

  QueueId submit(String... recipients) throws IOException {
    return submit("sender@example.org", Map.of(), List.of(recipients).stream().map(Recipient::of)
        .toList());
  }

  QueueId submit(String sender, Map<String, String> attributes, List<Recipient> recipients)
      throws IOException {
    Envelope env = new Envelope(sender, recipients, Optional.empty(), Optional.empty(), false,
        false, Optional.empty(), ClientFacts.NONE, attributes);
    try (QueueFileWriter w = QueueFileWriter.create(queues, clock)) {
      w.writeEnvelope(env);
      w.content().write("Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      w.commit(QueueName.INCOMING, ExtractedEnvelope.NONE);
      return w.id();
    }
  }

  /** The queue that holds {@code id}, if any. */
  Optional<QueueName> queueOf(QueueId id) {
    return queues.find(id, List.of(QueueName.values())).map(Queues.Located::queue);
  }

  QueueFile read(QueueId id) throws IOException {
    return QueueFileReader.read(queues.find(id, List.of(QueueName.values())).orElseThrow().path());
  }

  Instant mtime(QueueId id) throws IOException {
    return Files.getLastModifiedTime(queues.path(QueueName.DEFERRED, id)).toInstant();
  }

  Instant atime(QueueId id) throws IOException {
    return Files.readAttributes(queues.path(QueueName.DEFERRED, id), BasicFileAttributes.class)
        .lastAccessTime().toInstant();
  }

  String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }
}
