package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.cli.JsonParser;
import org.postern.it.Commands;
import org.postern.it.PosternInstance;

/**
 * postqueue(1) {@code -j} and postcat(1) of Postfix 3.12 and Postern on the same messages
 * (issue 12): each MTA gets a REQUIRETLS message, an SMTPUTF8 message and one with three
 * recipients through its own sendmail, and one with DSN RET/ENVID/NOTIFY/ORCPT through its own
 * smtpd (127.0.90.41 and .42), all put on hold by a {@code header_checks} HOLD action. Then
 * {@link QueueView} compares the listing and the queue files as each tool prints them.
 */
class QueueToolsDifferentialIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Postfix312 postfix;
  private static PosternInstance postern;
  private static final Map<Mta, Map<HeldMessage, String>> IDS = new EnumMap<>(Mta.class);

  static Stream<HeldMessage> messages() {
    return Stream.of(HeldMessage.values());
  }

  @BeforeAll
  static void start() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path hold = dir.resolve("hold_checks");
    Files.writeString(hold, "/^Subject: hold/ HOLD held for the differential test\n");
    List<String> mainCf = List.of(
        "myhostname = sender.diff.test",
        "mydomain = diff.test",
        "mydestination =",
        "mynetworks = 127.0.0.0/8",
        "inet_protocols = ipv4",
        "header_checks = regexp:" + hold);
    postfix = Postfix312.start(dir.resolve("postfix"), mainCf,
        List.of(HeldMessage.smtpd(Mta.POSTFIX) + ":25 inet n - n - - smtpd"));
    postern = PosternInstance.create(dir.resolve("postern"), String.join("\n", mainCf) + "\n");
    postern.appendMasterCf(HeldMessage.smtpd(Mta.POSTERN) + ":25 inet n - n - - smtpd");
    postern.startAndAwaitSmtp();
    for (HeldMessage m : HeldMessage.values()) {
      m.submit(Mta.POSTFIX, postfix, postern);
      m.submit(Mta.POSTERN, postfix, postern);
    }
    for (Mta mta : Mta.values()) {
      IDS.put(mta, awaitHeld(mta));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {postern, postfix}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** The queue id of each message once {@code postqueue -j} lists all of them on hold. */
  private static Map<HeldMessage, String> awaitHeld(Mta mta) throws Exception {
    Map<HeldMessage, String> ids = new LinkedHashMap<>();
    boolean all = Commands.await(LIMIT, () -> {
      ids.clear();
      for (String line : postqueueJ(mta).lines().toList()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) JsonParser.parse(line);
        HeldMessage.of(entry).ifPresent(m -> ids.put(m, (String) entry.get("queue_id")));
      }
      return ids.size() == HeldMessage.values().length;
    });
    assertThat(all).as(mta + " postqueue -j lists every message:\n" + postqueueJ(mta)).isTrue();
    return ids;
  }

  static String postqueueJ(Mta mta) {
    return run(mta, "postqueue", "-j");
  }

  static String run(Mta mta, String program, String... args) {
    try {
      PosternInstance.Result r = mta == Mta.POSTFIX ? postfix.command(program, args) : postern.command(program, args);
      assertThat(r.status()).as(mta + " " + program + " " + List.of(args) + ": " + r.err()).isZero();
      return r.out();
    } catch (Exception e) {
      throw new AssertionError(mta + " " + program, e);
    }
  }

  /** After all cells: no stale allow-list entry for them. */
  @AfterAll
  static void allowListStillNeeded() {
    List<String> cells = new ArrayList<>();
    for (HeldMessage m : HeldMessage.values()) {
      for (String tool : List.of("postqueue-j", "postcat-q", "postcat-e", "postcat-h", "postcat-b")) {
        cells.add(tool + "-" + m.label());
      }
    }
    Differences.assertAllowListUsed(cells);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void postqueueJ_postfix312AndPostern_sameObject(HeldMessage m) {
    Map<Mta, Observation> seen = new EnumMap<>(Mta.class);
    for (Mta mta : Mta.values()) {
      String id = IDS.get(mta).get(m);
      String line = postqueueJ(mta).lines().filter(l -> l.contains("\"" + id + "\"")).findFirst().orElseThrow();
      @SuppressWarnings("unchecked")
      Map<String, Object> entry = (Map<String, Object>) JsonParser.parse(line);
      seen.put(mta, QueueView.listing(entry));
    }

    Differences.assertAgree("postqueue-j-" + m.label(), "postqueue -j of the " + m + " message", seen);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void postcat_postfix312AndPostern_sameRecordsAndContent(HeldMessage m) {
    Map<String, Map<Mta, Observation>> cells = new LinkedHashMap<>();
    for (Mta mta : Mta.values()) {
      String id = IDS.get(mta).get(m);
      String smtpd = HeldMessage.smtpd(mta);
      put(cells, "postcat-q", mta, QueueView.envelope(run(mta, "postcat", "-q", id), id, smtpd).only("markers"));
      put(cells, "postcat-e", mta, QueueView.envelope(run(mta, "postcat", "-e", "-q", id), id, smtpd));
      put(cells, "postcat-h", mta, QueueView.content("header", run(mta, "postcat", "-h", "-q", id), id, smtpd));
      put(cells, "postcat-b", mta, QueueView.content("body", run(mta, "postcat", "-b", "-q", id), id, smtpd));
    }
    List<AssertionError> failures = new ArrayList<>();
    cells.forEach((tool, seen) -> {
      try {
        Differences.assertAgree(tool + "-" + m.label(), tool.replace('-', ' ') + " of the " + m + " message", seen);
      } catch (AssertionError e) {
        failures.add(e);
      }
    });
    assertThat(failures).as("postcat cells that differ").isEmpty();
  }

  private static void put(Map<String, Map<Mta, Observation>> cells, String tool, Mta mta, Observation o) {
    cells.computeIfAbsent(tool, t -> new EnumMap<>(Mta.class)).put(mta, o);
  }
}
