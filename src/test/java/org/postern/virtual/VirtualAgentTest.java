package org.postern.virtual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.queue.TraceFlags;

class VirtualAgentTest {
  private static final String CONTENT =
      "Subject: hello\r\n\r\nFrom the start\r\n.dot line\r\nlast\r\n";

  @TempDir Path dir;
  private Path base;
  private Path queue;
  private final Map<String, String> params = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectories(dir.resolve("vmail"));
    queue = Files.createDirectories(dir.resolve("queue"));
    params.put("virtual_mailbox_base", base.toString());
    params.put("virtual_mailbox_maps", "inline:{ {md@example.com=example.com/md/}, "
        + "{mb@example.com=example.com/mb}, {@catchall.example=catchall.example/all/} }");
    params.put("virtual_uid_maps", "static:5000");
    params.put("virtual_gid_maps", "static:5001");
    params.put("recipient_delimiter", "+");
    params.put("myhostname", "mx.example.com");
  }

  private VirtualAgent agent() throws Exception {
    return VirtualAgent.of(MainConfig.of(dir, params), TestRequests.CLOCK);
  }

  private DeliveryRequest request(String... recipients) throws Exception {
    return TestRequests.request(queue, "sender@example.org", CONTENT, "virtual", "example.com",
        recipients);
  }

  private static List<Path> files(Path d) throws Exception {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  @Test
  void deliver_maildir_writesNewFileWithEnvelopeHeaders() throws Exception {
    RecipientResult r = agent().deliver(request("md@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
    assertThat(r.dsn()).isEqualTo("2.0.0");
    assertThat(r.text()).isEqualTo("delivered to maildir");
    assertThat(r.relay()).isEqualTo("virtual");
    Path md = base.resolve("example.com/md");
    assertThat(files(md.resolve("tmp"))).isEmpty();
    assertThat(files(md.resolve("cur"))).isEmpty();
    List<Path> fresh = files(md.resolve("new"));
    assertThat(fresh).hasSize(1);
    assertThat(fresh.get(0).getFileName().toString())
        .startsWith("1714566896.Q").endsWith(".mx.example.com");
    assertThat(Files.readString(fresh.get(0))).isEqualTo("Return-Path: <sender@example.org>\n"
        + "X-Original-To: md@example.com\n"
        + "Delivered-To: md@example.com\n"
        + "Subject: hello\n\nFrom the start\n.dot line\nlast\n");
  }

  @Test
  void deliver_addressProbe_saysWhichMailboxAndWritesNothing() throws Exception {
    List<RecipientResult> r = agent().deliver(TestRequests.request(queue, "double-bounce@mx.example.com",
        "Subject: probe\n\n", "virtual", "example.com",
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.MTA_VERIFY)),
        "md@example.com", "mb@example.com", "nobody@example.com"));

    assertThat(r).extracting(RecipientResult::status, RecipientResult::text).containsExactly(
        tuple(RecipientResult.Status.SENT, "delivers to maildir"),
        tuple(RecipientResult.Status.SENT, "delivers to mailbox"),
        tuple(RecipientResult.Status.BOUNCED, "unknown user: \"nobody@example.com\""));
    assertThat(base.resolve("example.com")).doesNotExist();
  }

  @Test
  void deliver_maildirAsRoot_filesBelongToMappedOwner() throws Exception {
    agent().deliver(request("md@example.com"));

    Path md = base.resolve("example.com/md");
    Path message = files(md.resolve("new")).get(0);
    if (MailboxOwner.of(1, 1).handOver()) {
      assertThat(Files.getAttribute(message, "unix:uid")).isEqualTo(5000);
      assertThat(Files.getAttribute(message, "unix:gid")).isEqualTo(5001);
      assertThat(Files.getAttribute(md, "unix:uid")).isEqualTo(5000);
    }
    assertThat(Files.getPosixFilePermissions(message)).hasSize(2);
  }

  @Test
  void deliver_maildirRetry_doesNotDuplicate_evenAfterReaderMovedItToCur() throws Exception {
    VirtualAgent agent = agent();
    DeliveryRequest request = request("md@example.com");
    agent.deliver(request);
    Path md = base.resolve("example.com/md");
    Path fresh = files(md.resolve("new")).get(0);

    RecipientResult again = agent.deliver(request).get(0);
    assertThat(again.text()).isEqualTo("delivered to maildir");
    assertThat(files(md.resolve("new"))).hasSize(1);

    Files.move(fresh, md.resolve("cur").resolve(fresh.getFileName() + ":2,S"));
    RecipientResult third = agent.deliver(request).get(0);
    assertThat(third.status()).isEqualTo(RecipientResult.Status.SENT);
    assertThat(files(md.resolve("new"))).isEmpty();
    assertThat(files(md.resolve("cur"))).hasSize(1);
  }

  @Test
  void deliver_maildirTwoRecipientsOrNewMessage_getSeparateFiles() throws Exception {
    params.put("virtual_mailbox_maps", "static:shared/");
    VirtualAgent agent = agent();

    agent.deliver(request("one@example.com", "two@example.com"));
    agent.deliver(request("one@example.com"));

    assertThat(files(base.resolve("shared/new"))).hasSize(3);
  }

  @Test
  void deliver_mailbox_appendsFromLineQuotedAndBlankLine() throws Exception {
    Files.createDirectories(base.resolve("example.com"));
    VirtualAgent agent = agent();
    RecipientResult r = agent.deliver(request("mb@example.com")).get(0);
    agent.deliver(request("mb@example.com"));

    assertThat(r.text()).isEqualTo("delivered to mailbox");
    assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
    assertThat(r.text()).isEqualTo("delivered to mailbox");
    String one = "From sender@example.org  Wed May  1 12:34:56 2024\n"
        + "Return-Path: <sender@example.org>\n"
        + "X-Original-To: mb@example.com\n"
        + "Delivered-To: mb@example.com\n"
        + "Subject: hello\n\n>From the start\n.dot line\nlast\n\n";
    Path mbox = base.resolve("example.com/mb");
    assertThat(Files.readString(mbox)).isEqualTo(one + one);
    assertThat(Files.exists(base.resolve("example.com/mb.lock"))).isFalse();
  }

  @Test
  void deliver_mailboxLockedByDotlock_defersWithLockText() throws Exception {
    params.put("deliver_lock_attempts", "1");
    Files.createDirectories(base.resolve("example.com"));
    Files.createFile(base.resolve("example.com/mb.lock"));

    RecipientResult r = agent().deliver(request("mb@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.2.0");
    assertThat(r.text()).isEqualTo("delivery failed to mailbox " + base.resolve("example.com/mb")
        + ": unable to create lock file " + base.resolve("example.com/mb.lock") + ": File exists");
  }

  @Test
  void deliver_mailboxOverLimit_bouncesAndLeavesFileUnchanged() throws Exception {
    params.put("virtual_mailbox_limit", "100");
    params.put("message_size_limit", "100");
    Path mbox = Files.createDirectories(base.resolve("example.com")).resolve("mb");
    Files.writeString(mbox, "x".repeat(60));
    MailboxOwner.of(5000, 5001).takeOver(mbox);

    RecipientResult r = agent().deliver(request("mb@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.2");
    assertThat(r.text()).isEqualTo("delivery failed to mailbox " + mbox
        + ": error writing message: File too large");
    assertThat(Files.size(mbox)).isEqualTo(60);
  }

  @Test
  void deliver_maildirMessageOverLimit_bounces522AndLeavesNoFile() throws Exception {
    params.put("virtual_mailbox_limit", "100");
    params.put("message_size_limit", "100");

    RecipientResult r = agent().deliver(request("md@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.2");
    assertThat(r.text()).isEqualTo("maildir delivery failed: error writing message: File too large");
    assertThat(files(base.resolve("example.com/md/new"))).isEmpty();
    assertThat(files(base.resolve("example.com/md/tmp"))).isEmpty();
  }

  @Test
  void of_limitBelowMessageSizeLimit_refusesToStart() {
    params.put("virtual_mailbox_limit", "1000");
    params.put("message_size_limit", "1001");

    assertThatThrownBy(this::agent).isInstanceOf(IllegalArgumentException.class).hasMessage(
        "configuration error: virtual_mailbox_limit is smaller than message_size_limit");
  }

  @Test
  void checkMailboxLimit_limitWithUnlimitedMessages_refuses() {
    params.put("virtual_mailbox_limit", "1000");
    params.put("message_size_limit", "0");

    assertThatThrownBy(() -> VirtualAgent.checkMailboxLimit(MainConfig.of(dir, params)))
        .hasMessage("configuration error: virtual_mailbox_limit is limited but "
            + "message_size_limit is unlimited");
  }

  @Test
  void deliver_mailboxOwnedBySomeoneElse_defersWhenRunningAsRoot() throws Exception {
    Path mbox = Files.createDirectories(base.resolve("example.com")).resolve("mb");
    Files.writeString(mbox, "");
    boolean root = MailboxOwner.of(1, 1).handOver();
    if (root) {
      Files.setAttribute(mbox, "unix:uid", 4000);
    }

    RecipientResult r = agent().deliver(request("mb@example.com")).get(0);

    if (root) {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
      assertThat(r.text()).isEqualTo("delivery failed to mailbox " + mbox + ": destination "
          + mbox + " is not owned by recipient");
    } else {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
    }
  }

  @Test
  void deliver_mailboxDirectoryMissing_defers420() throws Exception {
    RecipientResult r = agent().deliver(request("mb@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.2.0");
    assertThat(r.text()).endsWith("No such file or directory");
  }

  @Test
  void deliver_catchAllDomainAndExtension_findMailbox() throws Exception {
    List<RecipientResult> results =
        agent().deliver(request("anyone@catchall.example", "md+tag@example.com"));

    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT));
    assertThat(files(base.resolve("catchall.example/all/new"))).hasSize(1);
    assertThat(files(base.resolve("example.com/md/new"))).hasSize(1);
  }

  @Test
  void deliver_unknownRecipient_bounces511WithPostfixText() throws Exception {
    RecipientResult r = agent().deliver(request("Nobody@Example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.1.1");
    assertThat(r.text()).isEqualTo("unknown user: \"nobody@example.com\"");
  }

  @Test
  void deliver_uidBelowMinimumOrNoGid_defers435() throws Exception {
    params.put("virtual_uid_maps", "static:99");
    RecipientResult lowUid = agent().deliver(request("md@example.com")).get(0);
    params.put("virtual_uid_maps", "static:5000");
    params.put("virtual_gid_maps", "");
    RecipientResult noGid = agent().deliver(request("md@example.com")).get(0);

    for (RecipientResult r : List.of(lowUid, noGid)) {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.3.5");
      assertThat(r.text()).isEqualTo("mail system configuration error");
    }
    assertThat(Files.exists(base.resolve("example.com/md"))).isFalse();
  }

  @Test
  void deliver_relativeMailboxBase_defers435() throws Exception {
    params.put("virtual_mailbox_base", "vmail");

    RecipientResult r = agent().deliver(request("md@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.5");
  }

  @Test
  void deliver_deliveredToAlreadyPresent_bouncesLoop() throws Exception {
    DeliveryRequest looping = TestRequests.request(queue, "s@example.org",
        "Delivered-To: MD@example.com\r\nSubject: x\r\n\r\nbody\r\n", "virtual", "example.com",
        "md@example.com");

    RecipientResult r = agent().deliver(looping).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.4.6");
    assertThat(r.text()).isEqualTo("mail forwarding loop for md@example.com");
  }
}
