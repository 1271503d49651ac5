package org.postern.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.postern.config.MainConfig;
import org.postern.queue.QueueFile;
import org.postern.queue.QueueFileReader;
import org.postern.queue.QueueName;
import org.postern.queue.Queues;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.TableOpener;

/** A cleanup service over a temporary queue, a fixed clock, fake tables and a recorded log. */
final class CleanupHarness {
  static final Instant ARRIVAL = Instant.parse("2026-11-24T06:11:24.408571Z");

  final Path root;
  final Queues queues;
  final List<String> log = new ArrayList<>();
  final Map<String, LookupTable> tables = new HashMap<>();
  final Map<String, String> main = new HashMap<>();

  CleanupHarness(Path root) {
    this.root = root;
    this.queues = Queues.at(root.resolve("queue"));
    main.put("myhostname", "mail.example.com");
    main.put("mydomain", "example.com");
    main.put("compatibility_level", "3.6");
  }

  CleanupHarness set(String name, String value) {
    main.put(name, value);
    return this;
  }

  /** Registers {@code table} and appends its spec to parameter {@code name}. */
  CleanupHarness table(String name, LookupTable table) {
    tables.put(table.spec(), table);
    main.merge(name, table.spec(), (a, b) -> a + ", " + b);
    return this;
  }

  Cleanup cleanup() throws TableException, org.postern.config.ConfigException {
    MainConfig config = MainConfig.of(root.resolve("etc"), main);
    Clock clock = Clock.fixed(ARRIVAL, ZoneId.of("Europe/Berlin"));
    TableOpener opener = spec -> {
      LookupTable t = tables.get(spec);
      if (t == null) {
        throw new TableException(spec + ": no such table");
      }
      return t;
    };
    return Cleanup.create(config, queues, clock, opener, log::add);
  }

  static void write(CleanupTransaction t, String content) throws IOException {
    t.content().write(content.getBytes(StandardCharsets.UTF_8));
  }

  QueueFile read(CleanupResult result) throws IOException {
    CleanupResult.Queued q = (CleanupResult.Queued) result;
    return QueueFileReader.read(queues.path(q.queue(), q.queueId()));
  }

  String content(CleanupResult result) throws IOException {
    CleanupResult.Queued q = (CleanupResult.Queued) result;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (QueueFileReader r = QueueFileReader.open(queues.path(q.queue(), q.queueId()))) {
      r.copyContent(out, "\n");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Regular files anywhere under the queue directory. */
  List<Path> files() throws IOException {
    if (!Files.exists(queues.root())) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(queues.root())) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  List<Path> files(QueueName queue) throws IOException {
    Path dir = queues.directory(queue);
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
