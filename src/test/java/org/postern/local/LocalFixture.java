package org.postern.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.MailSubmitter;
import org.postern.deliver.RecipientResult;
import org.postern.queue.Envelope;
import org.postern.queue.ExtractedEnvelope;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueFileWriter;
import org.postern.queue.QueueId;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.queue.Recipient;
import org.postern.table.Tables;

/** A temporary world for local delivery tests: queue, homes, spool, aliases, users, cleanup. */
final class LocalFixture {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:34:56Z"), ZoneOffset.UTC);

  final Path root;
  final Queues queues;
  final Path spool;
  final Path aliases;
  final FakeLocalUsers users = new FakeLocalUsers();
  final RecordingMailSubmitter submitter = new RecordingMailSubmitter();
  final Map<String, String> parameters = new HashMap<>();

  LocalFixture(Path root) throws IOException {
    this.root = root;
    this.queues = Queues.at(root.resolve("queue"));
    queues.createDirectories();
    this.spool = Files.createDirectories(root.resolve("spool"));
    this.aliases = root.resolve("aliases");
    Files.writeString(aliases, "");
    users.add("alice", 1001, root);
    users.add("bob", 1002, root);
    users.add("nobody", 65534, root);
    parameters.put("myhostname", "mx.example.org");
    parameters.put("alias_maps", "texthash:" + aliases);
    parameters.put("mail_spool_directory", spool.toString());
  }

  Path home(String user) {
    return root.resolve("home").resolve(user);
  }

  void aliases(String... lines) throws IOException {
    Files.writeString(aliases, String.join("\n", lines) + "\n");
  }

  LocalDelivery agent() throws Exception {
    MainConfig config = MainConfig.of(root.resolve("etc"), parameters);
    return new LocalDelivery(config, Tables::open, submitter, CLOCK, Privileges.unprivileged(),
        users);
  }

  /** A queued message for {@code recipients}, as qmgr would hand it over. */
  DeliveryRequest request(Envelope envelope, String content, ExtractedEnvelope extracted)
      throws IOException {
    Path file;
    try (QueueFileWriter w = QueueFileWriter.create(queues, CLOCK)) {
      w.writeEnvelope(envelope);
      w.content().write(content.getBytes(StandardCharsets.UTF_8));
      file = w.commit(QueueName.INCOMING, extracted);
    }
    QueueFile qf = QueueFileReader.read(file);
    return new DeliveryRequest(qf.id().orElseThrow(), qf, "local", "mx.example.org",
        qf.recipients(), CLOCK.instant());
  }

  DeliveryRequest request(String content, String... recipients) throws IOException {
    List<Recipient> rcpts = java.util.Arrays.stream(recipients).map(Recipient::of).toList();
    return request(Envelope.of("sender@example.net", rcpts), content, ExtractedEnvelope.NONE);
  }

  RecipientResult deliverOne(DeliveryRequest request) throws Exception {
    try (LocalDelivery agent = agent()) {
      List<RecipientResult> results = agent.deliver(request);
      if (results.size() != 1) {
        throw new AssertionError("expected one result, got " + results);
      }
      return results.get(0);
    }
  }

  /** Users whose homes are directories under the test's temporary directory. */
  static final class FakeLocalUsers implements LocalUsers {
    private final List<LocalUser> users = new ArrayList<>();

    void add(String name, int uid, Path root) throws IOException {
      Path home = Files.createDirectories(root.resolve("home").resolve(name));
      users.add(new LocalUser(name, uid, uid, home, "/bin/sh"));
    }

    @Override
    public Optional<LocalUser> byName(String name) {
      return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public Optional<LocalUser> byUid(int uid) {
      return users.stream().filter(u -> u.uid() == uid).findFirst();
    }
  }

  /** Cleanup as a list: every submitted message with its envelope and content. */
  static final class RecordingMailSubmitter implements MailSubmitter {
    record Submission(Kind kind, Envelope envelope, String content, QueueId id) {}

    final List<Submission> submissions = new ArrayList<>();
    IOException failure;

    @Override
    public QueueId submit(Kind kind, Envelope envelope, Content content) throws IOException {
      if (failure != null) {
        throw failure;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      content.writeTo(out);
      QueueId id = QueueId.of("ABCDE" + (100 + submissions.size()));
      submissions.add(new Submission(kind, envelope, out.toString(StandardCharsets.UTF_8), id));
      return id;
    }
  }
}
